/* SPDX-License-Identifier: Apache-2.0 */
/* cgroup-systemd plugin internals: the handle, unit names, unit properties, the bus. Everything
 * here has hidden visibility; only berth_plugin_entry leaves the .so. */
#ifndef CGSD_H
#define CGSD_H

#include <berth/plugin.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <systemd/sd-bus.h>

#include "cgc.h"
/* The file code of both hierarchies, for what systemd has no property for (the files
 * themselves, the freezer, the process list, stats): fs1 on v1 and hybrid hosts, fs2 on
 * unified ones; fs2's conversions so that a unit property and the file fs2 writes agree. */
#include "fs1/fs1.h"
#include "fs2/convert.h"
#include "fs2/fs2.h"

/* Every D-Bus method call, and the connection's authentication, is bounded (runc #3904: a
 * systemd or dbus-daemon that stops answering hung runc forever). */
#define CALL_TIMEOUT_USEC (10ull * 1000000)
/* How long a start or stop job may take before we give up on it (runc waits 30 s too). */
#define JOB_TIMEOUT_USEC (30ull * 1000000)

/* systemd's UNIT_NAME_MAX, terminating NUL included. */
#define UNIT_NAME_MAX 256

/* ---- cgroupsPath and unit names (unitname.c); pure ---- */

struct unit_names {
  char slice[UNIT_NAME_MAX]; /* parent slice: "system.slice" */
  char unit[UNIT_NAME_MAX];  /* "berth-c1.scope", or a slice's own name */
  bool is_slice;             /* the container's unit is a slice, not a scope */
};
/* "slice:prefix:name" (any part may be empty: system.slice, or user.slice when rootless;
 * "berth"; the container ID), or NULL/"" for all defaults. -EINVAL with the reason in why. */
int parse_cgroups_path(const char *path, const char *id, bool rootless, struct unit_names *out,
                       char *why, size_t size);
/* systemd's rules for a slice name: valid unit name characters, ".slice", "-" separated
 * non-empty components ("-.slice" is the root). */
bool slice_name_valid(const char *name);
/* A valid unit name of the given suffix (".scope"): characters, length, no template. */
bool unit_name_valid(const char *name, const char *suffix);
/* runc's ExpandSlice: "a-b.slice" -> "/a.slice/a-b.slice", "-.slice" -> "/". NULL on an invalid
 * name or ENOMEM. */
char *expand_slice(const char *slice);
/* The slice a slice unit belongs to by its name: "a-b.slice" -> "a.slice", "a.slice" ->
 * "-.slice". Into buf (UNIT_NAME_MAX); false for "-.slice" (no parent) or a bad name. */
bool slice_parent(const char *slice, char *buf);
/* The cgroup systemd gives the unit in the system manager: expand(slice) + "/" + unit. */
char *unit_cgroup_path(const struct unit_names *names);

/* ---- D-Bus values for unit properties (value.c); pure ---- */

/* One D-Bus value: a basic type, an array ('a') or a structure ('('). */
struct dbus_value {
  char *signature; /* complete signature of this value: "t", "a(ss)", "(st)" */
  union {
    bool b;
    int64_t i;  /* n i x */
    uint64_t u; /* y q u t */
    double d;
    char *s; /* s o g */
  };
  size_t n;                 /* members of an array or structure */
  struct dbus_value *items; /* NULL for basic types */
};
struct unit_property {
  char *name;
  struct dbus_value value;
};
struct unit_properties {
  size_t n, cap;
  struct unit_property *list;
};
void value_clear(struct dbus_value *v);
void props_clear(struct unit_properties *p);
#define _cleanup_props_ __attribute__((cleanup(props_clear)))
/* Basic values; false on ENOMEM (the value is then empty and clearable). */
bool value_basic(struct dbus_value *v, char type, uint64_t bits);
bool value_string(struct dbus_value *v, char type, const char *s);
bool value_double(struct dbus_value *v, double d);
/* An empty array of elements of element_signature, or an empty structure (signature
 * "(..)"); members are added with value_push, which returns the new member or NULL. */
bool value_container(struct dbus_value *v, const char *signature);
struct dbus_value *value_push(struct dbus_value *container);
/* Append a property, taking the value (it is cleared in the caller). false on ENOMEM. */
bool props_add(struct unit_properties *p, const char *name, struct dbus_value *value);
bool props_add_u64(struct unit_properties *p, const char *name, uint64_t u);
bool props_add_bool(struct unit_properties *p, const char *name, bool b);
bool props_add_string(struct unit_properties *p, const char *name, const char *s);
/* Move every property of from to the end of to. */
bool props_move(struct unit_properties *to, struct unit_properties *from);
bool props_has(const struct unit_properties *p, const char *name);
/* "Name=sig value" lines, as the tests and the debug log show them. malloc()ed. */
char *value_format(const struct dbus_value *v);
char *props_format(const struct unit_properties *p);

