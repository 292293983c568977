/* SPDX-License-Identifier: Apache-2.0 */
/* What cgroup-systemd.so takes from the cores of cgroup-v1 and cgroup-v2: their ops, on the
 * cgroups systemd made for the unit, for everything systemd has no property for (the files
 * themselves, the freezer, the process list, stats).
 *
 * Both cores call their own handle `struct berth_cgroup` and share internal names
 * (apply_memory, write_setting ...; what they have in common is berth-plugin-common's).
 * CMakeLists.txt links each into one relocatable object whose only global symbols are those
 * listed in fscore-v1.syms and fscore-v2.syms, so that neither can bind to the other's, and
 * this header names their handles apart. Pointers to structures share one representation
 * (C11 6.2.5), so the calls are the cores' own. */
#ifndef SD_FSCORE_H
#define SD_FSCORE_H

#include <berth/plugin.h>
#include <stdbool.h>
#include <stdint.h>

/* cgroup-v1-core: plugins/cgroup-v1 (every v1 hierarchy, and cgroup2 on a hybrid host). */
struct cgv1_cgroup;
int32_t cgv1_create(const struct berth_cgroup_request *req, struct cgv1_cgroup **out,
                    struct berth_error *err);
int32_t cgv1_load(const char *state_json, struct cgv1_cgroup **out, struct berth_error *err);
int32_t cgv1_save(struct cgv1_cgroup *cg, char **state_json, struct berth_error *err);
int32_t cgv1_enter(struct cgv1_cgroup *cg, int32_t pid, struct berth_error *err);
int32_t cgv1_enter_sub(struct cgv1_cgroup *cg, int32_t pid, const char *controller,
                       const char *subpath, struct berth_error *err);
int32_t cgv1_apply(struct cgv1_cgroup *cg, const char *resources_json, struct berth_error *err);
int32_t cgv1_freeze(struct cgv1_cgroup *cg, int32_t frozen, struct berth_error *err);
int32_t cgv1_is_frozen(struct cgv1_cgroup *cg, int32_t *frozen, struct berth_error *err);
int32_t cgv1_get_pids(struct cgv1_cgroup *cg, berth_pid_fn fn, void *data, struct berth_error *err);
int32_t cgv1_stats(struct cgv1_cgroup *cg, char **stats_json, struct berth_error *err);
int32_t cgv1_destroy(struct cgv1_cgroup *cg, struct berth_error *err);
void cgv1_release(struct cgv1_cgroup *cg);

/* cgroup-v2-core: plugins/cgroup-v2 (the unified hierarchy). load takes
 * {"path":"/sys/fs/cgroup/...","rootless":bool} for a cgroup that exists (systemd made it). */
struct cgv2_cgroup;
int32_t cgv2_load(const char *state_json, struct cgv2_cgroup **out, struct berth_error *err);
int32_t cgv2_save(struct cgv2_cgroup *cg, char **state_json, struct berth_error *err);
int32_t cgv2_enter(struct cgv2_cgroup *cg, int32_t pid, struct berth_error *err);
int32_t cgv2_enter_sub(struct cgv2_cgroup *cg, int32_t pid, const char *controller,
                       const char *subpath, struct berth_error *err);
int32_t cgv2_apply(struct cgv2_cgroup *cg, const char *resources_json, struct berth_error *err);
int32_t cgv2_freeze(struct cgv2_cgroup *cg, int32_t frozen, struct berth_error *err);
int32_t cgv2_is_frozen(struct cgv2_cgroup *cg, int32_t *frozen, struct berth_error *err);
int32_t cgv2_get_pids(struct cgv2_cgroup *cg, berth_pid_fn fn, void *data, struct berth_error *err);
int32_t cgv2_stats(struct cgv2_cgroup *cg, char **stats_json, struct berth_error *err);
int32_t cgv2_destroy(struct cgv2_cgroup *cg, struct berth_error *err);
int32_t cgv2_kill_all(struct cgv2_cgroup *cg, struct berth_error *err);
void cgv2_release(struct cgv2_cgroup *cg);
/* runc's conversions (plugins/cgroup-v2/convert.h), so that a unit property and the file
 * the v2 core writes always agree. */
uint64_t cgv2_cpu_shares_to_weight(uint64_t shares);
uint64_t cgv2_blkio_weight_to_io_weight(uint64_t weight);
int cgv2_swap_max(int64_t swap, int64_t limit, bool *set, int64_t *out, const char **why);

#endif
