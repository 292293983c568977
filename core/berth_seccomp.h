/* SPDX-License-Identifier: Apache-2.0 */
/* linux.seccomp (core/seccomp.c): the OCI profile turned into a libseccomp filter with runc
 * 1.1's semantics, and the SCMP_ACT_NOTIFY listener fd handed to linux.seccomp.listenerPath.
 * Not named seccomp.h: core/ is on the include path, and that name would hide libseccomp's
 * <seccomp.h>. */
#ifndef BERTH_SECCOMP_H
#define BERTH_SECCOMP_H

#include <json-c/json.h>
#include <stdbool.h>
#include <sys/types.h>

#include "error.h"

/* Types, names and ranges of linux.seccomp (NULL is fine), without touching the kernel, so
 * that create refuses a bad profile before it spawns anything. Errors name the field:
 * "linux.seccomp.syscalls[3].action: unknown action SCMP_ACT_FOO". */
int berth_seccomp_validate(json_object *seccomp, struct berth_error *err);

/* Build the filter and load it into the calling process. No-op for NULL or a profile with
 * neither defaultAction nor syscalls (runc: seccomp disabled). Without no_new_privs set,
 * loading needs CAP_SYS_ADMIN. When a rule uses SCMP_ACT_NOTIFY, *notify_fd receives the
 * listener fd (the caller closes it; with notify_fd NULL it is closed here), else -1. */
int berth_seccomp_load(json_object *seccomp, int *notify_fd, struct berth_error *err);

/* Init side, at the point runc loads the filter: load it, and when there is a notify fd,
 * tell the parent its number on the sync socket ({"type":"seccomp","fd":N}) and wait for
 * "seccomp-done" before closing it, so the parent could copy it with pidfd_getfd(). */
int berth_seccomp_init(json_object *seccomp, int sync_fd, struct berth_error *err);

struct berth_spawn_config;

/* Parent side of that message: copy fd number remote_fd out of pid (the init, or an exec'd
 * process) and send it with the container process state (runtime-spec
 * "containerProcessState", as runc: status "creating" from create, "running" from exec)
 * over SCM_RIGHTS to the unix socket at linux.seccomp.listenerPath. */
int berth_seccomp_send_to_listener(const struct berth_spawn_config *cfg, pid_t pid, int remote_fd,
                                   struct berth_error *err);

#endif