/* The same on an sd_bus_message (message.c). */
int value_append(sd_bus_message *m, const struct dbus_value *v);
/* a(sv) members, the container already open. */
int props_append(sd_bus_message *m, const struct unit_properties *p);
/* Read the next value of m (any type but variants and dictionaries). */
int value_read(sd_bus_message *m, struct dbus_value *v);

/* ---- From the OCI spec to unit properties; pure ---- */

/* GVariant text (what runc's org.systemd.property.* annotations hold: "uint64 100", "true",
 * "'s'", "[1, 2]", "@as []"), gvariant.c. An untyped integer becomes int_type ('i' as in
 * GVariant, or the property's known type). Fills why (a static string) on failure. */
int parse_gvariant(const char *text, char int_type, struct dbus_value *out, const char **why);

/* The host facts a translation depends on. */
struct host_facts {
  bool unified;             /* cgroup v2 host: MemoryMax ...; else v1 names: MemoryLimit ... */
  unsigned systemd_version; /* 0 when unknown: assume a current systemd */
  const char *proc_devices; /* /proc/devices text (for "c 136:* rwm" -> "char-pts"), or NULL */
  uint64_t cpu_period;      /* the cgroup's CPU period for a quota given alone; 0: 100000 */
};
/* linux.resources (the whole object at create, a delta for update) to properties, appended
 * to out. Errors name the member. */
int resources_properties(json_object *resources, const struct host_facts *ctx,
                         struct unit_properties *out, struct berth_error *err);
/* linux.resources.devices (OCI rules in order, the core's defaults included) to
 * DeviceAllow/DevicePolicy, runc's conversion through a rule emulator (devices.c). */
int device_properties(json_object *rules, const struct host_facts *ctx, struct unit_properties *out,
                      struct berth_error *err);
/* runc's RangeToBits: "0-2,7" -> bytes, bit n of byte n/8 for CPU n. NULL + *why on error. */
uint8_t *cpuset_bits(const char *list, size_t *n, const char **why);
/* org.systemd.property.NAME annotations (the spec's annotations object as JSON text) to
 * properties, runc's rules: NAME of letters, the value GVariant text, "...Sec" with a
 * lower-case letter before it becomes "...USec" in microseconds (annotations.c). */
int annotation_properties(const char *annotations_json, struct unit_properties *out,
                          struct berth_error *err);
/* ---- /proc (procfs.c) ---- */

/* What the plugin reads of a /proc or control file at most (cgc_read_file). */
#define PROC_FILE_MAX (1 << 20)
/* Mount point of cgroup2 (unified) or of the name=systemd v1 hierarchy, from
 * /proc/self/mountinfo. -errno. */
int hierarchy_mount(bool unified, char **out);
/* Is /sys/fs/cgroup a cgroup2 mount? */
bool unified_host(void);

/* ---- The bus (bus.c, job.c, unit.c) ---- */

struct bus_conn {
  sd_bus *bus;
  bool direct; /* systemd's private socket, no dbus-daemon (no sender names) */
  bool user;   /* the user's own systemd (rootless) */
  pid_t pid;   /* sd-bus refuses a connection made in another process */
};
void conn_close(struct bus_conn *c);
/* Connect to the system manager (or the user's when user), authenticated, within
 * CALL_TIMEOUT_USEC; reused while c is open. */
int conn_open(struct bus_conn *c, bool user, struct berth_error *err);
/* "what: systemd said NAME: message" with the errno that fits; for every failed call. */
int call_error(const sd_bus_error *e, int r, const char *what, struct berth_error *err);
/* A method call to systemd's manager object (or a unit's path) that never starts a service
 * (no D-Bus activation). */
int new_call(struct bus_conn *c, sd_bus_message **m, const char *path, const char *interface,
             const char *member);
/* Send m and wait at most CALL_TIMEOUT_USEC; systemd's error in e for the caller to judge. */
int call_raw(struct bus_conn *c, sd_bus_message *m, sd_bus_message **reply, sd_bus_error *e);
/* The same, every error reported through call_error(what). */
int call(struct bus_conn *c, sd_bus_message *m, sd_bus_message **reply, const char *what,
         struct berth_error *err);
/* Manager.Version as a number ("252.39-1" -> 252, 0 when it does not start with one). Also
 * proves that systemd answers. */
int manager_version(struct bus_conn *c, unsigned *version, struct berth_error *err);
/* A string property of an object of systemd's. */
int get_string_property(struct bus_conn *c, const char *path, const char *interface,
                        const char *name, char **out, struct berth_error *err);

/* Waiting for a job (job.c): install before the call that queues it. */
struct job_wait {
  sd_bus_slot *slot;
  char *job;         /* the job's object path, set once the call returned it */
  char *result;      /* "done", "failed", "canceled", "timeout", "dependency", "skipped" */
  char *pending[16]; /* JobRemoved "path\tresult" seen before job was known */
  size_t n_pending;
};
int job_watch(struct bus_conn *c, struct job_wait *w, struct berth_error *err);
/* Wait until JobRemoved for job (or JOB_TIMEOUT_USEC); the result is in w->result. */
int job_await(struct bus_conn *c, struct job_wait *w, const char *job, const char *what,
              struct berth_error *err);
