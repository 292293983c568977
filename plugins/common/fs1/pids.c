/* SPDX-License-Identifier: Apache-2.0 */
/* get_pids: the processes of the container (runc's GetAllPids) in the hierarchy that holds
 * them best. */

#include "fs1.h"
#include "helpers.h"

/* The freezer hierarchy first: it holds exactly what pause freezes and kill must reach.
 * Then pids, memory, anything joined. */
static struct cgroup_dir *pids_dir(struct fs1_cgroup *cg) {
  static const char *const preferred[] = {"freezer", "pids", "memory"};
  for (size_t i = 0; i < sizeof(preferred) / sizeof(preferred[0]); i++) {
    struct cgroup_dir *d = fs1_find_dir(cg, preferred[i]);
    if (d != NULL && d->fd >= 0)
      return d;
  }
  for (size_t i = 0; i < cg->n; i++)
    if (cg->dirs[i].fd >= 0)
      return &cg->dirs[i];
  return NULL;
}

int32_t fs1_get_pids(struct fs1_cgroup *cg, berth_pid_fn fn, void *data, struct berth_error *err) {
  struct cgroup_dir *d = pids_dir(cg);
  if (d == NULL)
    return cg_error(err, ENOENT, "list processes: the container has no cgroup left");
  return cgc_get_pids(d->fd, d->path, fn, data, err);
}
