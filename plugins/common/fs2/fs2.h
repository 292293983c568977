/* SPDX-License-Identifier: Apache-2.0 */
/* fs2: the cgroup v2 file code, runc's fs2 driver, shared as a static library by cgroup-v2.so
 * (its ops wrap these) and cgroup-systemd.so (the files systemd has no property for, on
 * unified hosts). Its handle is struct fs2_cgroup and every function it exports is named
 * fs2_* (or names the unified mount), so that it links next to fs1 and to each plugin's own
 * code without a clash. Hidden visibility: only berth_plugin_entry leaves a .so. */
#ifndef FS2_H
#define FS2_H

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
struct fs2_cgroup {
  char *mountpoint;
  char *path;     /* absolute path (messages, save) */
  int fd;         /* O_RDONLY|O_DIRECTORY fd of it (CLONE_INTO_CGROUP, bpf), -1 if absent */
  size_t created; /* directories create() made (rollback) */
  bool rootless;
  uint32_t bpf_prog_id; /* the device filter this plugin attached last, 0 for none */
};
struct fs2_cgroup *fs2_handle_new(void);
void fs2_release(struct fs2_cgroup *cg);
static inline void fs2_releasep(struct fs2_cgroup **cg) {
  if (*cg != NULL)
    fs2_release(*cg);
}
#define _cleanup_fs2_ __attribute__((cleanup(fs2_releasep)))
/* Errors when the cgroup does not exist (rootless without a cgroup, or removed). */
int fs2_need_fd(struct fs2_cgroup *cg, const char *what, struct berth_error *err);

/* Control files through the cgroup's directory fd (cgfile.c). Raw variants return -errno. */
/* The value of "key" in a flat-keyed file ("frozen 1", "oom_kill 3"); -ENOENT when the key
 * is missing. */
int fs2_read_key_at(int dirfd, const char *name, const char *key, uint64_t *out);
/* With messages naming file, value and cgroup; ENOENT says which controller is missing. */
int fs2_read_setting(const struct fs2_cgroup *cg, const char *name, char **out,
                     struct berth_error *err);
int fs2_write_setting(const struct fs2_cgroup *cg, const char *name, const char *value,
                      struct berth_error *err);

/* Controllers (controllers.c). */
/* Is name in the space-separated list? */
bool fs2_has_word(const char *list, const char *name);
/* The message for a control file that is missing: its controller is not enabled here. */
int fs2_missing_controller(const struct fs2_cgroup *cg, const char *file, const char *value,
                           struct berth_error *err);
struct enable_request {
  bool domain; /* the resources ask for domain (not thread-aware) controllers */
};
/* cgc_visit_fn for create: enable the controllers in the parent's cgroup.subtree_control
 * and check the cgroup's type, as runc's CreateCgroupPath. */
int fs2_enable_controllers(int parentfd, int fd, const char *path, bool leaf, void *data,
                           struct cgc_failure *f);

/* Freezer (freezer.c). */
/* Raw: *frozen when cgroup.freeze is 1 or cgroup.events says "frozen 1" (an ancestor is
 * frozen); -errno when cgroup.freeze cannot be read. */
int fs2_read_freeze(int fd, bool *frozen);

/* cgroup.events (events.c). Raw: 0 once it says "key want" ("frozen 1", "populated 0"),
 * -ETIMEDOUT after timeout_ms, -errno. */
int fs2_wait_event(int cgfd, const char *key, int want, long timeout_ms);

/* cgroup.kill (kill.c). Raw: -ENOENT when the kernel lacks it. */
int fs2_write_cgroup_kill(const struct fs2_cgroup *cg);

/* Resources (resources.c and res_*.c). */
int fs2_apply_resources(struct fs2_cgroup *cg, json_object *resources, struct berth_error *err);
/* Does linux.resources ask for a controller (not devices, not unified)? runc's
 * needAnyControllers; *domain: a domain controller (memory, io, cpu, hugetlb). */
bool fs2_wants_controllers(json_object *resources, bool *domain);
int fs2_apply_pids(struct fs2_cgroup *cg, json_object *pids, struct berth_error *err);
int fs2_apply_memory(struct fs2_cgroup *cg, json_object *memory, struct berth_error *err);
int fs2_apply_io(struct fs2_cgroup *cg, json_object *blkio, struct berth_error *err);
int fs2_apply_cpu(struct fs2_cgroup *cg, json_object *cpu, struct berth_error *err);
int fs2_apply_devices(struct fs2_cgroup *cg, json_object *devices, struct berth_error *err);
int fs2_apply_cpuset(struct fs2_cgroup *cg, json_object *cpu, struct berth_error *err);
int fs2_apply_hugetlb(struct fs2_cgroup *cg, json_object *limits, struct berth_error *err);
int fs2_apply_rdma(struct fs2_cgroup *cg, json_object *rdma, struct berth_error *err);
int fs2_apply_unified(struct fs2_cgroup *cg, json_object *unified, struct berth_error *err);

/* What the ops do (one file each), on fs2's handle. */
int32_t fs2_create(const struct berth_cgroup_request *req, struct fs2_cgroup **out,
                   struct berth_error *err);
int32_t fs2_load(const char *state_json, struct fs2_cgroup **out, struct berth_error *err);
int32_t fs2_save(struct fs2_cgroup *cg, char **state_json, struct berth_error *err);
int32_t fs2_enter(struct fs2_cgroup *cg, int32_t pid, struct berth_error *err);
int32_t fs2_enter_sub(struct fs2_cgroup *cg, int32_t pid, const char *controller,
                      const char *subpath, struct berth_error *err);
int32_t fs2_apply(struct fs2_cgroup *cg, const char *resources_json, struct berth_error *err);
int32_t fs2_freeze(struct fs2_cgroup *cg, int32_t frozen, struct berth_error *err);
int32_t fs2_is_frozen(struct fs2_cgroup *cg, int32_t *frozen, struct berth_error *err);
int32_t fs2_get_pids(struct fs2_cgroup *cg, berth_pid_fn fn, void *data, struct berth_error *err);
int32_t fs2_stats(struct fs2_cgroup *cg, char **stats_json, struct berth_error *err);
int32_t fs2_destroy(struct fs2_cgroup *cg, struct berth_error *err);
int32_t fs2_kill_all(struct fs2_cgroup *cg, struct berth_error *err);
int32_t fs2_cgroup_fd(struct fs2_cgroup *cg);

#endif
