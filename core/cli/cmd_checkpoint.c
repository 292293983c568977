/* SPDX-License-Identifier: Apache-2.0 */
/* `berth checkpoint` and `berth restore` share runc's CRIU flags: parsed here, for both. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <berth/plugin.h>

#include "checkpoint.h"
#include "cli.h"
#include "parse.h"

const struct option cli_checkpoint_options[] = {
    {"image-path", required_argument, NULL, CLI_CRIU_IMAGE},
    {"work-path", required_argument, NULL, CLI_CRIU_WORK},
    {"parent-path", required_argument, NULL, CLI_CRIU_PARENT},
    {"leave-running", no_argument, NULL, CLI_CRIU_LEAVE_RUNNING},
    {"tcp-established", no_argument, NULL, CLI_CRIU_TCP},
    {"ext-unix-sk", no_argument, NULL, CLI_CRIU_EXT_UNIX},
    {"shell-job", no_argument, NULL, CLI_CRIU_SHELL_JOB},
    {"file-locks", no_argument, NULL, CLI_CRIU_FILE_LOCKS},
    {"pre-dump", no_argument, NULL, CLI_CRIU_PRE_DUMP},
    {"manage-cgroups-mode", required_argument, NULL, CLI_CRIU_CGROUPS_MODE},
    {"empty-ns", required_argument, NULL, CLI_CRIU_EMPTY_NS},
    {"auto-dedup", no_argument, NULL, CLI_CRIU_AUTO_DEDUP},
    {"lazy-pages", no_argument, NULL, CLI_CRIU_LAZY_PAGES},
    {"status-fd", required_argument, NULL, CLI_CRIU_STATUS_FD},
    {"page-server", required_argument, NULL, CLI_CRIU_PAGE_SERVER},
    {NULL, 0, NULL, 0},
};

int cli_checkpoint_flag(int c, struct berth_checkpoint_options *o) {
  static const struct {
    int option;
    uint32_t flag;
  } flags[] = {{CLI_CRIU_LEAVE_RUNNING, BERTH_CHECKPOINT_LEAVE_RUNNING},
               {CLI_CRIU_TCP, BERTH_CHECKPOINT_TCP_ESTABLISHED},
               {CLI_CRIU_EXT_UNIX, BERTH_CHECKPOINT_EXT_UNIX_SK},
               {CLI_CRIU_SHELL_JOB, BERTH_CHECKPOINT_SHELL_JOB},
               {CLI_CRIU_FILE_LOCKS, BERTH_CHECKPOINT_FILE_LOCKS},
               {CLI_CRIU_PRE_DUMP, BERTH_CHECKPOINT_PRE_DUMP},
               {CLI_CRIU_AUTO_DEDUP, BERTH_CHECKPOINT_AUTO_DEDUP},
               {CLI_CRIU_LAZY_PAGES, BERTH_CHECKPOINT_LAZY_PAGES}};
  for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
    if (c == flags[i].option) {
      o->flags |= flags[i].flag;
      return 0;
    }
  switch (c) {
  case CLI_CRIU_IMAGE:
    o->image_path = optarg;
    return 0;
  case CLI_CRIU_WORK:
    o->work_path = optarg;
    return 0;
  case CLI_CRIU_CGROUPS_MODE: {
    int mode = berth_checkpoint_cgroups_mode(optarg);
    if (mode < 0)
      return cli_usage("--manage-cgroups-mode: %s is not soft, full, strict or ignore", optarg), -1;
    o->manage_cgroups_mode = (uint32_t)mode;
    return 0;
  }
  case CLI_CRIU_EMPTY_NS: {
    uint64_t ns = berth_checkpoint_empty_ns(optarg);
    if (ns == 0)
      return cli_usage("--empty-ns: %s is not a namespace CRIU can leave empty (network)", optarg),
             -1;
    o->empty_ns |= ns;
    return 0;
  }
  default:
    return 1;
  }
}

int cmd_checkpoint(struct berth_globals *g, int argc, char **argv) {
  struct berth_checkpoint_options o = {.root = g->root, .criu_path = g->criu_path, .status_fd = -1};
  int c;
  while ((c = getopt_long(argc, argv, "", cli_checkpoint_options, NULL)) != -1) {
    int r = cli_checkpoint_flag(c, &o);
    if (r < 0)
      return 1;
    if (r == 0)
      continue;
    if (c == CLI_CRIU_PARENT) {
      o.parent_path = optarg;
    } else if (c == CLI_CRIU_STATUS_FD) {
      _cleanup_error_ struct berth_error err = {0};
      if (cli_parse_fd_count("--status-fd", optarg, &o.status_fd, &err) < 0)
        return cli_fail(&err);
    } else if (c == CLI_CRIU_PAGE_SERVER) {
      return cli_usage("checkpoint: --page-server is not supported");
    } else {
      return cli_usage("checkpoint: invalid option");
    }
  }
  o.id = cli_one_id(argc, argv, "checkpoint");
  if (o.id == NULL)
    return 1;
  _cleanup_error_ struct berth_error err = {0};
  return berth_checkpoint(&o, &err) < 0 ? cli_fail(&err) : 0;
}
