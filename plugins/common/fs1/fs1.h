/* SPDX-License-Identifier: Apache-2.0 */
/* fs1: the cgroup v1 (and hybrid) file code, runc's fs driver, shared as a static library by
 * cgroup-v1.so (its ops wrap these) and cgroup-systemd.so (the files systemd has no property
 * for, on v1 and hybrid hosts). Its handle is struct fs1_cgroup and every function it exports
 * is named fs1_* (or names the v1 hierarchies), so that it links next to fs2 and to each
 * plugin's own code without a clash (tests/plugins: check-plugin-symbols). Hidden
 * visibility: only berth_plugin_entry leaves a .so. */
#ifndef FS1_H
#define FS1_H

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
struct fs1_cgroup {
  size_t n;
  struct cgroup_dir dirs[MAX_HIERARCHIES];
  bool rootless;
};
struct fs1_cgroup *fs1_handle_new(void);
void fs1_release(struct fs1_cgroup *cg);
static inline void fs1_releasep(struct fs1_cgroup **cg) {
  if (*cg != NULL)
    fs1_release(*cg);
}
#define _cleanup_fs1_ __attribute__((cleanup(fs1_releasep)))
/* The container's cgroup for a controller (UNIFIED_KEY for cgroup2), or NULL. */
struct cgroup_dir *fs1_find_dir(struct fs1_cgroup *cg, const char *controller);
/* Like fs1_find_dir, but an existing directory is required to set `what`; errors otherwise. */
int fs1_need_dir(struct fs1_cgroup *cg, const char *controller, const char *what,
                 struct cgroup_dir **out, struct berth_error *err);

/* Files inside a cgroup directory (cgfile.c), with messages naming file, value and
 * directory. */
int fs1_read_setting(const struct cgroup_dir *d, const char *name, char **out,
                     struct berth_error *err);
/* "max" reads as UINT64_MAX. */
int fs1_read_u64_setting(const struct cgroup_dir *d, const char *name, uint64_t *out,
                         struct berth_error *err);
/* A single-value file: skipped when it already holds value. */
int fs1_write_setting(const struct cgroup_dir *d, const char *name, const char *value,
                      struct berth_error *err);
/* A file whose every write is an action (devices.allow, blkio throttles, ...). */
int fs1_write_entry(const struct cgroup_dir *d, const char *name, const char *value,
                    struct berth_error *err);

/* cpuset.cpus/mems inheritance (cpuset.c). */
struct cpuset_request {
  const char *cpus; /* requested for the leaf, or NULL */
  const char *mems;
};
/* cgc_visit_fn: fill empty cpuset.cpus/mems from the parent (runc ensureParent). */
int fs1_cpuset_visit(int parentfd, int fd, const char *path, bool leaf, void *data,
                     struct cgc_failure *f);
/* Refill the chain from the mount point down to d (after ENOSPC moving a task). */
int fs1_cpuset_refill(const struct cgroup_dir *d, struct cgc_failure *f);

/* Freezer (freezer.c). */
/* Raw: *frozen = FROZEN or FREEZING; -errno when freezer.state cannot be read. */
int fs1_read_freezer_state(int fd, bool *frozen);

/* Resources (resources.c and res_*.c). */
int fs1_apply_resources(struct fs1_cgroup *cg, json_object *resources, struct berth_error *err);
int fs1_apply_cpuset(struct fs1_cgroup *cg, json_object *cpu, struct berth_error *err);
int fs1_apply_devices(struct fs1_cgroup *cg, json_object *devices, struct berth_error *err);
int fs1_apply_memory(struct fs1_cgroup *cg, json_object *memory, struct berth_error *err);
int fs1_apply_cpu(struct fs1_cgroup *cg, json_object *cpu, struct berth_error *err);
int fs1_apply_pids(struct fs1_cgroup *cg, json_object *pids, struct berth_error *err);
int fs1_apply_blkio(struct fs1_cgroup *cg, json_object *blkio, struct berth_error *err);
int fs1_apply_hugetlb(struct fs1_cgroup *cg, json_object *limits, struct berth_error *err);
int fs1_apply_network(struct fs1_cgroup *cg, json_object *network, struct berth_error *err);
int fs1_apply_rdma(struct fs1_cgroup *cg, json_object *rdma, struct berth_error *err);

/* What the ops do (one file each), on fs1's handle. */
int32_t fs1_create(const struct berth_cgroup_request *req, struct fs1_cgroup **out,
                   struct berth_error *err);
int32_t fs1_load(const char *state_json, struct fs1_cgroup **out, struct berth_error *err);
int32_t fs1_save(struct fs1_cgroup *cg, char **state_json, struct berth_error *err);
int32_t fs1_enter(struct fs1_cgroup *cg, int32_t pid, struct berth_error *err);
int32_t fs1_enter_sub(struct fs1_cgroup *cg, int32_t pid, const char *controller,
                      const char *subpath, struct berth_error *err);
int32_t fs1_apply(struct fs1_cgroup *cg, const char *resources_json, struct berth_error *err);
int32_t fs1_freeze(struct fs1_cgroup *cg, int32_t frozen, struct berth_error *err);
int32_t fs1_is_frozen(struct fs1_cgroup *cg, int32_t *frozen, struct berth_error *err);
int32_t fs1_get_pids(struct fs1_cgroup *cg, berth_pid_fn fn, void *data, struct berth_error *err);
int32_t fs1_stats(struct fs1_cgroup *cg, char **stats_json, struct berth_error *err);
int32_t fs1_destroy(struct fs1_cgroup *cg, struct berth_error *err);
int32_t fs1_cgroup_fd(struct fs1_cgroup *cg);

#endif
