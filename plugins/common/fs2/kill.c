/* SPDX-License-Identifier: Apache-2.0 */
/* kill_all, and destroy's first try: cgroup.kill (Linux 5.14), which SIGKILLs every process
 * of the cgroup and its descendants at once, forks in flight included. */
#include <errno.h>

#include "fs2.h"
#include "helpers.h"

int fs2_write_cgroup_kill(const struct fs2_cgroup *cg) {
  return cgc_write_at(cg->fd, "cgroup.kill", "1");
}

int32_t fs2_kill_all(struct fs2_cgroup *cg, struct berth_error *err) {
  int r = fs2_need_fd(cg, "kill its processes", err);
  if (r < 0)
    return r;
  r = fs2_write_cgroup_kill(cg);
  if (r == -ENOENT)
    return cg_error(err, EOPNOTSUPP, "no cgroup.kill in %s (the kernel is older than 5.14)",
                    cg->path);
  return r < 0 ? cg_error(err, -r, "write cgroup.kill=1 in %s", cg->path) : 0;
}
