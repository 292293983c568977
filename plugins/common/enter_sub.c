/* SPDX-License-Identifier: Apache-2.0 */
/* exec --cgroup: a process into an existing sub-cgroup of the container's cgroup. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgc.h"
#include "helpers.h"

int cgc_enter_sub(int cgroup_fd, const char *cgroup_path, int32_t pid, const char *subpath,
                  bool missing_ok, struct berth_error *err) {
  bool absolute = false;
  /* Relative to the container's cgroup whatever its form; ".." cannot climb above it. */
  _cleanup_free_ char *rel = cgc_clean_path(subpath != NULL ? subpath : "", &absolute);
  if (rel == NULL)
    return cg_error(err, ENOMEM, "enter sub-cgroup %s", subpath);
  /* "/" (or nothing) is the container's cgroup itself, as in runc. */
  _cleanup_close_ int fd = -1;
  if (*rel != '\0') {
    struct cgc_walk walk = {.create = false};
    struct cgc_failure f = {0};
    fd = cgc_walk_path(cgroup_fd, cgroup_path, rel, &walk, &f);
    if (fd == -ENOENT && missing_ok)
      return -ENOENT;
    if (fd < 0)
      return cgc_raise_failure(err, &f);
  }
  char value[24];
  snprintf(value, sizeof(value), "%d", (int)pid);
  int r = cgc_write_at(*rel != '\0' ? fd : cgroup_fd, "cgroup.procs", value);
  if (r < 0)
    return cg_error(err, -r, "write cgroup.procs=%s in %s/%s", value, cgroup_path, rel);
  return 0;
}
