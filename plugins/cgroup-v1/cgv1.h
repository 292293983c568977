/* SPDX-License-Identifier: Apache-2.0 */
/* cgroup-v1 plugin internals: the handle, hierarchy discovery and the helpers the op files
 * share. Everything here has hidden visibility; only berth_plugin_entry leaves the .so. */
#ifndef CGV1_H
#define CGV1_H

#include <berth/plugin.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cgc.h"

/* A kernel has at most 16 v1 controllers; named hierarchies and cgroup2 come on top. */
#define MAX_HIERARCHIES 32
/* The key of the cgroup2 hierarchy in the saved state and in lookups. */
#define UNIFIED_KEY "unified"

/* One mounted hierarchy as berth sees it (hierarchy.c). */
struct hierarchy {
  char *controllers; /* "memory", "cpu,cpuacct", "name=systemd"; UNIFIED_KEY for cgroup2 */
  char *mountpoint;  /* where it is mounted (first mount in mountinfo) */
  char *own;         /* berth's own cgroup, relative to mountpoint ("" at its root) */
  bool unified;
};
struct hierarchies {
  size_t n;
  struct hierarchy list[MAX_HIERARCHIES];
};
void hierarchies_clear(struct hierarchies *hs);
#define _cleanup_hierarchies_ __attribute__((cleanup(hierarchies_clear)))
/* Reads /proc/self/mountinfo and /proc/self/cgroup. Failures go to f (the entry point has no
 * error object to fill). */
int discover_hierarchies(struct hierarchies *hs, struct cgc_failure *f);
/* How many v1 (not cgroup2) hierarchies hs holds. */
size_t count_v1(const struct hierarchies *hs);

/* One cgroup of the container, in one hierarchy. */
struct cgroup_dir {
  char *controllers; /* as struct hierarchy */
  char *mountpoint;
  char *path; /* absolute path of the container's cgroup (messages, save) */
  int fd;     /* O_DIRECTORY fd of that cgroup, -1 when it does not exist */
  bool unified;
  size_t created; /* directories create() made for it (rollback) */
};
struct berth_cgroup {
  size_t n;
  struct cgroup_dir dirs[MAX_HIERARCHIES];
  bool rootless;
};
struct berth_cgroup *handle_new(void);
void cgv1_release(struct berth_cgroup *cg);
static inline void releasep(struct berth_cgroup **cg) {
  if (*cg != NULL)
    cgv1_release(*cg);
}
#define _cleanup_handle_ __attribute__((cleanup(releasep)))
/* The container's cgroup for a controller (UNIFIED_KEY for cgroup2), or NULL. */
struct cgroup_dir *find_dir(struct berth_cgroup *cg, const char *controller);
/* Like find_dir, but an existing directory is required to set `what`; errors otherwise. */
int need_dir(struct berth_cgroup *cg, const char *controller, const char *what,
             struct cgroup_dir **out, struct berth_error *err);

/* Files inside a cgroup directory (cgfile.c), with messages naming file, value and
 * directory. */
int read_setting(const struct cgroup_dir *d, const char *name, char **out, struct berth_error *err);
/* "max" reads as UINT64_MAX. */
int read_u64_setting(const struct cgroup_dir *d, const char *name, uint64_t *out,
                     struct berth_error *err);
/* A single-value file: skipped when it already holds value. */
int write_setting(const struct cgroup_dir *d, const char *name, const char *value,
                  struct berth_error *err);
/* A file whose every write is an action (devices.allow, blkio throttles, ...). */
int write_entry(const struct cgroup_dir *d, const char *name, const char *value,
                struct berth_error *err);

/* cpuset.cpus/mems inheritance (cpuset.c). */
struct cpuset_request {
  const char *cpus; /* requested for the leaf, or NULL */
  const char *mems;
};
/* cgc_visit_fn: fill empty cpuset.cpus/mems from the parent (runc ensureParent). */
int cpuset_visit(int parentfd, int fd, const char *path, bool leaf, void *data,
                 struct cgc_failure *f);
/* Refill the chain from the mount point down to d (after ENOSPC moving a task). */
int cpuset_refill(const struct cgroup_dir *d, struct cgc_failure *f);

/* Freezer (freezer.c). */
/* Raw: *frozen = FROZEN or FREEZING; -errno when freezer.state cannot be read. */
int read_freezer_state(int fd, bool *frozen);

/* Resources (resources.c and res_*.c). */
int apply_resources(struct berth_cgroup *cg, json_object *resources, struct berth_error *err);
int apply_cpuset(struct berth_cgroup *cg, json_object *cpu, struct berth_error *err);
int apply_devices(struct berth_cgroup *cg, json_object *devices, struct berth_error *err);
int apply_memory(struct berth_cgroup *cg, json_object *memory, struct berth_error *err);
int apply_cpu(struct berth_cgroup *cg, json_object *cpu, struct berth_error *err);
int apply_pids(struct berth_cgroup *cg, json_object *pids, struct berth_error *err);
int apply_blkio(struct berth_cgroup *cg, json_object *blkio, struct berth_error *err);
int apply_hugetlb(struct berth_cgroup *cg, json_object *limits, struct berth_error *err);
int apply_network(struct berth_cgroup *cg, json_object *network, struct berth_error *err);
int apply_rdma(struct berth_cgroup *cg, json_object *rdma, struct berth_error *err);

/* The ops (one file each). */
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
int32_t cgv1_cgroup_fd(struct berth_cgroup *cg);

#endif
