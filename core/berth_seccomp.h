/* SPDX-License-Identifier: Apache-2.0 */
/* linux.seccomp (core/seccomp.c): the OCI profile turned into a libseccomp filter with runc
 * 1.1's semantics, and the SCMP_ACT_NOTIFY listener fd handed to linux.seccomp.listenerPath.
 * Not named seccomp.h: core/ is on the include path, and that name would hide libseccomp's
 * <seccomp.h>. */
#ifndef BERTH_SECCOMP_H
#define BERTH_SECCOMP_H

#include <json-c/json.h>
#include <linux/filter.h>
#include <stdbool.h>
#include <sys/types.h>

#include "error.h"

/* Types, names and ranges of linux.seccomp (NULL is fine), without touching the kernel, so
 * that create refuses a bad profile before it spawns anything. Errors name the field:
 * "linux.seccomp.syscalls[3].action: unknown action SCMP_ACT_FOO". */
int berth_seccomp_validate(json_object *seccomp, struct berth_error *err);

/* The container's filter compiled to BPF, loaded later with one system call (the filter is
 * the init's last act: init.c). prog.filter is NULL when there is no filter. */
struct berth_seccomp_program {
  struct sock_fprog prog;
  unsigned flags; /* SECCOMP_FILTER_FLAG_*, as libseccomp's seccomp_load would pass them */
  bool listener;  /* SCMP_ACT_NOTIFY is used: loading returns the listener fd */
};

/* Build the filter for linux.seccomp and compile it, touching nothing of the process. No
 * program for NULL or a profile with neither defaultAction nor syscalls (runc: seccomp
 * disabled). Fails on what the kernel's loader would only fail later for libseccomp. */
int berth_seccomp_compile(json_object *seccomp, struct berth_seccomp_program *out,
                          struct berth_error *err);
void berth_seccomp_program_free(struct berth_seccomp_program *program);
#define _cleanup_seccomp_program_ __attribute__((cleanup(berth_seccomp_program_free)))

/* Load the program: exactly one seccomp(2) system call and nothing else, so that it can be the
 * last thing before execve. Returns the listener fd (program->listener), else 0, or -errno.
 * Without no_new_privs set, loading needs CAP_SYS_ADMIN. */
int berth_seccomp_install(const struct berth_seccomp_program *program);

/* Compile and install in one go (tests; exec-less callers). *notify_fd receives the listener
 * fd (the caller closes it; with notify_fd NULL it is closed here), else -1. */
int berth_seccomp_load(json_object *seccomp, int *notify_fd, struct berth_error *err);

/* linux.seccomp of the OCI features document: what validate accepts (actions, operators,
 * archs, knownFlags, sorted) and the flags this host's libseccomp and kernel take
 * (supportedFlags). */
json_object *berth_seccomp_features(void);

/* Init side of SCMP_ACT_NOTIFY: tell the parent the listener fd's number on the sync socket
 * ({"type":"seccomp","fd":N}) and wait for "seccomp-done", so that it copied the fd with
 * pidfd_getfd() before the caller closes it. */
int berth_seccomp_send_listener_fd(int fd, int sync_fd, struct berth_error *err);

struct berth_spawn_config;

/* Parent side of that message: copy fd number remote_fd out of pid (the init, or an exec'd
 * process) and send it with the container process state (runtime-spec
 * "containerProcessState", as runc: status "creating" from create, "running" from exec)
 * over SCM_RIGHTS to the unix socket at linux.seccomp.listenerPath. */
int berth_seccomp_send_to_listener(const struct berth_spawn_config *cfg, pid_t pid, int remote_fd,
                                   struct berth_error *err);

#endif
