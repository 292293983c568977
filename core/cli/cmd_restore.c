/* SPDX-License-Identifier: Apache-2.0 */
/* `berth restore`: a new container from a bundle and a checkpoint, running; in the foreground
 * (without -d) berth stays its parent and exits with its status, as `run` does. */
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"
#include "cli.h"
#include "container.h"
#include "foreground.h"

enum {
  OPT_BUNDLE = 'b',
  OPT_DETACH = 'd',
  OPT_PID_FILE = 512,
  OPT_CONSOLE_SOCKET,
  OPT_NO_SUBREAPER,
  OPT_NO_PIVOT,
  OPT_LSM_PROFILE,
  OPT_LSM_MOUNT_CONTEXT,
};

/* checkpoint's table (cmd_checkpoint.c) minus what only a dump takes, plus restore's own. */
const struct option cli_restore_options[] = {
    {"image-path", required_argument, NULL, CLI_CRIU_IMAGE},
    {"work-path", required_argument, NULL, CLI_CRIU_WORK},
    {"tcp-established", no_argument, NULL, CLI_CRIU_TCP},
    {"ext-unix-sk", no_argument, NULL, CLI_CRIU_EXT_UNIX},
    {"shell-job", no_argument, NULL, CLI_CRIU_SHELL_JOB},
    {"file-locks", no_argument, NULL, CLI_CRIU_FILE_LOCKS},
    {"manage-cgroups-mode", required_argument, NULL, CLI_CRIU_CGROUPS_MODE},
    {"empty-ns", required_argument, NULL, CLI_CRIU_EMPTY_NS},
    {"auto-dedup", no_argument, NULL, CLI_CRIU_AUTO_DEDUP},
    {"lazy-pages", no_argument, NULL, CLI_CRIU_LAZY_PAGES},
    {"bundle", required_argument, NULL, OPT_BUNDLE},
    {"detach", no_argument, NULL, OPT_DETACH},
    {"pid-file", required_argument, NULL, OPT_PID_FILE},
    {"console-socket", required_argument, NULL, OPT_CONSOLE_SOCKET},
    {"no-subreaper", no_argument, NULL, OPT_NO_SUBREAPER},
    {"no-pivot", no_argument, NULL, OPT_NO_PIVOT},
    {"lsm-profile", required_argument, NULL, OPT_LSM_PROFILE},
    {"lsm-mount-context", required_argument, NULL, OPT_LSM_MOUNT_CONTEXT},
    {NULL, 0, NULL, 0},
};

static void remove_container(struct berth_globals *g, const char *id) {
  _cleanup_error_ struct berth_error err = {0};
  _cleanup_close_ int root_fd = -1;
  _cleanup_container_ struct berth_container *c = NULL;
  if (cli_load_locked(g, id, &root_fd, &c, &err) < 0 ||
      berth_container_delete(root_fd, c, true, &err) < 0)
    cli_fail(&err);
}

int cmd_restore(struct berth_globals *g, int argc, char **argv) {
  struct berth_checkpoint_options o = {.root = g->root,
                                       .criu_path = g->criu_path,
                                       .status_fd = -1,
                                       .cgroup_driver = g->cgroup_driver,
                                       .systemd_cgroup = g->systemd_cgroup,
                                       .rootless = g->rootless};
  bool detach = false;
  int c;
  while ((c = getopt_long(argc, argv, CLI_RESTORE_SHORTOPTS, cli_restore_options, NULL)) != -1) {
    int r = cli_checkpoint_flag(c, &o);
    if (r < 0)
      return 1;
    if (r == 0)
      continue;
    switch (c) {
    case OPT_BUNDLE:
      o.bundle = optarg;
      break;
    case OPT_DETACH:
      detach = true;
      break;
    case OPT_PID_FILE:
      o.pid_file = optarg;
      break;
    case OPT_CONSOLE_SOCKET:
      o.console_socket = optarg;
      break;
    case OPT_NO_PIVOT:
      o.no_pivot = true;
      break;
    case OPT_NO_SUBREAPER:
      break; /* accepted: berth is the restored process's subreaper while it waits for it */
    case OPT_LSM_PROFILE:
    case OPT_LSM_MOUNT_CONTEXT:
      return cli_usage("restore: --lsm-profile and --lsm-mount-context are not supported");
    default:
      return cli_usage("restore: invalid option");
    }
  }
  o.id = cli_one_id(argc, argv, "restore");
  if (o.id == NULL)
    return 1;
  sigset_t set;
  if (!detach)
    berth_foreground_block_signals(&set);
  _cleanup_error_ struct berth_error err = {0};
  pid_t pid;
  if (berth_restore(&o, &pid, &err) < 0)
    return cli_fail(&err);
  if (detach)
    return 0;
  int status = berth_foreground_wait(pid, -1, &set);
  remove_container(g, o.id);
  return status;
}
