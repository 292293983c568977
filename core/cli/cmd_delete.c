/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <getopt.h>

#include "cli.h"
#include "container.h"
#include "log.h"

const struct option cli_delete_options[] = {{"force", no_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};

int cmd_delete(struct berth_globals *g, int argc, char **argv) {
  bool force = false;
  int c;
  while ((c = getopt_long(argc, argv, CLI_DELETE_SHORTOPTS, cli_delete_options, NULL)) != -1) {
    if (c != 'f')
      return cli_usage("delete: invalid option");
    force = true;
  }
  const char *id = cli_one_id(argc, argv, "delete");
  if (id == NULL)
    return 1;
  _cleanup_error_ struct berth_error err = {0};
  _cleanup_close_ int root_fd = -1;
  _cleanup_container_ struct berth_container *container = NULL;
  int r = cli_load_locked(g, id, &root_fd, &container, &err);
  /* Engines delete --force what may already be gone (containerd's shim does). */
  if (r == -ENOENT && force)
    return 0;
  /* A damaged state.json must not keep what the container holds alive forever: --force
   * removes what cleanup.json names instead. Any other failure (a plugin that cannot be
   * loaded) stops delete: the record must stay for when it can be acted upon. */
  if (r == -EUCLEAN && force) {
    berth_log(BERTH_LOG_WARN, "delete %s: %s", id, err.msg);
    berth_error_clear(&err);
    r = berth_container_load_record(root_fd, id, &container, &err);
    if (r == -ENOENT)
      return 0;
  }
  if (r < 0 || berth_container_delete(root_fd, container, force, &err) < 0)
    return cli_fail(&err);
  return 0;
}
