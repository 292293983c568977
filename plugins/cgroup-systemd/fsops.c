/* SPDX-License-Identifier: Apache-2.0 */
/* What the files do better than systemd: freeze and thaw through cgroup.freeze (v2) or the
 * v1 freezer (runc uses systemd's FreezeUnit on new systemd; the file is what every systemd
 * has), the process list and the stats, all through the fs core. */
#include <errno.h>
#include <unistd.h>

#include "helpers.h"
#include "sd.h"

int32_t cgsd_freeze(struct berth_cgroup *cg, int32_t frozen, struct berth_error *err) {
  if (cg->v2 != NULL)
    return fs2_freeze(cg->v2, frozen, err);
  if (cg->v1 != NULL)
    return fs1_freeze(cg->v1, frozen, err);
  return no_fs_handle(cg, frozen ? "freeze" : "thaw", err);
}

int32_t cgsd_is_frozen(struct berth_cgroup *cg, int32_t *frozen, struct berth_error *err) {
  *frozen = 0;
  if (cg->v2 != NULL)
    return fs2_is_frozen(cg->v2, frozen, err);
  if (cg->v1 != NULL)
    return fs1_is_frozen(cg->v1, frozen, err);
  return 0; /* no cgroup: never paused */
}

/* systemd removes a scope's cgroup once its last process has exited (the unit is then
 * gone too): no cgroup is no process. The v2 driver's cgroup of a stopped container is still
 * there and empty; this answers alike, so that `kill --all` of a stopped container succeeds
 * and `ps` lists nothing under every driver (runc skips the cgroup of a stopped container whose
 * systemd cgroup is gone the same way). */
static bool unit_cgroup_gone(const struct berth_cgroup *cg) {
  return cg->path != NULL && access(cg->path, F_OK) < 0 && errno == ENOENT;
}

int32_t cgsd_get_pids(struct berth_cgroup *cg, berth_pid_fn fn, void *data,
                      struct berth_error *err) {
  if (unit_cgroup_gone(cg))
    return 0;
  if (cg->v2 != NULL)
    return fs2_get_pids(cg->v2, fn, data, err);
  if (cg->v1 != NULL)
    return fs1_get_pids(cg->v1, fn, data, err);
  return no_fs_handle(cg, "list processes", err);
}

/* cgroup.kill through fs2. A v1 hierarchy has no such file: the host then freezes and
 * signals; a unit whose cgroup systemd removed has nothing left to kill. */
int32_t cgsd_kill_all(struct berth_cgroup *cg, struct berth_error *err) {
  if (unit_cgroup_gone(cg))
    return 0;
  if (cg->v2 != NULL)
    return fs2_kill_all(cg->v2, err);
  return cg_error(err, EOPNOTSUPP, "kill its processes at once: no cgroup.kill on cgroup v1");
}

/* exec --cgroup: a sub-cgroup of the unit's (delegated) cgroup, which systemd leaves alone. */
int32_t cgsd_enter_sub(struct berth_cgroup *cg, int32_t pid, const char *controller,
                       const char *subpath, struct berth_error *err) {
  if (cg->v2 != NULL)
    return fs2_enter_sub(cg->v2, pid, controller, subpath, err);
  if (cg->v1 != NULL)
    return fs1_enter_sub(cg->v1, pid, controller, subpath, err);
  return no_fs_handle(cg, "enter a sub-cgroup", err);
}

int32_t cgsd_stats(struct berth_cgroup *cg, char **stats_json, struct berth_error *err) {
  *stats_json = NULL;
  if (cg->v2 != NULL)
    return fs2_stats(cg->v2, stats_json, err);
  if (cg->v1 != NULL)
    return fs1_stats(cg->v1, stats_json, err);
  return no_fs_handle(cg, "read stats", err);
}
