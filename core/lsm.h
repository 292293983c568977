/* SPDX-License-Identifier: Apache-2.0 */
/* The core's side of Linux security modules: which plugin labels a field of the spec (the
 * first installed LSM plugin, by file name, that declares the field), what it says the
 * process must write, and the init's write itself. */
#ifndef BERTH_LSM_H
#define BERTH_LSM_H

#include <json-c/json.h>
#include <stdbool.h>

#include "error.h"

/* In the runtime, at create and exec, before anything is made: each of
 * process.apparmorProfile, process.selinuxLabel and linux.mountLabel that is set must be
 * accepted by its plugin (a container must never run unconfined, or with unlabelled mounts,
 * because a plugin is missing, too old or the host lacks the module). *exec_attrs is NULL
 * when no label is set, else what the init applies, sent to it in the bootstrap:
 * [{"at", "field", "label", "attr", "value"}], "at" saying when: "exec" (written to attr just
 * before execve, berth_lsm_apply_exec), "keyring" (berth_lsm_apply_keyring) or "mount" (value
 * is the mount option of linux.mountLabel, no attr: berth_lsm_mount_option). */
int berth_lsm_prepare(json_object *spec, json_object **exec_attrs, struct berth_error *err);

/* exec: a process with no label of its own (absent or "") gets the container's, as runc's
 * exec does; otherwise `exec --apparmor ""` would run it unconfined. */
void berth_lsm_inherit(json_object *process, json_object *container_process);

/* In the init, first thing, while it still sees the host's /proc: an O_PATH handle on its
 * own /proc/thread-self/attr, or -errno (-EXDEV: not on procfs). Whatever the container's
 * rootfs mounts on /proc later (CVE-2019-16884: a fake procfs swallowing the write) cannot
 * redirect the write. */
int berth_lsm_open_attr_dir(void);

/* In the init, after the container is built and before seccomp, capabilities, the user and
 * no_new_privs (runc's order: a confined runtime could not change profile under
 * no_new_privs, a seccomp profile could deny the write): write each exec_attrs entry below
 * attr_dir (from berth_lsm_open_attr_dir, or a directory in tests). The kernel applies the
 * label at the next execve. */
int berth_lsm_apply_exec(int attr_dir, json_object *exec_attrs, struct berth_error *err);

/* In the init, around joining the session keyring (runc's SetKeyLabel): set (the process
 * label's keycreate entries, when its plugin gives them) before, cleared after, so the keyring
 * is made with the container's label and nothing later is. */
int berth_lsm_apply_keyring(int attr_dir, json_object *exec_attrs, bool set,
                            struct berth_error *err);

/* The mount option of linux.mountLabel in exec_attrs ("context=\"LABEL\""), or NULL. */
const char *berth_lsm_mount_option(json_object *exec_attrs);

/* The plugin's module enforces labels on this host (its enabled op; false without one). */
struct berth_plugin;
bool berth_lsm_plugin_enabled(const struct berth_plugin *p);
/* The spec fields the plugin labels ("process.apparmorProfile" ...), a JSON array. */
json_object *berth_lsm_fields(const struct berth_plugin *p);

/* `berth check`: every installed LSM plugin, [{"plugin", "loads", "reason", "fields" (the spec
 * fields it labels), "enabled"}]. Describes every plugin not named as a cgroup plugin, each in
 * a probe child (core/plugin_describe.h): none of their code runs in this process. */
json_object *berth_lsm_survey(void);

#endif
