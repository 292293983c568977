/* SPDX-License-Identifier: Apache-2.0 */
/* cgroup-v2 plugin internals: the handle, the unified mount and the helpers the op files
 * share. Everything here has hidden visibility; only berth_plugin_entry leaves the .so. */
#ifndef CGV2_H
#define CGV2_H

#include <berth/plugin.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgc.h"

/* The cgroup2 hierarchy as berth sees it (mount.c). */
struct unified {
  char *mountpoint; /* normally /sys/fs/cgroup */
  char *own;        /* berth's own cgroup below mountpoint, "" at its root */
};
void unified_clear(struct unified *u);
#define _cleanup_unified_ __attribute__((cleanup(unified_clear)))
/* From /proc/self/mountinfo and the "0::" line of /proc/self/cgroup. */
int discover_unified(struct unified *u, struct cgc_failure *f);

/* The container's cgroup. */
struct berth_cgroup {
  char *mountpoint;
  char *path;     /* absolute path (messages, save) */
  int fd;         /* O_RDONLY|O_DIRECTORY fd of it (CLONE_INTO_CGROUP, bpf), -1 if absent */
  size_t created; /* directories create() made (rollback) */
  bool rootless;
  uint32_t bpf_prog_id; /* the device filter this plugin attached last, 0 for none */
};
struct berth_cgroup *handle_new(void);
void cgv2_release(struct berth_cgroup *cg);
static inline void releasep(struct berth_cgroup **cg) {
  if (*cg != NULL)
    cgv2_release(*cg);
}
#define _cleanup_handle_ __attribute__((cleanup(releasep)))
/* Errors when the cgroup does not exist (rootless without a cgroup, or removed). */
int need_fd(struct berth_cgroup *cg, const char *what, struct berth_error *err);

/* Control files through the cgroup's directory fd (cgfile.c). Raw variants return -errno. */
/* The value of "key" in a flat-keyed file ("frozen 1", "oom_kill 3"); -ENOENT when the key
 * is missing. */
int read_key_at(int dirfd, const char *name, const char *key, uint64_t *out);
/* With messages naming file, value and cgroup; ENOENT says which controller is missing. */
int read_setting(const struct berth_cgroup *cg, const char *name, char **out,
                 struct berth_error *err);
int write_setting(const struct berth_cgroup *cg, const char *name, const char *value,
                  struct berth_error *err);

/* Controllers (controllers.c). */
/* Is name in the space-separated list? */
bool has_word(const char *list, const char *name);
/* The message for a control file that is missing: its controller is not enabled here. */
int missing_controller(const struct berth_cgroup *cg, const char *file, const char *value,
                       struct berth_error *err);
struct enable_request {
  bool domain; /* the resources ask for domain (not thread-aware) controllers */
};
/* cgc_visit_fn for create: enable the controllers in the parent's cgroup.subtree_control
 * and check the cgroup's type, as runc's CreateCgroupPath. */
int enable_controllers(int parentfd, int fd, const char *path, bool leaf, void *data,
                       struct cgc_failure *f);

/* Freezer (freezer.c). */
/* Raw: *frozen when cgroup.freeze is 1 or cgroup.events says "frozen 1" (an ancestor is
 * frozen); -errno when cgroup.freeze cannot be read. */
int read_freeze(int fd, bool *frozen);

/* cgroup.events (events.c). Raw: 0 once it says "key want" ("frozen 1", "populated 0"),
 * -ETIMEDOUT after timeout_ms, -errno. */
int wait_event(int cgfd, const char *key, int want, long timeout_ms);

/* cgroup.kill (kill.c). Raw: -ENOENT when the kernel lacks it. */
int write_cgroup_kill(const struct berth_cgroup *cg);

/* Resources (resources.c and res_*.c). */
int apply_resources(struct berth_cgroup *cg, json_object *resources, struct berth_error *err);
/* Does linux.resources ask for a controller (not devices, not unified)? runc's
 * needAnyControllers; *domain: a domain controller (memory, io, cpu, hugetlb). */
bool wants_controllers(json_object *resources, bool *domain);
int apply_pids(struct berth_cgroup *cg, json_object *pids, struct berth_error *err);
int apply_memory(struct berth_cgroup *cg, json_object *memory, struct berth_error *err);
int apply_io(struct berth_cgroup *cg, json_object *blkio, struct berth_error *err);
int apply_cpu(struct berth_cgroup *cg, json_object *cpu, struct berth_error *err);
int apply_devices(struct berth_cgroup *cg, json_object *devices, struct berth_error *err);
int apply_cpuset(struct berth_cgroup *cg, json_object *cpu, struct berth_error *err);
int apply_hugetlb(struct berth_cgroup *cg, json_object *limits, struct berth_error *err);
int apply_rdma(struct berth_cgroup *cg, json_object *rdma, struct berth_error *err);
int apply_unified(struct berth_cgroup *cg, json_object *unified, struct berth_error *err);

/* The ops (one file each). */
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
int32_t cgv2_kill_all(struct berth_cgroup *cg, struct berth_error *err);
int32_t cgv2_cgroup_fd(struct berth_cgroup *cg);

#endif
