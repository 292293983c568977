/* SPDX-License-Identifier: Apache-2.0 */
/* destroy: stop the unit and wait for the job, reset it if it ended failed (a delete leaves no
 * unit behind), then make sure the cgroups are gone: systemd removes the unit's own; the v1
 * core removes the hierarchies systemd does not run, and anything left over. */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "sd.h"

static int32_t count_pid(int32_t pid, void *data) {
  (void)pid;
  ++*(size_t *)data;
  return 0;
}

/* A scope stop sends SIGTERM and waits TimeoutStopSec (90 s) for processes that ignore it;
 * whatever the core's kill left gets SIGKILL through systemd first. */
static void kill_leftovers(struct berth_cgroup *cg) {
  size_t n = 0;
  if (cgsd_get_pids(cg, count_pid, &n, NULL) < 0 || n == 0)
    return;
  if (unit_kill(&cg->conn, cg->names.unit, SIGKILL, NULL) < 0)
    log_info("cgroup-systemd: KillUnit %s failed; stopping it anyway", cg->names.unit);
}

static int stop_unit(struct berth_cgroup *cg, struct berth_error *err) {
  int r = conn_open(&cg->conn, cg->rootless, err);
  if (r < 0)
    return r;
  kill_leftovers(cg);
  if ((r = unit_stop(&cg->conn, cg->names.unit, err)) < 0 ||
      (r = unit_reset_failed(&cg->conn, cg->names.unit, err)) < 0)
    return r;
  cg->started = false;
  return 0;
}

int remove_cgroups(struct berth_cgroup *cg, struct berth_error *err) {
  int r = 0;
  /* fs2's fd may name the directory systemd just removed: only a cgroup that is still
   * there is fs2's to remove. */
  if (cg->v2 != NULL && cg->path != NULL && access(cg->path, F_OK) == 0)
    r = fs2_destroy(cg->v2, err);
  if (r >= 0 && cg->v1 != NULL)
    r = fs1_destroy(cg->v1, err);
  if (r < 0)
    return r;
  if (cg->path != NULL && access(cg->path, F_OK) == 0)
    return cg_error(err, EBUSY, "unit %s is stopped but its cgroup %s is still there",
                    cg->names.unit, cg->path);
  return 0;
}

int32_t cgsd_destroy(struct berth_cgroup *cg, struct berth_error *err) {
  int r = cg->started ? stop_unit(cg, err) : 0;
  return r < 0 ? r : remove_cgroups(cg, err);
}
