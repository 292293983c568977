/* SPDX-License-Identifier: Apache-2.0 */
/* A v1 cpuset cgroup starts with empty cpuset.cpus and cpuset.mems, and no task can join it
 * (ENOSPC) until both are set: fill them from the parent, top down, as runc's ensureParent
 * does. The leaf takes the requested values first, so that cpu_exclusive siblings work. */
#include <string.h>

#include "cgv1.h"
#include "helpers.h"

static int copy_if_empty(int parentfd, int fd, const char *path, const char *name,
                         struct failure *f) {
  _cleanup_free_ char *current = NULL, *inherited = NULL;
  int r = read_at(fd, name, &current);
  if (r < 0)
    return set_failure(f, -r, "read %s in %s", name, path);
  if (trim(current)[0] != '\0')
    return 0;
  r = read_at(parentfd, name, &inherited);
  if (r < 0)
    return set_failure(f, -r, "read %s in the parent of %s", name, path);
  const char *value = trim(inherited);
  r = write_at(fd, name, value);
  if (r < 0)
    return set_failure(f, -r, "write %s=%s in %s", name, value, path);
  log_debug("cgroup-v1: %s/%s=%s (from parent)", path, name, value);
  return 0;
}

static int write_requested(int fd, const char *path, const char *name, const char *value,
                           struct failure *f) {
  if (value == NULL || value[0] == '\0')
    return 0;
  int r = write_at(fd, name, value);
  if (r < 0)
    return set_failure(f, -r, "write %s=%s in %s", name, value, path);
  return 0;
}

int cpuset_visit(int parentfd, int fd, const char *path, bool leaf, void *data, struct failure *f) {
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

int cpuset_refill(const struct cgroup_dir *d, struct failure *f) {
  _cleanup_close_ int mountfd = open_mount(d->mountpoint, false, f);
  if (mountfd < 0)
    return mountfd;
  const char *rel = d->path + strlen(d->mountpoint);
  while (*rel == '/')
    rel++;
  struct walk w = {.create = false, .visit = cpuset_visit, .data = NULL};
  _cleanup_close_ int fd = walk_path(mountfd, d->mountpoint, rel, &w, f);
  return fd < 0 ? fd : 0;
}
