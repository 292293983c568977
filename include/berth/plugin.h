/* SPDX-License-Identifier: Apache-2.0 */
/*
 * berth plugin ABI — the whole SDK. A plugin is a shared object that exports one
 * function, berth_plugin_entry(), and includes nothing from berth but this header.
 *
 * Rules that keep the ABI alive (SQLite VFS style):
 *  - fixed-width integers only; no enums, bitfields or structs passed by value;
 *  - every struct starts with struct_size; members are only ever appended, each
 *    marked "since 1.N"; the reader checks struct_size before touching a member;
 *  - NULL means "absent" for every optional pointer and op;
 *  - data from the OCI spec crosses as JSON text (the subtree the plugin owns), and a
 *    plugin's own state crosses as an opaque JSON text blob that the core stores in
 *    state.json and hands back on load;
 *  - strings returned by a plugin are malloc()ed and freed by the host with free().
 */
#ifndef BERTH_PLUGIN_H
#define BERTH_PLUGIN_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BERTH_PLUGIN_MAGIC 0x42525448u /* "BRTH" */
#define BERTH_ABI_MAJOR 1u
/* 1.1: berth_cgroup_request.annotations_json, berth_cgroup_ops.enter_sub;
 * 1.2: berth_plugin.lsm (struct berth_lsm_ops);
 * 1.3: berth_cgroup_ops.kill_all;
 * 1.4: berth_cgroup_ops.auto_rank, BERTH_CGROUP_CAP_AUTO and _SYSTEMD_PATH,
 *      berth_lsm_ops.fields. */
#define BERTH_ABI_MINOR 4u

/* The one symbol a plugin exports. */
#define BERTH_PLUGIN_ENTRY_SYMBOL "berth_plugin_entry"

/* Plugin kinds (struct berth_plugin.kind). */
#define BERTH_PLUGIN_KIND_CGROUP 1u
#define BERTH_PLUGIN_KIND_RDT 2u
#define BERTH_PLUGIN_KIND_LSM 3u

/* Host feature bits a plugin may require (struct berth_plugin.requires). A host
 * refuses a plugin that requires a bit it does not know. ABI 1.0 defines none. */
#define BERTH_HOST_FEATURES_1_0 0x0ull

/* Log levels for berth_host_api.log. */
#define BERTH_LOG_ERROR 0
#define BERTH_LOG_WARN 1
#define BERTH_LOG_INFO 2
#define BERTH_LOG_DEBUG 3

/* Opaque error object owned by the host. A plugin fills it only through
 * berth_host_api.error(), which returns the negative errno to propagate. */
struct berth_error;

