/* SPDX-License-Identifier: Apache-2.0 */
/* enter: move a process into the container's cgroup in every hierarchy. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fs1.h"
#include "helpers.h"

/* EINVAL can mean the task is still TASK_NEW (just forked): retry as runc does. */
static int write_pid(const struct cgroup_dir *d, const char *pid) {
  int r = 0;
  for (int i = 0; i < 5; i++) {
    r = cgc_write_at(d->fd, "cgroup.procs", pid);
    if (r != -EINVAL)
      return r;
    struct timespec ts = {.tv_nsec = 30 * 1000000};
    nanosleep(&ts, NULL);
  }
  return r;
}

static int enter_one(struct fs1_cgroup *cg, struct cgroup_dir *d, const char *pid,
                     struct berth_error *err) {
  if (d->fd < 0)
    return cg_error(err, ENOENT, "write cgroup.procs=%s in %s: the cgroup does not exist", pid,
                    d->path);
  int r = write_pid(d, pid);
  /* An empty cpuset.cpus/mems somewhere up the tree (made by someone else meanwhile, or
   * emptied by CPU hotplug) refuses tasks with ENOSPC: refill from the parents, retry. */
  if (r == -ENOSPC && !d->unified && cgc_has_controller(d->controllers, "cpuset")) {
    struct cgc_failure f;
    if (fs1_cpuset_refill(d, &f) < 0)
      return cgc_raise_failure(err, &f);
    r = write_pid(d, pid);
  }
  if (r < 0 && cg->rootless && cgc_is_permission_error(-r)) {
    log_debug("cgroup-v1: rootless: not joining %s: %s", d->path, strerror(-r));
    return 0;
  }
  if (r < 0)
    return cg_error(err, -r, "write cgroup.procs=%s in %s", pid, d->path);
  return 0;
}

/* With a controller: that hierarchy's sub-cgroup must exist. Without: every v1 hierarchy where
 * it exists, at least one. */
int32_t fs1_enter_sub(struct fs1_cgroup *cg, int32_t pid, const char *controller,
                      const char *subpath, struct berth_error *err) {
  bool any = controller == NULL || *controller == '\0';
  size_t entered = 0;
  for (size_t i = 0; i < cg->n; i++) {
    struct cgroup_dir *d = &cg->dirs[i];
    if (d->unified || d->fd < 0 || (!any && !cgc_has_controller(d->controllers, controller)))
      continue;
    int r = cgc_enter_sub(d->fd, d->path, pid, subpath, any, err);
    if (r < 0 && r != -ENOENT)
      return r;
    entered += r == 0;
  }
  if (entered == 0)
    return cg_error(err, ENOENT, "no %s hierarchy has the sub-cgroup %s",
                    any ? "cgroup v1" : controller, subpath);
  return 0;
}

int32_t fs1_enter(struct fs1_cgroup *cg, int32_t pid, struct berth_error *err) {
  if (pid <= 0)
    return cg_error(err, EINVAL, "enter cgroup: invalid pid %d", (int)pid);
  char value[24];
  snprintf(value, sizeof(value), "%d", (int)pid);
  for (size_t i = 0; i < cg->n; i++) {
    int r = enter_one(cg, &cg->dirs[i], value, err);
    if (r < 0)
      return r;
  }
  return 0;
}
