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
 *
 * The plugin author's manual.
 *
 * Versions. The loader refuses a plugin of another BERTH_ABI_MAJOR, naming the file ("plugin
 * PATH: built for plugin ABI 2.0, this berth speaks 1.x"). Within a major, a minor only
 * appends members (the list at BERTH_ABI_MINOR; a member without a "since" mark is 1.0). A
 * plugin sets abi_minor and every struct_size it writes to what it was compiled with, and the
 * reader of a struct touches a member only when the writer's struct_size covers it: a 1.0
 * plugin runs on a 1.3 core (which never calls the ops it lacks), and a plugin of a minor the
 * core does not know yet runs too (the core ignores the tail). The same holds the other way:
 * a plugin reads a member of berth_host_api or berth_cgroup_request past 1.0 only when that
 * struct's struct_size covers it. tests/abi holds the layout every released minor froze.
 *
 * Lifetimes. A berth process dlopen()s a plugin when a command first needs it (RTLD_NOW |
 * RTLD_LOCAL, from BERTH_PLUGIN_PATH or the plugin directory), calls the entry point, and
 * never dlclose()s it. The host pointer handed to it, and everything it points to, stay valid until
 * the process exits: keep it in a static. What the entry point returns (the descriptor, its ops
 * tables, the name and version strings) is read by the host at any time until exit: make it
 * static const, never stack or heap memory.
 *
 * Processes. Every op runs in a berth command process, the runtime CLI an engine runs (create,
 * run, start, exec, state, ps, kill, pause, resume, update, events, delete, features): one
 * command per process, each loading the plugin afresh and rebuilding its handle with load()
 * from what save() left in state.json. No plugin code runs in the container's init, which is
 * re-executed from a sealed copy of berth without plugins. Nothing survives in memory from one
 * command to the next: what a later command needs goes in the state blob.
 *
 * The fork rule. The core forks and clones after calling a plugin (the container's init right
 * after create() and cgroup_fd(), hooks, ...), and a child of fork() has the calling thread
 * only: a lock another thread held stays locked in it for good. So a plugin starts no thread
 * (nor uses a library that does), and opens every fd O_CLOEXEC: an fd left open would be
 * inherited by the container's process.
 *
 * Ownership. What the host passes in (requests, JSON texts, labels, the error object) is the
 * host's and valid during the call only: copy what you keep. What a plugin returns through a
 * char ** is malloc()ed by the plugin and free()d by the host. A struct berth_cgroup is the
 * plugin's: the host hands it back to later ops of the same process and calls release()
 * exactly once when done with it, after destroy() too; an fd the handle holds, the one
 * cgroup_fd() returns included, is the plugin's to close in release(), never the host's. A
 * failing op returns host->error(err, errnum, "what failed") (a negative errno) and prints
 * nothing; the host adds context ("create c1: cgroup driver \"v1\": ...").
 *
 * The state blob. save() returns JSON text that the core stores verbatim in state.json (with
 * the plugin's name and version beside it) and hands to load() in every later command, maybe
 * of a newer version of the plugin, installed while the container ran. So the blob carries
 * its own format version ({"format": 1, ...}); load() reads every format the plugin ever
 * wrote and refuses an unknown one with an error that names it, rather than guessing. load()
 * is given "{}" when state.json holds no blob.
 */
#ifndef BERTH_PLUGIN_H
#define BERTH_PLUGIN_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BERTH_PLUGIN_MAGIC 0x42525448u /* "BRTH" */
#define BERTH_ABI_MAJOR 1u
/* What each minor appended (1.0: every member without a "since" mark):
 * 1.1: berth_cgroup_request.annotations_json, berth_cgroup_ops.enter_sub;
 * 1.2: berth_plugin.lsm (struct berth_lsm_ops);
 * 1.3: berth_cgroup_ops.kill_all;
 * 1.4: berth_cgroup_ops.auto_rank, BERTH_CGROUP_CAP_AUTO and _SYSTEMD_PATH,
 *      berth_lsm_ops.fields;
 * 1.5: berth_plugin.rdt (struct berth_rdt_ops, struct berth_rdt_request),
 *      berth_host_api.mountinfo, berth_plugin.device (struct berth_device_ops,
 *      BERTH_PLUGIN_KIND_DEVICE), berth_lsm_ops.keyring_attr and .mount_option
 *      (linux.mountLabel);
 * 1.6: berth_plugin.checkpoint (struct berth_checkpoint_ops, struct berth_checkpoint_request,
 *      BERTH_PLUGIN_KIND_CHECKPOINT, BERTH_CHECKPOINT_*). */
#define BERTH_ABI_MINOR 6u

/* The one symbol a plugin exports. */
#define BERTH_PLUGIN_ENTRY_SYMBOL "berth_plugin_entry"

/* Plugin kinds (struct berth_plugin.kind). */
#define BERTH_PLUGIN_KIND_CGROUP 1u
#define BERTH_PLUGIN_KIND_RDT 2u
#define BERTH_PLUGIN_KIND_LSM 3u
/* Since 1.5: a vendor's device classes (struct berth_device_ops). */
#define BERTH_PLUGIN_KIND_DEVICE 4u
/* Since 1.6: checkpoint and restore (struct berth_checkpoint_ops): criu.so. */
#define BERTH_PLUGIN_KIND_CHECKPOINT 5u

/* Host feature bits a plugin may require (struct berth_plugin.requires). A host
 * refuses a plugin that requires a bit it does not know. ABI 1.0 defines none. */
#define BERTH_HOST_FEATURES_1_0 0x0ull

/* Log levels for berth_host_api.log. */
#define BERTH_LOG_ERROR 0
#define BERTH_LOG_WARN 1
#define BERTH_LOG_INFO 2
#define BERTH_LOG_DEBUG 3

/* Opaque error object owned by the host. A plugin fills it only through
 * berth_host_api.error(), which returns the negative errno to propagate. Valid during the op
 * that received it only. */
struct berth_error;

/* Services the host lends a plugin; plugins never link against the core. Passed to the entry
 * point; valid, with its functions, until the process exits. All members since 1.0. */
struct berth_host_api {
  uint32_t struct_size; /* sizeof as the host knows it: check it before reading past 1.0 */
  uint32_t abi_major;   /* the host's BERTH_ABI_MAJOR */
  uint32_t abi_minor;   /* the host's BERTH_ABI_MINOR: older or newer than the plugin's */
  uint32_t reserved0;   /* 0; keeps the pointers aligned */
  /* printf-style; returns -errnum (or -EIO when errnum is 0). errnum's strerror is
   * appended to the message when errnum != 0. */
  int32_t (*error)(struct berth_error *err, int32_t errnum, const char *fmt, ...)
      __attribute__((format(printf, 3, 4)));
  /* printf-style, at BERTH_LOG_*: into berth's log (stderr or --log, as --log-format says).
   * During the entry point the host holds messages back (see berth_plugin_entry_fn). */
  void (*log)(int32_t level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
  /* Since 1.5 (read it only when struct_size covers it; before, use /proc/self/mountinfo):
   * the path of the mount table, in /proc/PID/mountinfo's format, where a plugin looks for a
   * kernel filesystem it drives (intelrdt.so: resctrl). "/proc/self/mountinfo", except in
   * berth's own tests (BERTH_TEST_MOUNTINFO), which name a file whose mount points are
   * directories laid out as that filesystem lays itself out. Static; any process, any op. */
  const char *(*mountinfo)(void);
};

/* What a cgroup backend is asked to create. Since 1.0 unless marked. The host's, valid during
 * create() only, its strings included: copy what the handle keeps. */
struct berth_cgroup_request {
  uint32_t struct_size;       /* sizeof as the host knows it: 32 at 1.0, 40 since 1.1 */
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

/* The ops of a BERTH_PLUGIN_KIND_CGROUP plugin (a cgroup driver). Since 1.0 unless marked.
 * The loader refuses a table shorter than 1.0's; the host reads a later op only when
 * struct_size covers it, and calls an optional op only when it is not NULL. Which berth
 * command calls what, always in the runtime process:
 *   create     create and run, before the container's init is cloned; delete too, to adopt
 *              the cgroup of a create that died before recording it (hence "or adopt");
 *   cgroup_fd  create, run and exec, right before clone3(CLONE_INTO_CGROUP): the fd stays the
 *              handle's (release() closes it; the host never does) and must be O_CLOEXEC;
 *   enter      create, run and exec, for the new process when clone3 did not place it;
 *   enter_sub  exec --cgroup, after enter;
 *   save       create and run, once the init runs, for state.json;
 *   load       every later command on the container, before any other op;
 *   apply      update (at create, create() applies req->resources_json itself);
 *   freeze     pause and resume; kill --all freezes around signalling, delete thaws;
 *   is_frozen  whenever a command works out the container's status (state, list, ...);
 *   get_pids   ps; kill --all and delete, to signal each process (fn is called per pid);
 *   kill_all   kill --all with SIGKILL, before falling back to freeze + get_pids;
 *   stats      events and events --stats;
 *   destroy    delete, and create undoing itself after a failure;
 *   release    at the end of every command that made or loaded a handle, exactly once. */
struct berth_cgroup_ops {
  uint32_t struct_size; /* sizeof(struct berth_cgroup_ops) as the plugin knows it */
  uint32_t reserved0;   /* 0; keeps the pointers aligned */
  /* Mandatory. Create (or adopt) the cgroup; refuse one that holds processes or is frozen. */
  int32_t (*create)(const struct berth_cgroup_request *req, struct berth_cgroup **out,
                    struct berth_error *err);
  /* Mandatory. Rebuild a handle from the blob that save() produced. */
  int32_t (*load)(const char *state_json, struct berth_cgroup **out, struct berth_error *err);
  /* Mandatory. malloc()ed JSON text describing the handle (paths ...), stored in state.json. */
  int32_t (*save)(struct berth_cgroup *cg, char **state_json, struct berth_error *err);
  /* Mandatory. Move pid into the cgroup(s). */
  int32_t (*enter)(struct berth_cgroup *cg, int32_t pid, struct berth_error *err);
  /* Mandatory. Apply linux.resources (JSON text) for `update`; at create, create() applies
   * req's. */
  int32_t (*apply)(struct berth_cgroup *cg, const char *resources_json, struct berth_error *err);
  /* Optional (pause/resume refused without it). frozen != 0: freeze and wait until frozen;
   * 0: thaw. */
  int32_t (*freeze)(struct berth_cgroup *cg, int32_t frozen, struct berth_error *err);
  /* Mandatory when freeze is set, else optional. *frozen = 1 when the cgroup is frozen (or
   * freezing). */
  int32_t (*is_frozen)(struct berth_cgroup *cg, int32_t *frozen, struct berth_error *err);
  /* Mandatory. */
  int32_t (*get_pids)(struct berth_cgroup *cg, berth_pid_fn fn, void *data,
                      struct berth_error *err);
  /* malloc()ed JSON object text in runc's events --stats "data" shape. Optional. */
  int32_t (*stats)(struct berth_cgroup *cg, char **stats_json, struct berth_error *err);
  /* Mandatory. Remove the cgroup(s); they must be empty of processes by then. */
  int32_t (*destroy)(struct berth_cgroup *cg, struct berth_error *err);
  /* Mandatory. Free the handle (no effect on the kernel). */
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
 * on the host's procfs taken before it entered the container. All members since 1.2.
 * enabled() runs in `berth features`; validate() and exec_attr() in create, run and exec. */
struct berth_lsm_ops {
  uint32_t struct_size; /* sizeof(struct berth_lsm_ops) as the plugin knows it */
  uint32_t reserved0;   /* 0; keeps the pointers aligned */
  /* Optional (absent: reported as not enabled). *enabled = 1 when this host enforces the
   * module's labels, else 0 (`berth features`). */
  int32_t (*enabled)(int32_t *enabled, struct berth_error *err);
  /* Mandatory. At create and exec, before anything is made: refuse a malformed label, or one this
   * host cannot apply (module not enabled, profile not loaded), in one line that says why. */
  int32_t (*validate)(const char *label, struct berth_error *err);
  /* Mandatory. For a label that validate() accepted: *attr (malloc()ed) is the file under
   * /proc/thread-self/attr/ ("apparmor/exec"; relative, no "..") and *value (malloc()ed) the
   * text the process writes there right before execve ("exec PROFILE"). */
  int32_t (*exec_attr)(const char *label, char **attr, char **value, struct berth_error *err);
  /* Since 1.4: the spec fields this plugin labels, NULL-terminated ("process.apparmorProfile",
   * "process.selinuxLabel", "linux.mountLabel"): the core asks the plugin that declares a field
   * set in the spec. A 1.2 or 1.3 plugin has none and labels the field of its module's name
   * (apparmor: process.apparmorProfile; selinux: process.selinuxLabel, linux.mountLabel). */
  const char *const *fields;
  /* Since 1.5, optional: for a process label that validate() accepted, what the init writes
   * right before it creates the container's session keyring, so that the keyring carries the
   * process's label (*attr "keycreate", *value the context; malloc()ed, as exec_attr's). Not
   * used with --no-new-keyring, nor by exec, which joins no keyring; the init writes an empty
   * value once the keyring is made. Absent: the keyring gets the runtime's label. */
  int32_t (*keyring_attr)(const char *label, char **attr, char **value, struct berth_error *err);
  /* Since 1.5, mandatory for a plugin that declares linux.mountLabel (without it that field is
   * refused): for a label that validate() accepted, *option (malloc()ed) is the mount option
   * that labels a new filesystem ("context=\"LABEL\""). The core appends it to the data of
   * every mount that makes a filesystem able to take it: the config's tmpfs, devpts and others,
   * and the tmpfs over masked paths; never to bind mounts, proc, sysfs, cgroup or mqueue
   * mounts (runc's label.FormatMountLabel rules; mqueue's superblock exists before the mount). */
  int32_t (*mount_option)(const char *label, char **option, struct berth_error *err);
};

/* Since 1.5: what an RDT plugin is asked to create, at create and run (all members since 1.5).
 * The host's, valid during create() only, its strings included: copy what the handle keeps. */
struct berth_rdt_request {
  uint32_t struct_size;       /* sizeof as the host knows it */
  uint32_t reserved0;         /* 0; keeps the pointers aligned */
  const char *container_id;   /* validated ID: names the group (without closID) and the
                                 container's monitoring group */
  const char *intel_rdt_json; /* linux.intelRdt as JSON text, never NULL */
};

/* An RDT plugin's handle on one container's resctrl group(s). Opaque to the host. */
struct berth_rdt;

/* Since 1.5: the ops of a BERTH_PLUGIN_KIND_RDT plugin (intelrdt.so), which serves
 * linux.intelRdt: the container's resctrl group (CLOS) with its schemata, and its monitoring
 * group. All members since 1.5; the loader refuses a table shorter than 1.5's or a NULL
 * mandatory op. Always in the runtime process, never in the container's init; the same
 * ownership rules as the cgroup ops (the handle is the plugin's until release(); char **
 * results are malloc()ed by the plugin and free()d by the host). Which berth command calls what:
 *   enabled  features and check;
 *   create   create and run, after the cgroup is made and before the init is cloned;
 *   add      create and run for the init, right after it joined its cgroup; exec for each new
 *            process, likewise;
 *   save     create and run, once the group is made (cleanup.json) and once the init runs
 *            (state.json);
 *   load     every later command on the container, before any other op;
 *   stats    events and events --stats;
 *   update   update --l3-cache-schema / --mem-bw-schema;
 *   destroy  delete, and create undoing itself after a failure;
 *   release  at the end of every command that made or loaded a handle, exactly once. */
struct berth_rdt_ops {
  uint32_t struct_size; /* sizeof(struct berth_rdt_ops) as the plugin knows it */
  uint32_t reserved0;   /* 0; keeps the pointers aligned */
  /* Optional (absent: reported as not enabled). *enabled = 1 when this host has the resource
   * control filesystem the plugin drives (resctrl mounted), else 0. */
  int32_t (*enabled)(int32_t *enabled, struct berth_error *err);
  /* Mandatory. Validate req->intel_rdt_json against the host (a resource it lacks, a value
   * out of its range: one line naming the schemata line and why) before making anything, then
   * make (or, for a shared group, join) the group and write its schemata. On failure nothing
   * the call made is left. A plugin may leave the making to the first add(): the host saves
   * the handle between the two, so a host killed in between leaves a recorded group, never an
   * unrecorded one (intelrdt.so does). */
  int32_t (*create)(const struct berth_rdt_request *req, struct berth_rdt **out,
                    struct berth_error *err);
  /* Mandatory. Rebuild a handle from the blob that save() produced. */
  int32_t (*load)(const char *state_json, struct berth_rdt **out, struct berth_error *err);
  /* Mandatory. malloc()ed JSON text describing the handle ({"format": N, ...}), stored in
   * state.json and cleanup.json. */
  int32_t (*save)(struct berth_rdt *rdt, char **state_json, struct berth_error *err);
  /* Mandatory. Put pid in the container's group (its monitoring group when there is one). */
  int32_t (*add)(struct berth_rdt *rdt, int32_t pid, struct berth_error *err);
  /* Optional. malloc()ed JSON object text in runc's events --stats "intel_rdt" shape. */
  int32_t (*stats)(struct berth_rdt *rdt, char **stats_json, struct berth_error *err);
  /* Mandatory. Remove what belongs to this container alone (a group named by closID is shared
   * and stays); its processes are gone by then. A group already gone is no error. */
  int32_t (*destroy)(struct berth_rdt *rdt, struct berth_error *err);
  /* Mandatory. Free the handle (no effect on the kernel). */
  void (*release)(struct berth_rdt *rdt);
  /* Optional (absent: update refuses RDT flags). Validate the container's whole
   * linux.intelRdt (JSON text, as updated) like create() does, then rewrite the group's
   * schemata. */
  int32_t (*update)(struct berth_rdt *rdt, const char *intel_rdt_json, struct berth_error *err);
};

/* Since 1.5: called by berth_device_ops.resolve for each host device of the class; host_path is
 * the plugin's, valid during the call only. Non-zero stops the walk (a negative value is then
 * what resolve should return). */
typedef int32_t (*berth_device_fn)(const char *host_path, void *data);

/* Since 1.5: the ops of a BERTH_PLUGIN_KIND_DEVICE plugin, a vendor's classes of host devices
 * (CDI's idea: a container asks for "acme/tun", not for major 10 minor 200). The annotation
 * "berth.devices" = "VENDOR/CLASS[,VENDOR/CLASS...]" selects the plugin device-VENDOR.so and
 * asks it for CLASS; the core then stat()s every path it names (a character or block device
 * below /dev/, else the container is refused), creates the node at the same path in the
 * container (linux.devices) and allows it, "rwm", through the cgroup driver in use
 * (linux.resources.devices). The plugin never touches the container: it only says which
 * devices a class is. resolve runs in create and run, in the runtime process, before anything
 * of the container is made; no later command calls the plugin, so it keeps no state.
 * All members since 1.5. */
struct berth_device_ops {
  uint32_t struct_size; /* sizeof(struct berth_device_ops) as the plugin knows it */
  uint32_t reserved0;   /* 0; keeps the pointers aligned */
  /* Mandatory. Call fn once for each host device of class_name (the CLASS of "VENDOR/CLASS":
   * the host's, valid during the call), with its absolute path ("/dev/net/tun"); a class may
   * be several devices ("/dev/loop-control", "/dev/loop0", ...). A class the plugin does not
   * know, or whose devices this host lacks, fails with host->error (-ENOENT, "unknown class gpu")
   * and the container is not created. Return fn's negative value if it gives one. */
  int32_t (*resolve)(const char *class_name, berth_device_fn fn, void *data,
                     struct berth_error *err);
  /* Optional: the classes the plugin knows, NULL-terminated and static; `berth features`
   * lists them. */
  const char *const *classes;
};

/* Since 1.6: berth_checkpoint_request.flags, runc's checkpoint and restore flags of the same
 * names. */
#define BERTH_CHECKPOINT_LEAVE_RUNNING 0x1u   /* dump: the container goes on running */
#define BERTH_CHECKPOINT_TCP_ESTABLISHED 0x2u /* established TCP connections */
#define BERTH_CHECKPOINT_EXT_UNIX_SK 0x4u     /* external unix sockets */
#define BERTH_CHECKPOINT_SHELL_JOB 0x8u       /* a process of a shell's session (a terminal) */
#define BERTH_CHECKPOINT_FILE_LOCKS 0x10u     /* held file locks */
#define BERTH_CHECKPOINT_PRE_DUMP 0x20u       /* dump: memory only, the container runs on */
#define BERTH_CHECKPOINT_AUTO_DEDUP 0x40u     /* punch the pages restored or dumped again */
#define BERTH_CHECKPOINT_LAZY_PAGES 0x80u     /* dump: leave memory for a lazy-pages restore */

/* Since 1.6: --manage-cgroups-mode (berth_checkpoint_request.manage_cgroups_mode). */
#define BERTH_CHECKPOINT_CGROUPS_DEFAULT 0u /* CRIU's default (soft), as runc leaves it */
#define BERTH_CHECKPOINT_CGROUPS_SOFT 1u
#define BERTH_CHECKPOINT_CGROUPS_FULL 2u
#define BERTH_CHECKPOINT_CGROUPS_STRICT 3u
#define BERTH_CHECKPOINT_CGROUPS_IGNORE 4u

/* Since 1.6: what the core asks of a checkpoint plugin, for one dump or one restore. Strings
 * are the host's, absolute paths, valid during the call. All members since 1.6. */
struct berth_checkpoint_request {
  uint32_t struct_size;         /* sizeof as the host knows it */
  uint32_t flags;               /* BERTH_CHECKPOINT_* */
  int32_t pid;                  /* dump: the container's init (host pid); restore: 0 */
  uint32_t manage_cgroups_mode; /* BERTH_CHECKPOINT_CGROUPS_* */
  uint64_t empty_ns;            /* --empty-ns: CLONE_NEW* bits of namespaces left empty */
  const char *container_id;     /* the validated ID */
  const char *criu_path;        /* global --criu: the CRIU binary, or NULL ("criu" in PATH) */
  const char *rootfs;           /* the container's root on the host */
  const char *bundle;           /* the bundle directory */
  const char *image_path;       /* --image-path: exists, a directory */
  const char *work_path;        /* --work-path (logs): exists, a directory */
  const char *parent_path;      /* --parent-path (as given, relative to image_path), or NULL */
  /* The container's bind mounts from outside its root, NULL-terminated pairs: destination in
   * the container, then the host source (runc declares these to CRIU as external). */
  const char *const *external_mounts;
  /* Files of linux.maskedPaths (bound over by /dev/null), NULL-terminated, or NULL. */
  const char *const *masked_files;
  int32_t status_fd;  /* dump with LAZY_PAGES: --status-fd, else -1 */
  uint32_t reserved0; /* 0 */
};

/* Since 1.6: the ops of a BERTH_PLUGIN_KIND_CHECKPOINT plugin (criu.so), which serves `berth
 * checkpoint` and `berth restore`. The core owns the commands, the container's state, its
 * cgroup (a restore runs in a child the core already put in the container's cgroup, so that
 * what CRIU restores starts there) and the checks of the user's input; the plugin drives the
 * checkpointing tool. All members since 1.6; the loader refuses a table shorter than 1.6's or
 * a NULL mandatory op. */
struct berth_checkpoint_ops {
  uint32_t struct_size; /* sizeof(struct berth_checkpoint_ops) as the plugin knows it */
  uint32_t reserved0;   /* 0; keeps the pointers aligned */
  /* Mandatory. Whether the tool works on this host (criu check), before anything is touched;
   * fails with one line saying why not. criu_path as in the request. */
  int32_t (*check)(const char *criu_path, struct berth_error *err);
  /* Mandatory. Dump (or with PRE_DUMP, pre-dump) req->pid's tree into req->image_path. Unless
   * LEAVE_RUNNING or PRE_DUMP, the container's processes are gone when it returns 0. */
  int32_t (*dump)(const struct berth_checkpoint_request *req, struct berth_error *err);
  /* Mandatory. Restore the tree of req->image_path into req->rootfs, detached: *pid is its
   * first process (host pid), running, a child of the caller's nearest subreaper. The
   * caller's stdio become the restored process's where the dump had pipes. */
  int32_t (*restore)(const struct berth_checkpoint_request *req, int32_t *pid,
                     struct berth_error *err);
};

/* What the entry point returns: static const, read by the host until the process exits. */
struct berth_plugin {
  /* Frozen members: never moved, in every ABI 1.x; all since 1.0 up to cgroup (reserved0: 0,
   * keeps the pointers aligned). */
  uint32_t magic;       /* BERTH_PLUGIN_MAGIC */
  uint32_t abi_major;   /* BERTH_ABI_MAJOR the plugin was built against */
  uint32_t abi_minor;   /* BERTH_ABI_MINOR the plugin was built against */
  uint32_t struct_size; /* sizeof(struct berth_plugin) as the plugin knows it */
  uint32_t kind;        /* BERTH_PLUGIN_KIND_* */
  uint32_t reserved0;
  const char *name;      /* mandatory: the file's basename ("cgroup-v1" for cgroup-v1.so); static */
  const char *version;   /* mandatory: the plugin's own version, recorded in state.json; static */
  uint64_t capabilities; /* kind-specific capability bits */
  uint64_t requires;     /* host features the plugin needs: BERTH_HOST_FEATURES_* */
  /* Typed ops for the plugin's kind, mandatory for it; the others must be NULL. */
  const struct berth_cgroup_ops *cgroup;
  /* Since 1.2: BERTH_PLUGIN_KIND_LSM's ops. A host reads it only when struct_size covers it;
   * an LSM plugin of ABI 1.0 or 1.1 has none and cannot be asked to apply a label. */
  const struct berth_lsm_ops *lsm;
  /* Since 1.5: BERTH_PLUGIN_KIND_RDT's ops. A host reads it only when struct_size covers it;
   * an RDT plugin before 1.5 has none and is refused (nothing could apply linux.intelRdt). */
  const struct berth_rdt_ops *rdt;
  /* Since 1.5: BERTH_PLUGIN_KIND_DEVICE's ops. A host reads it only when struct_size covers
   * it. */
  const struct berth_device_ops *device;
  /* Since 1.6: BERTH_PLUGIN_KIND_CHECKPOINT's ops. A host reads it only when struct_size
   * covers it. */
  const struct berth_checkpoint_ops *checkpoint;
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
 * error (and in `berth features`); a plugin that accepts has its messages logged.
 * Called once per berth process that needs the plugin, `berth features` included: it only
 * checks the host and returns the static descriptor, with no side effects. */
typedef const struct berth_plugin *(*berth_plugin_entry_fn)(const struct berth_host_api *host);

#define BERTH_PLUGIN_EXPORT __attribute__((visibility("default")))

#ifdef __cplusplus
}
#endif
#endif
