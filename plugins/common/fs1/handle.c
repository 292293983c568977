/* SPDX-License-Identifier: Apache-2.0 */
/* The container's handle: one directory per joined hierarchy. */
#include <string.h>

#include "fs1.h"
#include "helpers.h"

struct fs1_cgroup *fs1_handle_new(void) {
  return calloc(1, sizeof(struct fs1_cgroup));
}

void fs1_release(struct fs1_cgroup *cg) {
  if (cg == NULL)
    return;
  for (size_t i = 0; i < cg->n; i++) {
    struct cgroup_dir *d = &cg->dirs[i];
    free(d->controllers);
    free(d->mountpoint);
    free(d->path);
    closep(&d->fd);
  }
  free(cg);
}

struct cgroup_dir *fs1_find_dir(struct fs1_cgroup *cg, const char *controller) {
  for (size_t i = 0; i < cg->n; i++)
    if (cgc_has_controller(cg->dirs[i].controllers, controller))
      return &cg->dirs[i];
  return NULL;
}

int fs1_need_dir(struct fs1_cgroup *cg, const char *controller, const char *what,
                 struct cgroup_dir **out, struct berth_error *err) {
  struct cgroup_dir *d = fs1_find_dir(cg, controller);
  if (d == NULL)
    return cg_error(err, ENODEV,
                    "cannot set %s: the container has no %s cgroup (controller not mounted, or "
                    "not joined without privileges)",
                    what, controller);
  if (d->fd < 0)
    return cg_error(err, ENOENT, "cannot set %s: cgroup %s does not exist", what, d->path);
  *out = d;
  return 0;
}

int32_t fs1_cgroup_fd(struct fs1_cgroup *cg) {
  (void)cg; /* v1 has no CLONE_INTO_CGROUP */
  return -1;
}