void job_wait_clear(struct job_wait *w);

/* Unit calls (unit.c). ActiveState of a loaded unit in *state (malloc()ed), or NULL when
 * systemd has no such unit. */
int unit_state(struct bus_conn *c, const char *unit, char **state, struct berth_error *err);
/* ResetFailedUnit; a unit systemd does not know is no error. */
int unit_reset_failed(struct bus_conn *c, const char *unit, struct berth_error *err);
/* StartTransientUnit(unit, "fail", props) and wait for its job to be "done". *sent is set
 * once the call may have reached systemd (so that a unit may exist). -EEXIST, with no message
 * set, when systemd already has a unit of that name. */
int unit_start(struct bus_conn *c, const char *unit, const struct unit_properties *props,
               bool *sent, struct berth_error *err);
/* StopUnit(unit, "replace") and wait for the job; a unit systemd does not know is stopped. */
int unit_stop(struct bus_conn *c, const char *unit, struct berth_error *err);
/* KillUnit(unit, "all", signal). */
int unit_kill(struct bus_conn *c, const char *unit, int sig, struct berth_error *err);
/* SetUnitProperties(unit, runtime=true, props). */
int unit_set(struct bus_conn *c, const char *unit, const struct unit_properties *props,
             struct berth_error *err);
/* The unit's ControlGroup property ("/system.slice/x.scope"), malloc()ed. */
int unit_control_group(struct bus_conn *c, const char *unit, char **out, struct berth_error *err);

/* ---- The handle ---- */

struct berth_cgroup {
  char *id; /* the container's, for the unit's Description */
  struct unit_names names;
  char *cgroup;  /* ControlGroup of the unit ("/system.slice/x.scope"), once it runs */
  char *path;    /* that cgroup in the tracking hierarchy ("/sys/fs/cgroup/system.slice/...") */
  bool unified;  /* cgroup v2 host: fs2; else fs1 */
  bool rootless; /* the user's own systemd */
  bool started;  /* our StartTransientUnit may have made the unit: destroy stops it */
  char *resources_json;   /* linux.resources from create, applied at enter */
  char *annotations_json; /* the spec's annotations, for org.systemd.property.* */
  unsigned systemd_version;
  struct fs1_cgroup *v1; /* fs1's handle (all hierarchies) */
  struct fs2_cgroup *v2; /* fs2's handle (the unit's cgroup) */
  struct bus_conn conn;
};
struct berth_cgroup *handle_new(void);
void cgsd_release(struct berth_cgroup *cg);
static inline void releasep(struct berth_cgroup **cg) {
  if (*cg != NULL)
    cgsd_release(*cg);
}
#define _cleanup_handle_ __attribute__((cleanup(releasep)))
/* The host facts of cg for a translation (reads /proc/devices). */
void host_facts_init(struct berth_cgroup *cg, struct host_facts *facts, char **proc_devices);
/* After the unit stopped: what systemd did not remove, through the fs cores; an error when the
 * unit's cgroup is still there (destroy.c). */
int remove_cgroups(struct berth_cgroup *cg, struct berth_error *err);
/* The core's handle has gone missing (destroyed, or never made): message. */
int no_fs_handle(struct berth_cgroup *cg, const char *what, struct berth_error *err);

/* The ops (one file each). */
int32_t cgsd_create(const struct berth_cgroup_request *req, struct berth_cgroup **out,
                    struct berth_error *err);
int32_t cgsd_load(const char *state_json, struct berth_cgroup **out, struct berth_error *err);
int32_t cgsd_save(struct berth_cgroup *cg, char **state_json, struct berth_error *err);
int32_t cgsd_enter(struct berth_cgroup *cg, int32_t pid, struct berth_error *err);
int32_t cgsd_kill_all(struct berth_cgroup *cg, struct berth_error *err);
int32_t cgsd_enter_sub(struct berth_cgroup *cg, int32_t pid, const char *controller,
                       const char *subpath, struct berth_error *err);
int32_t cgsd_apply(struct berth_cgroup *cg, const char *resources_json, struct berth_error *err);
int32_t cgsd_freeze(struct berth_cgroup *cg, int32_t frozen, struct berth_error *err);
int32_t cgsd_is_frozen(struct berth_cgroup *cg, int32_t *frozen, struct berth_error *err);
int32_t cgsd_get_pids(struct berth_cgroup *cg, berth_pid_fn fn, void *data,
                      struct berth_error *err);
int32_t cgsd_stats(struct berth_cgroup *cg, char **stats_json, struct berth_error *err);
int32_t cgsd_destroy(struct berth_cgroup *cg, struct berth_error *err);
int32_t cgsd_cgroup_fd(struct berth_cgroup *cg);
/* The unit's start properties: Description, Slice, Delegate, PIDs, accounting, resources,
 * annotations (enter.c; pure but for the version and /proc/devices in ctx). */
int start_properties(const struct berth_cgroup *cg, const struct host_facts *ctx, pid_t pid,
                     json_object *resources, struct unit_properties *out, struct berth_error *err);

#endif
