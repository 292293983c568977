/* SPDX-License-Identifier: Apache-2.0 */
/* get_pids: the processes of the cgroup and of its sub-cgroups (runc's GetAllPids). */

#include "fs2.h"
#include "helpers.h"

int32_t fs2_get_pids(struct fs2_cgroup *cg, berth_pid_fn fn, void *data, struct berth_error *err) {
  int r = fs2_need_fd(cg, "list processes", err);
  if (r < 0)
    return r;
  return cgc_get_pids(cg->fd, cg->path, fn, data, err);
}
