/* SPDX-License-Identifier: Apache-2.0 */
/* Where the cgroup2 hierarchy is mounted and where berth's own cgroup is in it: from
 * /proc/self/mountinfo and /proc/self/cgroup, never from a hard-coded path. */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "fs2.h"
#include "helpers.h"

/* runc's UnifiedMountpoint: preferred when a cgroup2 is mounted there. */
#define DEFAULT_MOUNTPOINT "/sys/fs/cgroup"

void unified_clear(struct unified *u) {
  free(u->mountpoint);
  free(u->own);
  u->mountpoint = u->own = NULL;
}

/* Is m what its mount point shows now? A later mount can hide it: on a hybrid host,
 * mounting cgroup2 over /sys/fs/cgroup hides /sys/fs/cgroup/unified, whose path then
 * names a (missing, or unrelated) directory inside the new mount. */
static bool reachable(const struct cgc_mount *m) {
  if (!m->unified)
    return false;
  struct cgc_failure ignored = {0};
  _cleanup_close_ int fd = cgc_open_mount(m->mountpoint, true, &ignored);
  if (fd < 0)
    return false;
  struct statx sx;
  if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &sx) < 0 || !(sx.stx_mask & STATX_MNT_ID))
    return true; /* kernel < 5.8: the cgroup2 check above is all there is */
  return sx.stx_mnt_id == m->id;
}

static const struct cgc_mount *pick_mount(const struct cgc_mount_table *t) {
  /* Of several mounts at one place, the last one in mountinfo is on top. */
  for (size_t i = t->n; i-- > 0;)
    if (strcmp(t->list[i].mountpoint, DEFAULT_MOUNTPOINT) == 0 && reachable(&t->list[i]))
      return &t->list[i];
  for (size_t i = t->n; i-- > 0;)
    if (reachable(&t->list[i]))
      return &t->list[i];
  return NULL;
}

/* The "0::/path" line; "/" when there is none (no cgroup2 membership to speak of). */
static int read_own_cgroup(char **out, struct cgc_failure *f) {
  _cleanup_free_ char *text = NULL;
  int r = cgc_read_file("/proc/self/cgroup", 0, &text);
  if (r < 0)
    return cgc_set_failure(f, -r, "open /proc/self/cgroup");
  *out = cgc_proc_cgroup_of(text, true);
  if (*out == NULL)
    *out = strdup("/");
  return *out != NULL ? 0 : cgc_set_failure(f, ENOMEM, "read /proc/self/cgroup");
}

int discover_unified(struct unified *u, struct cgc_failure *f) {
  _cleanup_mount_table_ struct cgc_mount_table mounts = {0};
  int r = cgc_read_mounts(&mounts, f);
  if (r < 0)
    return r;
  const struct cgc_mount *m = pick_mount(&mounts);
  if (m == NULL)
    return cgc_set_failure(f, ENOENT, "no cgroup2 file system is mounted (/proc/self/mountinfo)");
  _cleanup_free_ char *own = NULL;
  if ((r = read_own_cgroup(&own, f)) < 0 || own == NULL)
    return r < 0 ? r : -ENOMEM;
  u->mountpoint = strdup(m->mountpoint);
  u->own = cgc_own_relative(m->root, own);
  if (u->mountpoint == NULL || u->own == NULL) {
    unified_clear(u);
    return cgc_set_failure(f, ENOMEM, "find the cgroup2 mount");
  }
  return 0;
}
