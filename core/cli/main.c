/* SPDX-License-Identifier: Apache-2.0 */
#include <getopt.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commit.h"
#include "init.h"
#include "log.h"
#include "phase.h"
#include "state.h"

static int print_version(void) {
  const struct scmp_version *v = seccomp_version();
  printf("berth version %s\ncommit: %s\nspec: 1.0.2-dev\nlibseccomp: %u.%u.%u\n", BERTH_VERSION,
         berth_commit, v->major, v->minor, v->micro);
  return 0;
}

enum {
  OPT_ROOT = 256,
  OPT_LOG,
  OPT_LOG_FORMAT,
  OPT_DEBUG,
  OPT_DRIVER,
  OPT_SYSTEMD,
  OPT_MANAGER,
  OPT_ROOTLESS,
  OPT_CRIU
};

const struct option cli_global_options[] = {
    {"debug", no_argument, NULL, OPT_DEBUG},
    {"log", required_argument, NULL, OPT_LOG},
    {"log-format", required_argument, NULL, OPT_LOG_FORMAT},
    {"root", required_argument, NULL, OPT_ROOT},
    {"cgroup-driver", required_argument, NULL, OPT_DRIVER},
    {"systemd-cgroup", no_argument, NULL, OPT_SYSTEMD},
    {"cgroup-manager", required_argument, NULL, OPT_MANAGER},
    {"rootless", required_argument, NULL, OPT_ROOTLESS},
    {"criu", required_argument, NULL, OPT_CRIU},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'v'},
    {NULL, 0, NULL, 0},
};

static int parse_globals(int argc, char **argv, struct berth_globals *g) {
  int c;
  opterr = 0; /* cli_option_error says what is wrong, in one line */
  while ((c = getopt_long(argc, argv, "+:vh", cli_global_options, NULL)) != -1) {
    switch (c) {
    case OPT_ROOT:
      g->root = optarg;
      g->root_set = true;
      break;
    case OPT_LOG:
      g->log_path = optarg;
      break;
    case OPT_LOG_FORMAT:
      g->log_format = optarg;
      break;
    case OPT_DEBUG:
      g->debug = true;
      break;
    case OPT_DRIVER:
    case OPT_MANAGER:
      g->cgroup_driver = optarg;
      break;
    case OPT_SYSTEMD:
      g->systemd_cgroup = true;
      break;
    case OPT_ROOTLESS:
      if (strcmp(optarg, "true") == 0 || strcmp(optarg, "false") == 0)
        g->rootless = strcmp(optarg, "true") == 0;
      else if (strcmp(optarg, "auto") != 0)
        return cli_usage("--rootless: %s is not true, false or auto", optarg), -1;
      g->rootless_set = strcmp(optarg, "auto") != 0;
      break;
    case OPT_CRIU:
      g->criu_path = optarg;
      break;
    case 'v':
      return -2;
    case 'h':
      return -3;
    default:
      return cli_option_error(NULL, c, argv, 1), -1;
    }
  }
  return optind;
}

/* runc's --rootless=auto: an unprivileged caller is rootless, and keeps its state in its
 * runtime directory rather than /run. */
static void apply_rootless_defaults(struct berth_globals *g) {
  static char root[4096];
  if (!g->rootless_set)
    g->rootless = geteuid() != 0;
  if (g->root_set || geteuid() == 0)
    return;
  const char *xdg = getenv("XDG_RUNTIME_DIR");
  if (xdg != NULL && *xdg == '/')
    snprintf(root, sizeof(root), "%s/berth", xdg);
  else
    snprintf(root, sizeof(root), "/tmp/berth-%u", (unsigned)geteuid());
  g->root = root;
}

static void log_phase(const char *line) {
  berth_log(BERTH_LOG_DEBUG, "%s", line);
}

int main(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "init") == 0)
    return berth_init_main();
  struct berth_globals g = {.root = BERTH_DEFAULT_ROOT, .log_format = "text"};
  int first = parse_globals(argc, argv, &g);
  if (first == -2)
    return print_version();
  if (first == -3 || (first > 0 && first >= argc))
    return cli_print_usage(), first == -3 ? 0 : 1;
  if (first < 0)
    return 1;
  apply_rootless_defaults(&g);
  bool json = strcmp(g.log_format, "json") == 0;
  if (!json && strcmp(g.log_format, "text") != 0)
    return cli_usage("--log-format: unknown format %s (text or json)", g.log_format);
  if (berth_log_open(g.log_path, json, g.debug) < 0)
    return cli_usage("--log %s: cannot open", g.log_path);
  if (g.debug) {
    berth_phase_enable(log_phase);
    berth_phase_report_startup();
  }
  const struct cli_command *cmd = cli_command_find(argv[first]);
  if (cmd == NULL)
    return cli_usage("unknown command %s (see 'berth --help')", argv[first]);
  int status = cli_check_options(cmd, argc - first, argv + first);
  return status >= 0 ? status : cmd->fn(&g, argc - first, argv + first);
}
