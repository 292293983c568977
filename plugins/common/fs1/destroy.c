/* SPDX-License-Identifier: Apache-2.0 */
/* destroy: rmdir the container's cgroup (and sub-cgroups it made) in every hierarchy. */
#include <fcntl.h>
#include <string.h>

#include "fs1.h"
#include "helpers.h"

/* One attempt; -EBUSY while tasks are still leaving. */
static int remove_cgroup(struct cgroup_dir *d, struct cgc_failure *f) {
  if (d->fd < 0)
    return 0;
  const char *name = cgc_base_name(d->path);
  if (strcmp(d->path, d->mountpoint) == 0)
    return cgc_set_failure(f, EINVAL, "refusing to remove %s: it is a hierarchy's root", d->path);
  _cleanup_close_ int parent = openat(d->fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (parent < 0 && errno != ENOENT)
    return cgc_set_failure(f, errno, "open the parent of %s", d->path);
  if (parent >= 0 && cgc_same_dir(parent, name, d->fd)) {
    int r = cgc_remove_tree(parent, name);
    if (r < 0)
      return cgc_set_failure(f, -r, "rmdir %s", d->path);
  }
  closep(&d->fd);
  d->fd = -1;
  return 0;
}

/* Like runc's RemovePaths: every hierarchy in each round, rounds until none is busy. */
int32_t fs1_destroy(struct fs1_cgroup *cg, struct berth_error *err) {
  const size_t rounds = CGC_RETRY_ROUNDS + 1;
  for (size_t round = 0; round < rounds; round++) {
    bool busy = false;
    for (size_t i = 0; i < cg->n; i++) {
      struct cgc_failure f;
      int r = remove_cgroup(&cg->dirs[i], &f);
      if (r == -EBUSY && round + 1 < rounds) {
        busy = true;
        continue;
      }
      if (r < 0) {
        /* Report the first, try the rest: leave as little behind as possible. */
        int first = cgc_raise_failure(err, &f);
        for (size_t j = i + 1; j < cg->n; j++)
          if (remove_cgroup(&cg->dirs[j], &f) < 0)
            log_warn("cgroup-v1: %s: %s", f.msg, strerror(f.errnum));
        return first;
      }
    }
    if (!busy)
      return 0;
    cgc_sleep_ms(cgc_retry_delays_ms[round]);
  }
  return 0;
}
