/* SPDX-License-Identifier: Apache-2.0 */
/* cgroup-v2.so's ops: fs2's, on the handle boxed in struct berth_cgroup. */
#include <errno.h>
#include <stdlib.h>

#include "cgv2.h"
#include "helpers.h"

/* The box is allocated before fs2 creates or opens anything, so that nothing fs2 made can be
 * left without an owner. */
static struct berth_cgroup *box_new(struct berth_error *err) {
  struct berth_cgroup *cg = calloc(1, sizeof(*cg));
  if (cg == NULL)
    cg_error(err, ENOMEM, "allocate the cgroup handle");
  return cg;
}

int32_t cgv2_create(const struct berth_cgroup_request *req, struct berth_cgroup **out,
                    struct berth_error *err) {
  int32_t r = cgc_check_request(req, out, err);
  if (r < 0)
    return r;
  _cleanup_free_ struct berth_cgroup *cg = box_new(err);
  if (cg == NULL)
    return -ENOMEM;
  if ((r = fs2_create(req, &cg->fs, err)) < 0)
    return r;
  *out = steal_pointer(&cg);
  return 0;
}

int32_t cgv2_load(const char *state_json, struct berth_cgroup **out, struct berth_error *err) {
  _cleanup_free_ struct berth_cgroup *cg = box_new(err);
  if (cg == NULL)
    return -ENOMEM;
  int32_t r = fs2_load(state_json, &cg->fs, err);
  if (r < 0)
    return r;
  *out = steal_pointer(&cg);
  return 0;
}

int32_t cgv2_save(struct berth_cgroup *cg, char **state_json, struct berth_error *err) {
  return fs2_save(cg->fs, state_json, err);
}

int32_t cgv2_enter(struct berth_cgroup *cg, int32_t pid, struct berth_error *err) {
  return fs2_enter(cg->fs, pid, err);
}

int32_t cgv2_enter_sub(struct berth_cgroup *cg, int32_t pid, const char *controller,
                       const char *subpath, struct berth_error *err) {
  return fs2_enter_sub(cg->fs, pid, controller, subpath, err);
}

int32_t cgv2_apply(struct berth_cgroup *cg, const char *resources_json, struct berth_error *err) {
  return fs2_apply(cg->fs, resources_json, err);
}

int32_t cgv2_freeze(struct berth_cgroup *cg, int32_t frozen, struct berth_error *err) {
  return fs2_freeze(cg->fs, frozen, err);
}

int32_t cgv2_is_frozen(struct berth_cgroup *cg, int32_t *frozen, struct berth_error *err) {
  return fs2_is_frozen(cg->fs, frozen, err);
}

int32_t cgv2_get_pids(struct berth_cgroup *cg, berth_pid_fn fn, void *data,
                      struct berth_error *err) {
  return fs2_get_pids(cg->fs, fn, data, err);
}

int32_t cgv2_stats(struct berth_cgroup *cg, char **stats_json, struct berth_error *err) {
  return fs2_stats(cg->fs, stats_json, err);
}

int32_t cgv2_destroy(struct berth_cgroup *cg, struct berth_error *err) {
  return fs2_destroy(cg->fs, err);
}

void cgv2_release(struct berth_cgroup *cg) {
  if (cg == NULL)
    return;
  fs2_release(cg->fs);
  free(cg);
}

int32_t cgv2_cgroup_fd(struct berth_cgroup *cg) {
  return fs2_cgroup_fd(cg->fs);
}

int32_t cgv2_kill_all(struct berth_cgroup *cg, struct berth_error *err) {
  return fs2_kill_all(cg->fs, err);
}
