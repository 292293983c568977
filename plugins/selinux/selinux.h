/* SPDX-License-Identifier: Apache-2.0 */
/* selinux.so: process.selinuxLabel and linux.mountLabel. The plugin checks, in the runtime,
 * that the host runs SELinux and that the loaded policy knows the context (libselinux's
 * is_selinux_enabled and security_check_context), and tells the core what its init writes
 * before execve (the context, to /proc/thread-self/attr/exec). The init itself runs no
 * plugin code and no libselinux: it is re-executed from a sealed copy of berth. */
#ifndef BERTH_SELINUX_H
#define BERTH_SELINUX_H

#include <berth/plugin.h>
#include <stdint.h>

/* The longest context: the kernel reads one page from a write to an attr file. */
#define SE_CONTEXT_MAX 4000

/* The host's services, set by the entry point (or a test). */
extern const struct berth_host_api *se_host;
#define se_error(err, errnum, ...) se_host->error((err), (errnum), __VA_ARGS__)

/* What the plugin asks of libselinux; a test replaces them (this host has no SELinux). */
struct se_library {
  int (*is_enabled)(void);                   /* is_selinux_enabled */
  int (*check_context)(const char *context); /* security_check_context */
};
extern struct se_library se_lib;

/* The ops (struct berth_lsm_ops). */
int32_t se_enabled(int32_t *enabled, struct berth_error *err);
int32_t se_validate(const char *label, struct berth_error *err);
int32_t se_exec_attr(const char *label, char **attr, char **value, struct berth_error *err);
/* Since ABI 1.5. */
int32_t se_keyring_attr(const char *label, char **attr, char **value, struct berth_error *err);
int32_t se_mount_option(const char *label, char **option, struct berth_error *err);

#endif
