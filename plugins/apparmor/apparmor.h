/* SPDX-License-Identifier: Apache-2.0 */
/* apparmor.so: process.apparmorProfile. The plugin checks, in the runtime, that the host
 * enforces AppArmor and has the profile loaded, and tells the core what its init writes
 * before execve ("exec PROFILE" to /proc/thread-self/attr/apparmor/exec, the kernel's
 * aa_change_onexec). No libapparmor: its aa_change_onexec would have to run in the init, by
 * path inside the container's /proc, and what else it offers here is one sysfs read. */
#ifndef BERTH_APPARMOR_H
#define BERTH_APPARMOR_H

#include <berth/plugin.h>
#include <stdbool.h>
#include <stdint.h>

/* The longest profile name: "exec NAME" must fit the one page the kernel reads from a
 * write to an attr file. */
#define AA_NAME_MAX 4000

/* The host's services, set by the entry point (or a test). */
extern const struct berth_host_api *aa_host;
#define aa_error(err, errnum, ...) aa_host->error((err), (errnum), __VA_ARGS__)

/* Where the host's /sys and /proc are: "" (the default); a test points it at a directory
 * that holds sys/module/apparmor/..., sys/kernel/security/apparmor/profiles and
 * proc/thread-self/attr/. */
extern const char *aa_root;

/* The ops (ABI 1.2 struct berth_lsm_ops). */
int32_t aa_enabled(int32_t *enabled, struct berth_error *err);
int32_t aa_validate(const char *label, struct berth_error *err);
int32_t aa_exec_attr(const char *label, char **attr, char **value, struct berth_error *err);

/* A name the kernel can be asked for: 1..AA_NAME_MAX bytes, no control characters, no
 * whitespace at either end (the kernel strips it, so another profile would be meant). */
int aa_check_name(const char *label, struct berth_error *err);
/* *loaded: is name one of the profiles in sys/kernel/security/apparmor/profiles? */
int aa_profile_loaded(const char *name, bool *loaded, struct berth_error *err);

#endif
