/* SPDX-License-Identifier: Apache-2.0 */
#include <getopt.h>
#include <signal.h>

#include "cli.h"
#include "container.h"

const struct option cli_kill_options[] = {{"all", no_argument, NULL, 'a'}, {NULL, 0, NULL, 0}};

int cmd_kill(struct berth_globals *g, int argc, char **argv) {
  bool all = false;
  int c;
  while ((c = getopt_long(argc, argv, CLI_KILL_SHORTOPTS, cli_kill_options, NULL)) != -1) {
    if (c != 'a')
      return cli_usage("kill: invalid option");
    all = true;
  }
  if (optind != argc - 1 && optind != argc - 2)
    return cli_usage("kill: usage: kill [--all] ID [SIGNAL]");
  const char *id = argv[optind];
  const char *sig_text = optind == argc - 2 ? argv[optind + 1] : "SIGTERM";
  int sig = berth_signal_parse(sig_text);
  if (sig < 0)
    return cli_usage("kill %s: unknown signal \"%s\"", id, sig_text);
  _cleanup_error_ struct berth_error err = {0};
  _cleanup_close_ int root_fd = -1;
  _cleanup_container_ struct berth_container *container = NULL;
  if (cli_load_locked(g, id, &root_fd, &container, &err) < 0 ||
      berth_container_kill(container, sig, all, &err) < 0)
    return cli_fail(&err);
  return 0;
}
