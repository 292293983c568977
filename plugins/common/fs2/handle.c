/* SPDX-License-Identifier: Apache-2.0 */
/* The container's handle: one directory of the unified hierarchy. */
#include <string.h>

#include "fs2.h"
#include "helpers.h"

struct fs2_cgroup *fs2_handle_new(void) {
  struct fs2_cgroup *cg = calloc(1, sizeof(struct fs2_cgroup));
  if (cg != NULL)
    cg->fd = -1;
  return cg;
}

void fs2_release(struct fs2_cgroup *cg) {
  if (cg == NULL)
    return;
  free(cg->mountpoint);
  free(cg->path);
  closep(&cg->fd);
  free(cg);
}

int fs2_need_fd(struct fs2_cgroup *cg, const char *what, struct berth_error *err) {
  if (cg->fd >= 0)
    return 0;
  if (cg->path == NULL)
    return cg_error(err, ENOENT, "cannot %s: the container has no cgroup", what);
  return cg_error(err, ENOENT, "cannot %s: cgroup %s does not exist", what, cg->path);
}

/* Opened O_RDONLY|O_DIRECTORY (not O_PATH): clone3(CLONE_INTO_CGROUP) and BPF_PROG_ATTACH
 * both refuse an O_PATH fd. The handle keeps it; the caller must not close it. */
int32_t fs2_cgroup_fd(struct fs2_cgroup *cg) {
  return cg->fd;
}
