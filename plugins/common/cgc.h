/* SPDX-License-Identifier: Apache-2.0 */
/* berth-plugin-common: what the cgroup plugins share (the host pointer, failures kept aside,
 * the no-symlink walk, control files, /proc parsing, process lists, removal, typed reads of
 * the OCI JSON). Linked into every cgroup plugin with hidden visibility; nothing here leaves
 * a .so. */
#ifndef CGC_H
#define CGC_H

#include <berth/plugin.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* ---- the host (host.c) ---- */

/* The host's services, set once by the entry point (cgc_init_host). */
extern const struct berth_host_api *cgc_host;
/* The plugin's name for the log lines of this library ("cgroup-v1" ...). */
extern const char *cgc_name;
/* Keep host and name if the host lends at least the 1.0 services the plugins call. */
bool cgc_init_host(const struct berth_host_api *host, const char *name);

#define cg_error(err, errnum, ...) cgc_host->error((err), (errnum), __VA_ARGS__)
#define log_debug(...) cgc_host->log(BERTH_LOG_DEBUG, __VA_ARGS__)
#define log_info(...) cgc_host->log(BERTH_LOG_INFO, __VA_ARGS__)
#define log_warn(...) cgc_host->log(BERTH_LOG_WARN, __VA_ARGS__)

/* create's request, checked to carry what ABI 1.0 puts in it, and the caller's place for the
 * handle (of whatever type: the ops' struct berth_cgroup, or fs1's or fs2's) not NULL. */
int cgc_check_request(const struct berth_cgroup_request *req, const void *out,
                      struct berth_error *err);

/* ---- failures (failure.c) ---- */

/* A failure kept aside until the caller decides how to report it (the entry point has no
 * error object; rootless mode ignores permission errors, so those must not reach the host's
 * error object, which keeps the first message set). */
