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

/* The host's services, set once by berth_plugin_entry. */
extern const struct berth_host_api *cgv2_host;

#define cg_error(err, errnum, ...) cgv2_host->error((err), (errnum), __VA_ARGS__)
#define log_debug(...) cgv2_host->log(BERTH_LOG_DEBUG, __VA_ARGS__)
#define log_warn(...) cgv2_host->log(BERTH_LOG_WARN, __VA_ARGS__)

/* A failure kept aside until the caller decides how to report it (the entry point has no
 * error object; rootless mode ignores permission errors). */
struct failure {
  int errnum;
  char msg[PATH_MAX + 256];
};
int set_failure(struct failure *f, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int raise_failure(struct berth_error *err, const struct failure *f);
/* EPERM, EACCES, EROFS: what runc tolerates for rootless containers. */
bool is_permission_error(int errnum);

/* The cgroup2 hierarchy as berth sees it (mount.c). */
struct unified {
  char *mountpoint; /* normally /sys/fs/cgroup */
  char *own;        /* berth's own cgroup below mountpoint, "" at its root */
};
void unified_clear(struct unified *u);
#define _cleanup_unified_ __attribute__((cleanup(unified_clear)))
/* From /proc/self/mountinfo and the "0::" line of /proc/self/cgroup. */
int discover_unified(struct unified *u, struct failure *f);
/* O_DIRECTORY fd of mountpoint, checked to be a cgroup2 file system. */
int open_mount(const char *mountpoint, struct failure *f);

/* Lexical path handling (cgpath.c). */
/* runc's CleanPath: drop ".", "" and ".." that would climb above the root. The result has
 * no leading '/'; *absolute reports whether the input had one. NULL on ENOMEM. */
char *clean_path(const char *path, bool *absolute);
/* "a" + "/" + "b", skipping empty parts. NULL on ENOMEM. */
char *join_path(const char *a, const char *b);
/* The part of path strictly below mountpoint when path is clean, else NULL. */
const char *below_mount(const char *path, const char *mountpoint);
/* A directory visited by walk_path: parentfd is the directory that holds it. */
typedef int (*walk_visit_fn)(int parentfd, int fd, const char *path, bool leaf, void *data,
                             struct failure *f);
struct walk {
  bool create;         /* mkdir missing components */
  walk_visit_fn visit; /* optional, run on every directory below the mount point */
  void *data;
  size_t created; /* out: trailing components this walk made */
};
/* Open rel (clean, relative) below mountfd one component at a time with O_NOFOLLOW; on
 * failure remove what this walk created. Returns the leaf fd or -errno (f says where). */
int walk_path(int mountfd, const char *mountpoint, const char *rel, struct walk *w,
              struct failure *f);

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
int read_at(int dirfd, const char *name, char **out);
int write_at(int dirfd, const char *name, const char *value);
bool exists_at(int dirfd, const char *name);
char *trim(char *s);
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
/* walk_visit_fn for create: enable the controllers in the parent's cgroup.subtree_control
 * and check the cgroup's type, as runc's CreateCgroupPath. */
int enable_controllers(int parentfd, int fd, const char *path, bool leaf, void *data,
                       struct failure *f);

/* Freezer (freezer.c). */
/* Raw: *frozen when cgroup.freeze is 1 or cgroup.events says "frozen 1" (an ancestor is
 * frozen); -errno when cgroup.freeze cannot be read. */
int read_freeze(int fd, bool *frozen);

/* cgroup.events (events.c). Raw: 0 once it says "key want" ("frozen 1", "populated 0"),
 * -ETIMEDOUT after timeout_ms, -errno. */
int wait_event(int cgfd, const char *key, int want, long timeout_ms);

/* Processes (pids.c). */
/* > 0 when the cgroup or a descendant holds a process, 0 when not, -errno on failure. */
int has_processes(int fd);
/* Calls fn for every process in the cgroup and below; fn's first non-zero result or
 * -errno. */
int for_each_process(int fd, int (*fn)(pid_t pid, void *data), void *data);

/* Removal (destroy.c). */
/* Undo create(): remove the cg->created trailing directories of cg->path. */
void remove_created(struct berth_cgroup *cg);

/* Resources (resources.c and res_*.c). */
/* linux.resources text to a JSON object; NULL or empty text gives *out NULL. */
int parse_resources(const char *text, json_object **out, struct berth_error *err);
int apply_resources(struct berth_cgroup *cg, json_object *resources, struct berth_error *err);
/* Does linux.resources ask for a controller (not devices, not unified)? runc's
 * needAnyControllers; *domain: a domain controller (memory, io, cpu, hugetlb). */
bool wants_controllers(json_object *resources, bool *domain);
/* Typed access to the OCI JSON; `where` names the object for messages. Absent or null
 * members leave *set false (or *out NULL) and succeed. */
int spec_i64(json_object *o, const char *key, const char *where, int64_t *out, bool *set,
             struct berth_error *err);
int spec_u64(json_object *o, const char *key, const char *where, uint64_t *out, bool *set,
             struct berth_error *err);
int spec_bool(json_object *o, const char *key, const char *where, bool *out,
              struct berth_error *err);
int spec_str(json_object *o, const char *key, const char *where, const char **out,
             struct berth_error *err);
int spec_object(json_object *o, const char *key, const char *where, json_object **out,
                struct berth_error *err);
int spec_array(json_object *o, const char *key, const char *where, json_object **out,
               struct berth_error *err);
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
int32_t cgv2_apply(struct berth_cgroup *cg, const char *resources_json, struct berth_error *err);
int32_t cgv2_freeze(struct berth_cgroup *cg, int32_t frozen, struct berth_error *err);
int32_t cgv2_is_frozen(struct berth_cgroup *cg, int32_t *frozen, struct berth_error *err);
int32_t cgv2_get_pids(struct berth_cgroup *cg, berth_pid_fn fn, void *data,
                      struct berth_error *err);
int32_t cgv2_stats(struct berth_cgroup *cg, char **stats_json, struct berth_error *err);
int32_t cgv2_destroy(struct berth_cgroup *cg, struct berth_error *err);
int32_t cgv2_cgroup_fd(struct berth_cgroup *cg);

#endif
