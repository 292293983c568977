/* SPDX-License-Identifier: Apache-2.0 */
#include <getopt.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "init.h"
#include "log.h"
#include "state.h"

static const struct {
  const char *name;
  berth_command_fn fn;
} commands[] = {
    {"create", cmd_create}, {"start", cmd_start},
    {"run", cmd_run},       {"state", cmd_state},
    {"kill", cmd_kill},     {"delete", cmd_delete},
    {"list", cmd_list},     {"spec", cmd_spec},
    {"pause", cmd_pause},   {"resume", cmd_resume},
    {"ps", cmd_ps},         {"exec", cmd_exec},
    {"update", cmd_update}, {"features", cmd_features},
    {"events", cmd_events}, {"check", cmd_check},
};

static int print_version(void) {
  const struct scmp_version *v = seccomp_version();
  printf("berth version %s\ncommit: %s\nspec: 1.0.2-dev\nlibseccomp: %u.%u.%u\n", BERTH_VERSION,
         BERTH_COMMIT, v->major, v->minor, v->micro);
  return 0;
}

static int print_help(void) {
  printf("usage: berth [global options] COMMAND [options] [ID]\n\ncommands:");
  for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
    printf(" %s", commands[i].name);
  printf(
      "\n\nglobal options: --root DIR (default %s) --log FILE --log-format text|json --debug\n"
      "  --cgroup-driver auto|none|NAME (plugin cgroup-NAME.so) --systemd-cgroup --cgroup-manager M"
      " --rootless true|false --version\n",
      BERTH_DEFAULT_ROOT);
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
  OPT_VERSION,
  OPT_HELP,
  OPT_CRIU
};

static int parse_globals(int argc, char **argv, struct berth_globals *g) {
  static const struct option opts[] = {
      {"root", required_argument, NULL, OPT_ROOT},
      {"log", required_argument, NULL, OPT_LOG},
      {"log-format", required_argument, NULL, OPT_LOG_FORMAT},
      {"debug", no_argument, NULL, OPT_DEBUG},
      {"cgroup-driver", required_argument, NULL, OPT_DRIVER},
      {"systemd-cgroup", no_argument, NULL, OPT_SYSTEMD},
      {"cgroup-manager", required_argument, NULL, OPT_MANAGER},
      {"rootless", required_argument, NULL, OPT_ROOTLESS},
      {"criu", required_argument, NULL, OPT_CRIU},
      {"version", no_argument, NULL, OPT_VERSION},
      {"help", no_argument, NULL, OPT_HELP},
      {NULL, 0, NULL, 0},
  };
  int c;
  while ((c = getopt_long(argc, argv, "+vh", opts, NULL)) != -1) {
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
      break;
    case 'v':
    case OPT_VERSION:
      return -2;
    case 'h':
    case OPT_HELP:
      return -3;
    default:
      return -1;
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

int main(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "init") == 0)
    return berth_init_main();
  struct berth_globals g = {.root = BERTH_DEFAULT_ROOT, .log_format = "text"};
  int first = parse_globals(argc, argv, &g);
  if (first == -2)
    return print_version();
  if (first == -3 || (first > 0 && first >= argc))
    return first == -3 ? print_help() : (print_help(), 1);
  if (first < 0)
    return 1;
  apply_rootless_defaults(&g);
  bool json = strcmp(g.log_format, "json") == 0;
  if (!json && strcmp(g.log_format, "text") != 0)
    return cli_usage("--log-format: unknown format %s (text or json)", g.log_format);
  if (berth_log_open(g.log_path, json, g.debug) < 0)
    return cli_usage("--log %s: cannot open", g.log_path);
  for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
    if (strcmp(argv[first], commands[i].name) != 0)
      continue;
    optind = 0; /* let getopt start over on the command's own arguments */
    return commands[i].fn(&g, argc - first, argv + first);
  }
  return cli_usage("unknown command %s", argv[first]);
}