struct cgc_failure {
  int errnum;
  char msg[PATH_MAX + 256];
};
int cgc_set_failure(struct cgc_failure *f, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int cgc_raise_failure(struct berth_error *err, const struct cgc_failure *f);
/* EPERM, EACCES, EROFS: what runc ignores for rootless containers. */
bool cgc_is_permission_error(int errnum);

/* ---- paths (path.c) ---- */

/* runc's CleanPath: drop ".", "" and ".." that would climb above the root. The result has
 * no leading '/'; *absolute reports whether the input had one. NULL on ENOMEM. */
char *cgc_clean_path(const char *path, bool *absolute);
/* "a" + "/" + "b", skipping empty parts. NULL on ENOMEM. */
char *cgc_join_path(const char *a, const char *b);
/* The part of path strictly below mountpoint when path is clean, else NULL. */
const char *cgc_below_mount(const char *path, const char *mountpoint);
/* The last component of path. */
const char *cgc_base_name(const char *path);
/* A directory visited by cgc_walk_path: parentfd is the directory that holds it. */
typedef int (*cgc_visit_fn)(int parentfd, int fd, const char *path, bool leaf, void *data,
                            struct cgc_failure *f);
struct cgc_walk {
  bool create;        /* mkdir missing components */
  cgc_visit_fn visit; /* optional, run on every directory below the mount point */
  void *data;
  size_t created; /* out: trailing components this walk made */
};
/* Open rel (clean, relative) below mountfd one component at a time with O_NOFOLLOW; on
 * failure remove what this walk created. Returns the leaf fd or -errno (f says where). */
int cgc_walk_path(int mountfd, const char *mountpoint, const char *rel, struct cgc_walk *w,
                  struct cgc_failure *f);

/* exec --cgroup: write pid into cgroup.procs of subpath ("/" is the cgroup itself; cleaned, kept
 * below the cgroup, no symlinks) of the cgroup whose directory fd and path these are. With
 * missing_ok, a missing sub-cgroup is -ENOENT with err untouched. */
int cgc_enter_sub(int cgroup_fd, const char *cgroup_path, int32_t pid, const char *subpath,
                  bool missing_ok, struct berth_error *err);

/* ---- files (file.c); raw: -errno, no message ---- */

/* The whole file (control files report st_size 0: read until EOF). */
int cgc_read_at(int dirfd, const char *name, char **out);
/* The same for a path, refused beyond max bytes (-EFBIG). */
int cgc_read_file(const char *path, size_t max, char **out);
/* One write(); a short write is an error. */
int cgc_write_at(int dirfd, const char *name, const char *value);
bool cgc_exists_at(int dirfd, const char *name);
/* Strip white space at both ends, in place. */
char *cgc_trim(char *s);

/* ---- /proc and mounts (procfs.c) ---- */

/* One cgroup or cgroup2 mount of /proc/self/mountinfo. */
struct cgc_mount {
  uint64_t id;
  char *root;       /* the mount's root inside its hierarchy */
  char *mountpoint; /* where it is mounted */
  char *options;    /* super options: "rw,cpu,cpuacct", "rw,xattr,name=systemd" ... */
  bool unified;     /* cgroup2 */
};
#define CGC_MAX_MOUNTS 256
struct cgc_mount_table {
  size_t n;
  struct cgc_mount list[CGC_MAX_MOUNTS];
};
void cgc_mount_table_clear(struct cgc_mount_table *t);
#define _cleanup_mount_table_ __attribute__((cleanup(cgc_mount_table_clear)))
/* Every cgroup and cgroup2 mount, in mountinfo order. */
int cgc_read_mounts(struct cgc_mount_table *t, struct cgc_failure *f);
/* Is name one of the comma-separated controllers (or mount options)? */
bool cgc_has_controller(const char *controllers, const char *name);
/* berth's cgroup relative to a mount with that root, like runc's getCgroupPathHelper. */
char *cgc_own_relative(const char *root, const char *cgroup);
/* O_DIRECTORY fd of mountpoint, checked to be a cgroup (or cgroup2) file system. */
int cgc_open_mount(const char *mountpoint, bool unified, struct cgc_failure *f);
/* The path of the cgroup2 ("0::") line of /proc/PID/cgroup text (unified), or of the
 * name=systemd line (falling back to cgroup2 on a hybrid host without one); NULL if none. */
char *cgc_proc_cgroup_of(const char *proc_cgroup_text, bool unified);

/* ---- processes (pids.c) ---- */

typedef int (*cgc_pid_fn)(pid_t pid, void *data);
/* Calls fn for every process in the cgroup fd and below (depth levels already down); fn's
 * first non-zero result, or -errno. Sub-cgroups that vanish meanwhile are skipped, and so
 * are threaded ones, whose cgroup.procs cannot be read (EOPNOTSUPP): their processes are
 * listed in the domain cgroup above them. */
int cgc_for_each_process(int fd, int depth, cgc_pid_fn fn, void *data);
/* > 0 when the cgroup or a descendant holds a process, 0 when not, -errno on failure. */
int cgc_has_processes(int fd, int depth);
/* How many processes the cgroup fd and its descendants hold (runc's len(GetAllPids())), or
 * -errno. */
int cgc_count_processes(int fd);
/* The get_pids op on the cgroup fd at path: a callback's negative result is passed back as
 * the result of the walk (its own error); a positive one just stops the walk. */
int cgc_get_pids(int fd, const char *path, berth_pid_fn fn, void *data, struct berth_error *err);

/* ---- removal (remove.c) ---- */

/* Exiting tasks keep a cgroup busy for a moment: retry EBUSY for about a second. */
extern const long cgc_retry_delays_ms[9];
#define CGC_RETRY_ROUNDS (sizeof(cgc_retry_delays_ms) / sizeof(cgc_retry_delays_ms[0]))
void cgc_sleep_ms(long ms);
/* rmdir name below parentfd after its sub-cgroups; 0 when it is gone. */
int cgc_remove_tree(int parentfd, const char *name);
/* Is name below parentfd still the directory fd refers to (not a namesake made since)? */
bool cgc_same_dir(int parentfd, const char *name, int fd);
/* Undo a create: rmdir the *created trailing directories of path, the last one open as *fd
 * (closed here, set to -1). */
void cgc_remove_created(int *fd, const char *path, size_t *created);

/* ---- the OCI JSON (spec.c) ---- */

/* text to a JSON object; NULL or empty text gives *out NULL. `what` names it in messages. */
int cgc_parse_object(const char *text, const char *what, json_object **out,
                     struct berth_error *err);
/* Typed access to the OCI JSON; `where` names the object for messages. Absent or null
 * members leave *set false (or *out NULL) and succeed. */
int cgc_spec_i64(json_object *o, const char *key, const char *where, int64_t *out, bool *set,
                 struct berth_error *err);
int cgc_spec_u64(json_object *o, const char *key, const char *where, uint64_t *out, bool *set,
                 struct berth_error *err);
int cgc_spec_bool(json_object *o, const char *key, const char *where, bool *out,
                  struct berth_error *err);
int cgc_spec_str(json_object *o, const char *key, const char *where, const char **out,
                 struct berth_error *err);
int cgc_spec_object(json_object *o, const char *key, const char *where, json_object **out,
                    struct berth_error *err);
int cgc_spec_array(json_object *o, const char *key, const char *where, json_object **out,
                   struct berth_error *err);

/* linux.resources.devices[index], checked: allow required; type a, b or c (default a); major
 * and minor CGC_DEV_ANY when null, absent or runc's -1; access a non-empty subset of "rwm"
 * (default "rwm"). Each backend turns it into its own form. */
#define CGC_DEV_ANY (-1)
struct cgc_device_rule {
  bool allow;
  char type;
  int64_t major, minor;
  char access[4];
  unsigned read : 1, write : 1, mknod : 1;
};
int cgc_device_rule(json_object *rule, size_t index, struct cgc_device_rule *out,
                    struct berth_error *err);

/* linux.resources, member by member, each checked to be an object (or array); absent or null
 * members are NULL. */
struct cgc_resources {
  json_object *memory, *cpu, *pids, *blkio, *network, *rdma, *unified;
  json_object *devices, *hugetlb; /* arrays: devices, hugepageLimits */
};
int cgc_resources_members(json_object *resources, struct cgc_resources *out,
                          struct berth_error *err);

/* ---- limits (limits.c) ---- */

/* linux.resources.cpu; a 0 in what runc treats as "not set" leaves has_ false. */
struct cgc_cpu_request {
  uint64_t shares, period, burst, rt_period;
  int64_t quota, idle, rt_runtime;
  bool has_shares, has_period, has_burst, has_quota, has_idle, has_rt_period, has_rt_runtime;
};
int cgc_cpu_request(json_object *cpu, struct cgc_cpu_request *q, struct berth_error *err);
/* linux.resources.pids.limit as pids.max takes it ("max" for 0 and below); *set false when
 * absent. */
int cgc_pids_limit(json_object *pids, char value[24], bool *set, struct berth_error *err);

/* linux.resources.hugepageLimits[index]: the page size ("2MB", checked to name a file) and
 * the limit as text. */
struct cgc_hugepage_limit {
  char size[16];
  char value[24];
};
int cgc_hugepage_limit(json_object *entry, size_t index, struct cgc_hugepage_limit *out,
                       struct berth_error *err);
/* linux.resources.rdma.<device>: the rdma.max line "mlx5_1 hca_handle=3 hca_object=max". */
int cgc_rdma_line(const char *device, json_object *entry, char *line, size_t size,
                  struct berth_error *err);

#endif
