/* SPDX-License-Identifier: Apache-2.0 */
/* The core's side of cgroups: picking a driver, and calling its plugin (or nothing, for
 * the "none" driver). */
#ifndef BERTH_CGROUP_H
#define BERTH_CGROUP_H

#include <json-c/json.h>
#include <stdbool.h>
#include <sys/types.h>

#include <berth/plugin.h>

#include "error.h"

/* A cgroup driver NAME is the plugin cgroup-NAME.so; "none" is the core's own driver, which
 * makes no cgroup. */
#define BERTH_CGROUP_PLUGIN_PREFIX "cgroup-"

struct berth_cgroup_backend {
  char driver[48];                   /* NAME of cgroup-NAME.so, or "none" */
  const struct berth_plugin *plugin; /* NULL for "none" */
  struct berth_cgroup *handle;       /* NULL for "none" or before create/load */
};

/* Whether /sys/fs/cgroup is the cgroup2 hierarchy (a unified host). */
bool berth_cgroup_unified_host(void);

/* Resolve --cgroup-driver against the spec and the host, then load the plugin: NAME is the
 * plugin cgroup-NAME.so, "none" (crun's "disabled") makes no cgroup, and "auto" (NULL) or
 * crun's "cgroupfs" takes the first driver of berth_cgroup_survey's order whose entry point
 * accepts the host and that declares BERTH_CGROUP_CAP_AUTO, or BERTH_CGROUP_CAP_SYSTEMD_PATH
 * for a systemd-form cgroupsPath or systemd_flag. A systemd-form path needs a driver with
 * that capability. */
int berth_cgroup_select(const char *driver, bool systemd_flag, json_object *spec,
                        struct berth_cgroup_backend *cg, struct berth_error *err);
/* Every installed cgroup driver and what it says of this host, in auto's order (declared
 * auto_rank, then name; the built-in "none" last): [{"driver", "plugin", "applies", "reason"
 * (the entry point's refusal), "version", "unified", "auto", "systemdPath", "autoRank"}].
 * Loads (runs the entry point of) every cgroup-*.so of the plugin path. */
json_object *berth_cgroup_survey(void);
/* Rebuild from state.json's "cgroup" object. */
int berth_cgroup_load(json_object *saved, struct berth_cgroup_backend *cg, struct berth_error *err);
/* The "cgroup" object for state.json (driver, plugin, blob). */
int berth_cgroup_save(struct berth_cgroup_backend *cg, json_object **out, struct berth_error *err);

int berth_cgroup_create(struct berth_cgroup_backend *cg, const char *id, json_object *spec,
                        bool rootless, struct berth_error *err);
int berth_cgroup_enter(struct berth_cgroup_backend *cg, pid_t pid, struct berth_error *err);
/* exec --cgroup: into existing sub-cgroups, a JSON array of {"controller"?, "path"}. */
int berth_cgroup_enter_sub(struct berth_cgroup_backend *cg, pid_t pid, json_object *subs,
                           struct berth_error *err);
/* SIGKILL every process of the cgroup at once (cgroup.kill) when the plugin has the op (ABI
 * 1.3) and the kernel the file: false when it could not, for the caller's freeze-and-signal. */
bool berth_cgroup_kill_all(struct berth_cgroup_backend *cg);
int berth_cgroup_apply(struct berth_cgroup_backend *cg, json_object *resources,
                       struct berth_error *err);
int berth_cgroup_freeze(struct berth_cgroup_backend *cg, bool frozen, struct berth_error *err);
bool berth_cgroup_is_frozen(struct berth_cgroup_backend *cg);
int berth_cgroup_pids(struct berth_cgroup_backend *cg, berth_pid_fn fn, void *data,
                      struct berth_error *err);
int berth_cgroup_stats(struct berth_cgroup_backend *cg, char **json, struct berth_error *err);
int berth_cgroup_destroy(struct berth_cgroup_backend *cg, struct berth_error *err);
void berth_cgroup_release(struct berth_cgroup_backend *cg);
/* The plugin's cgroup directory fd for clone3(CLONE_INTO_CGROUP), or -1. Owned by the plugin. */
int berth_cgroup_fd(struct berth_cgroup_backend *cg);
/* linux.resources with runc's default device rules after the spec's own (and nothing for
 * linux.devices: the spec's rules are the policy). */
json_object *berth_cgroup_resources(json_object *spec);

#endif
