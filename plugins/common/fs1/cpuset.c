/* SPDX-License-Identifier: Apache-2.0 */
/* A v1 cpuset cgroup starts with empty cpuset.cpus and cpuset.mems, and no task can join it
 * (ENOSPC) until both are set: fill them from the parent, top down, as runc's ensureParent
 * does. The leaf takes the requested values first, so that cpu_exclusive siblings work. */
#include <string.h>

#include "fs1.h"
#include "helpers.h"

static int copy_if_empty(int parentfd, int fd, const char *path, const char *name,
                         struct cgc_failure *f) {
  _cleanup_free_ char *current = NULL, *inherited = NULL;
  int r = cgc_read_at(fd, name, &current);
  if (r < 0)
    return cgc_set_failure(f, -r, "read %s in %s", name, path);
  if (cgc_trim(current)[0] != '\0')
    return 0;
  r = cgc_read_at(parentfd, name, &inherited);
  if (r < 0)
    return cgc_set_failure(f, -r, "read %s in the parent of %s", name, path);
  const char *value = cgc_trim(inherited);
  r = cgc_write_at(fd, name, value);
  if (r < 0)
    return cgc_set_failure(f, -r, "write %s=%s in %s", name, value, path);
  log_debug("cgroup-v1: %s/%s=%s (from parent)", path, name, value);
  return 0;
}

static int write_requested(int fd, const char *path, const char *name, const char *value,
                           struct cgc_failure *f) {
  if (value == NULL || value[0] == '\0')
    return 0;
  int r = cgc_write_at(fd, name, value);
  if (r < 0)
    return cgc_set_failure(f, -r, "write %s=%s in %s", name, value, path);
  return 0;
}

int fs1_cpuset_visit(int parentfd, int fd, const char *path, bool leaf, void *data,
                     struct cgc_failure *f) {
  const struct cpuset_request *req = data;
  int r = 0;
  if (leaf && req != NULL) {
    r = write_requested(fd, path, "cpuset.cpus", req->cpus, f);
    if (r == 0)
      r = write_requested(fd, path, "cpuset.mems", req->mems, f);
  }
  if (r == 0)
    r = copy_if_empty(parentfd, fd, path, "cpuset.cpus", f);
  if (r == 0)
    r = copy_if_empty(parentfd, fd, path, "cpuset.mems", f);
  return r;
}

int fs1_cpuset_refill(const struct cgroup_dir *d, struct cgc_failure *f) {
  _cleanup_close_ int mountfd = cgc_open_mount(d->mountpoint, false, f);
  if (mountfd < 0)
    return mountfd;
  const char *rel = d->path + strlen(d->mountpoint);
  while (*rel == '/')
    rel++;
  struct cgc_walk w = {.create = false, .visit = fs1_cpuset_visit, .data = NULL};
  _cleanup_close_ int fd = cgc_walk_path(mountfd, d->mountpoint, rel, &w, f);
  return fd < 0 ? fd : 0;
}
