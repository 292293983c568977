/* SPDX-License-Identifier: Apache-2.0 */
#include <getopt.h>

#include "cli.h"
#include "container.h"

static int pause_or_resume(struct berth_globals *g, int argc, char **argv, bool pause) {
  const char *name = pause ? "pause" : "resume";
  if (getopt(argc, argv, "") != -1)
    return cli_usage("%s: takes no options", name);
  const char *id = cli_one_id(argc, argv, name);
  if (id == NULL)
    return 1;
  _cleanup_error_ struct berth_error err = {0};
  _cleanup_close_ int root_fd = -1;
  _cleanup_container_ struct berth_container *c = NULL;
  if (cli_load_locked(g, id, &root_fd, &c, &err) < 0 || berth_container_pause(c, pause, &err) < 0)
    return cli_fail(&err);
  return 0;
}

int cmd_pause(struct berth_globals *g, int argc, char **argv) {
  return pause_or_resume(g, argc, argv, true);
}

int cmd_resume(struct berth_globals *g, int argc, char **argv) {
  return pause_or_resume(g, argc, argv, false);
}
