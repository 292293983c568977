/* SPDX-License-Identifier: Apache-2.0 */
/* enter: move a process into the container's cgroup. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fs2.h"
#include "helpers.h"

/* EINVAL can mean the task is still TASK_NEW (just forked): retry as runc does. */
static int write_pid(int fd, const char *pid) {
  int r = 0;
  for (int i = 0; i < 5; i++) {
    r = cgc_write_at(fd, "cgroup.procs", pid);
    if (r != -EINVAL)
      return r;
    struct timespec ts = {.tv_nsec = 30 * 1000000};
    nanosleep(&ts, NULL);
  }
  return r;
}

int32_t fs2_enter_sub(struct fs2_cgroup *cg, int32_t pid, const char *controller,
                      const char *subpath, struct berth_error *err) {
  if (controller != NULL && *controller != '\0')
    return cg_error(err, EINVAL,
                    "enter sub-cgroup %s: cgroup v2 has one hierarchy, no controller \"%s\"",
                    subpath, controller);
  int r = fs2_need_fd(cg, "enter a sub-cgroup", err);
  return r < 0 ? r : cgc_enter_sub(cg->fd, cg->path, pid, subpath, false, err);
}

int32_t fs2_enter(struct fs2_cgroup *cg, int32_t pid, struct berth_error *err) {
  if (pid <= 0)
    return cg_error(err, EINVAL, "enter cgroup: invalid pid %d", (int)pid);
  char value[24];
  snprintf(value, sizeof(value), "%d", (int)pid);
  if (cg->fd < 0 && cg->rootless && cg->path != NULL) {
    log_debug("cgroup-v2: rootless: %d stays where it is (no cgroup %s)", (int)pid, cg->path);
    return 0;
  }
  int r = fs2_need_fd(cg, "enter the cgroup", err);
  if (r < 0)
    return r;
  r = write_pid(cg->fd, value);
  if (r == -EBUSY)
    return cg_error(err, EBUSY,
                    "write cgroup.procs=%s in %s (the cgroup has sub-cgroups with controllers "
                    "enabled: processes may only live in its leaves)",
                    value, cg->path);
  if (r < 0)
    return cg_error(err, -r, "write cgroup.procs=%s in %s", value, cg->path);
  return 0;
}
