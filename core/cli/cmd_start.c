/* SPDX-License-Identifier: Apache-2.0 */
#include <getopt.h>

#include "cli.h"
#include "container.h"

int cmd_start(struct berth_globals *g, int argc, char **argv) {
  if (getopt(argc, argv, "") != -1)
    return cli_usage("start: takes no options");
  const char *id = cli_one_id(argc, argv, "start");
  if (id == NULL)
    return 1;
  _cleanup_error_ struct berth_error err = {0};
  _cleanup_close_ int root_fd = -1;
  _cleanup_container_ struct berth_container *c = NULL;
  if (cli_load_locked(g, id, &root_fd, &c, &err) < 0 || berth_container_start(c, &err) < 0)
    return cli_fail(&err);
  return 0;
}
