/* SPDX-License-Identifier: Apache-2.0 */
/* cgroup-v2.so: the ABI's cgroup ops over fs2, the cgroup v2 file code of plugins/common that
 * cgroup-systemd.so shares. The core holds a struct berth_cgroup; here that is a box around
 * fs2's handle, so that each op is an ordinary, properly typed call into fs2. */
#ifndef CGV2_H
#define CGV2_H

#include "fs2/fs2.h"

struct berth_cgroup {
  struct fs2_cgroup *fs;
};

/* The ops (ops.c): each is fs2_<op> on cg->fs. */
int32_t cgv2_create(const struct berth_cgroup_request *req, struct berth_cgroup **out,
                    struct berth_error *err);
int32_t cgv2_load(const char *state_json, struct berth_cgroup **out, struct berth_error *err);
int32_t cgv2_save(struct berth_cgroup *cg, char **state_json, struct berth_error *err);
int32_t cgv2_enter(struct berth_cgroup *cg, int32_t pid, struct berth_error *err);
int32_t cgv2_enter_sub(struct berth_cgroup *cg, int32_t pid, const char *controller,
                       const char *subpath, struct berth_error *err);
int32_t cgv2_apply(struct berth_cgroup *cg, const char *resources_json, struct berth_error *err);
int32_t cgv2_freeze(struct berth_cgroup *cg, int32_t frozen, struct berth_error *err);
int32_t cgv2_is_frozen(struct berth_cgroup *cg, int32_t *frozen, struct berth_error *err);
int32_t cgv2_get_pids(struct berth_cgroup *cg, berth_pid_fn fn, void *data,
                      struct berth_error *err);
int32_t cgv2_stats(struct berth_cgroup *cg, char **stats_json, struct berth_error *err);
int32_t cgv2_destroy(struct berth_cgroup *cg, struct berth_error *err);
void cgv2_release(struct berth_cgroup *cg);
int32_t cgv2_cgroup_fd(struct berth_cgroup *cg);
int32_t cgv2_kill_all(struct berth_cgroup *cg, struct berth_error *err);

#endif