/* Services the host lends a plugin; plugins never link against the core. */
struct berth_host_api {
  uint32_t struct_size;
  uint32_t abi_major;
  uint32_t abi_minor;
  uint32_t reserved0;
  /* printf-style; returns -errnum (or -EIO when errnum is 0). errnum's strerror is
   * appended to the message when errnum != 0. */
  int32_t (*error)(struct berth_error *err, int32_t errnum, const char *fmt, ...)
      __attribute__((format(printf, 3, 4)));
  void (*log)(int32_t level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
};

/* What a cgroup backend is asked to create. */
struct berth_cgroup_request {
  uint32_t struct_size;
  uint32_t flags;             /* BERTH_CGROUP_REQ_* */
  const char *container_id;   /* validated ID */
  const char *cgroups_path;   /* linux.cgroupsPath or NULL */
  const char *resources_json; /* linux.resources as JSON text, or NULL */
  /* Since 1.1: the spec's annotations object as JSON text, or NULL (cgroup-systemd reads
   * org.systemd.property.* from it). A plugin reads it only when struct_size covers it. */
  const char *annotations_json;
};
#define BERTH_CGROUP_REQ_ROOTLESS 0x1u

/* A backend's handle on one container's cgroup(s). Opaque to the host. */
struct berth_cgroup;

/* Called by get_pids for each pid; non-zero stops the walk (a negative value is returned by
 * get_pids as its result). */
typedef int32_t (*berth_pid_fn)(int32_t pid, void *data);

struct berth_cgroup_ops {
  uint32_t struct_size;
  uint32_t reserved0;
  /* Create (or adopt) the cgroup; refuse one that holds processes or is frozen. */
  int32_t (*create)(const struct berth_cgroup_request *req, struct berth_cgroup **out,
                    struct berth_error *err);
  /* Rebuild a handle from the blob that save() produced. */
  int32_t (*load)(const char *state_json, struct berth_cgroup **out, struct berth_error *err);
  /* malloc()ed JSON text describing the handle (paths ...), stored in state.json. */
  int32_t (*save)(struct berth_cgroup *cg, char **state_json, struct berth_error *err);
  /* Move pid into the cgroup(s). */
  int32_t (*enter)(struct berth_cgroup *cg, int32_t pid, struct berth_error *err);
  /* Apply linux.resources (JSON text): at create and for `update`. */
  int32_t (*apply)(struct berth_cgroup *cg, const char *resources_json, struct berth_error *err);
  /* frozen != 0: freeze and wait until frozen; 0: thaw. */
  int32_t (*freeze)(struct berth_cgroup *cg, int32_t frozen, struct berth_error *err);
  /* *frozen = 1 when the cgroup is frozen (or freezing). */
  int32_t (*is_frozen)(struct berth_cgroup *cg, int32_t *frozen, struct berth_error *err);
  int32_t (*get_pids)(struct berth_cgroup *cg, berth_pid_fn fn, void *data,
                      struct berth_error *err);
  /* malloc()ed JSON object text in runc's events --stats "data" shape. Optional. */
  int32_t (*stats)(struct berth_cgroup *cg, char **stats_json, struct berth_error *err);
  /* Remove the cgroup(s); they must be empty of processes by then. */
  int32_t (*destroy)(struct berth_cgroup *cg, struct berth_error *err);
  /* Free the handle (no effect on the kernel). */
  void (*release)(struct berth_cgroup *cg);
  /* An O_DIRECTORY fd for clone3(CLONE_INTO_CGROUP), or -1. Optional. */
  int32_t (*cgroup_fd)(struct berth_cgroup *cg);
  /* Since 1.1, optional: move pid into an existing sub-cgroup of the container (exec
   * --cgroup). controller names one v1 hierarchy, or is NULL for all of them (and on v2);
   * subpath is relative to the container's cgroup and must stay below it. */
  int32_t (*enter_sub)(struct berth_cgroup *cg, int32_t pid, const char *controller,
                       const char *subpath, struct berth_error *err);
  /* Since 1.3, optional: SIGKILL every process in the cgroup and below at once, as the kernel
   * does for cgroup.kill (no pid listed, none reused or forked in between); it does not wait
   * for them to exit. -EOPNOTSUPP where the kernel or the hierarchy lacks it: the host then
   * freezes, lists and signals (get_pids). */
  int32_t (*kill_all)(struct berth_cgroup *cg, struct berth_error *err);
  /* Since 1.4: the order in which `--cgroup-driver=auto` asks this driver, lowest first, among
   * the installed cgroup plugins whose entry point accepts the host and that have
   * BERTH_CGROUP_CAP_AUTO (or BERTH_CGROUP_CAP_SYSTEMD_PATH for a systemd-form cgroupsPath);
   * ties go by file name. A plugin without either bit is only used when named. */
  uint32_t auto_rank;
  uint32_t reserved1;
};

/* Since 1.2: the ops of a BERTH_PLUGIN_KIND_LSM plugin (apparmor.so for
 * process.apparmorProfile, selinux.so for process.selinuxLabel). The kernel labels a process
 * at execve from what it wrote to its own /proc/thread-self/attr file beforehand. A plugin's
 * code runs only in the runtime, never in the container's init: the init is re-executed from
 * a sealed copy of berth with an empty environment and, by the time it writes, sees the
 * container's filesystem rather than the plugin directory. So the plugin checks the label
 * and says what to write where (exec_attr), and the core's init writes it, through a handle
 * on the host's procfs taken before it entered the container. */
struct berth_lsm_ops {
  uint32_t struct_size;
  uint32_t reserved0;
  /* *enabled = 1 when this host enforces the module's labels, else 0 (`berth features`). */
  int32_t (*enabled)(int32_t *enabled, struct berth_error *err);
  /* At create and exec, before anything is made: refuse a malformed label, or one this host
   * cannot apply (module not enabled, profile not loaded), in one line that says why. */
  int32_t (*validate)(const char *label, struct berth_error *err);
  /* For a label that validate() accepted: *attr (malloc()ed) is the file under
   * /proc/thread-self/attr/ ("apparmor/exec"; relative, no "..") and *value (malloc()ed) the
   * text the process writes there right before execve ("exec PROFILE"). */
  int32_t (*exec_attr)(const char *label, char **attr, char **value, struct berth_error *err);
  /* Since 1.4: the spec fields this plugin labels, NULL-terminated ("process.apparmorProfile",
   * "process.selinuxLabel", "linux.mountLabel"): the core asks the plugin that declares a field
   * set in the spec. A 1.2 or 1.3 plugin has none and labels the field of its module's name
   * (apparmor: process.apparmorProfile; selinux: process.selinuxLabel, linux.mountLabel). */
  const char *const *fields;
};

struct berth_plugin {
  /* Frozen members: never moved, in every ABI 1.x. */
  uint32_t magic;       /* BERTH_PLUGIN_MAGIC */
  uint32_t abi_major;   /* BERTH_ABI_MAJOR the plugin was built against */
  uint32_t abi_minor;   /* BERTH_ABI_MINOR the plugin was built against */
  uint32_t struct_size; /* sizeof(struct berth_plugin) as the plugin knows it */
  uint32_t kind;        /* BERTH_PLUGIN_KIND_* */
  uint32_t reserved0;
  const char *name;      /* e.g. "cgroup-v1" */
  const char *version;   /* the plugin's own version */
  uint64_t capabilities; /* kind-specific capability bits */
  uint64_t requires;     /* host features the plugin needs: BERTH_HOST_FEATURES_* */
  /* Typed ops for the plugin's kind; the others are NULL. */
  const struct berth_cgroup_ops *cgroup;
  /* Since 1.2: BERTH_PLUGIN_KIND_LSM's ops. A host reads it only when struct_size covers it;
   * an LSM plugin of ABI 1.0 or 1.1 has none and cannot be asked to apply a label. */
  const struct berth_lsm_ops *lsm;
};

/* Capability bits for BERTH_PLUGIN_KIND_CGROUP. */
#define BERTH_CGROUP_CAP_FREEZE 0x1ull
#define BERTH_CGROUP_CAP_STATS 0x2ull
#define BERTH_CGROUP_CAP_UNIFIED 0x4ull
/* Since 1.4: `--cgroup-driver=auto` may pick this driver for a cgroupsPath that is a path
 * (or none), see berth_cgroup_ops.auto_rank. */
#define BERTH_CGROUP_CAP_AUTO 0x8ull
/* Since 1.4: the driver takes the systemd form "slice:prefix:name" of cgroupsPath; auto picks
 * it for such a path and for --systemd-cgroup, and a driver without it refuses one. */
#define BERTH_CGROUP_CAP_SYSTEMD_PATH 0x10ull

/* The entry point. Return NULL to refuse this host, after host->log says why: the host holds
 * back what the entry point logs and makes it the reason in its "refused to run on this host"
 * error (and in `berth features`); a plugin that accepts has its messages logged. */
typedef const struct berth_plugin *(*berth_plugin_entry_fn)(const struct berth_host_api *host);

#define BERTH_PLUGIN_EXPORT __attribute__((visibility("default")))

#ifdef __cplusplus
}
#endif
#endif
