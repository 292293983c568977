/* SPDX-License-Identifier: Apache-2.0 */
/* cgroup-v1.so: the ABI's cgroup ops over fs1, the cgroup v1 file code of plugins/common that
 * cgroup-systemd.so shares. The core holds a struct berth_cgroup; here that is a box around
 * fs1's handle, so that each op is an ordinary, properly typed call into fs1. */
#ifndef CGV1_H
#define CGV1_H

#include "fs1/fs1.h"

struct berth_cgroup {
  struct fs1_cgroup *fs;
};

/* The ops (ops.c): each is fs1_<op> on cg->fs. */
int32_t cgv1_create(const struct berth_cgroup_request *req, struct berth_cgroup **out,
                    struct berth_error *err);
int32_t cgv1_load(const char *state_json, struct berth_cgroup **out, struct berth_error *err);
int32_t cgv1_save(struct berth_cgroup *cg, char **state_json, struct berth_error *err);
int32_t cgv1_enter(struct berth_cgroup *cg, int32_t pid, struct berth_error *err);
int32_t cgv1_enter_sub(struct berth_cgroup *cg, int32_t pid, const char *controller,
                       const char *subpath, struct berth_error *err);
int32_t cgv1_apply(struct berth_cgroup *cg, const char *resources_json, struct berth_error *err);
int32_t cgv1_freeze(struct berth_cgroup *cg, int32_t frozen, struct berth_error *err);
int32_t cgv1_is_frozen(struct berth_cgroup *cg, int32_t *frozen, struct berth_error *err);
int32_t cgv1_get_pids(struct berth_cgroup *cg, berth_pid_fn fn, void *data,
                      struct berth_error *err);
int32_t cgv1_stats(struct berth_cgroup *cg, char **stats_json, struct berth_error *err);
int32_t cgv1_destroy(struct berth_cgroup *cg, struct berth_error *err);
void cgv1_release(struct berth_cgroup *cg);
int32_t cgv1_cgroup_fd(struct berth_cgroup *cg);

#endif
