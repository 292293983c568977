/* SPDX-License-Identifier: Apache-2.0 */
/* The OCI "process": what init (and later exec) does to become it. */
#ifndef BERTH_PROCESS_H
#define BERTH_PROCESS_H

#include <json-c/json.h>
#include <linux/capability.h>
#include <stdbool.h>

#include "error.h"

int berth_process_rlimits(json_object *process, struct berth_error *err);
int berth_process_oom_score_adj(json_object *process, struct berth_error *err);
/* Bounding set, then user and groups (keeping caps across the uid change), then the
 * effective/permitted/inheritable/ambient sets: runc's finalizeNamespace order. The cwd is
 * entered before the user change, and again after it when that was refused. */
struct berth_capset {
  struct __user_cap_header_struct header;
  struct __user_cap_data_struct data[2];
  bool pending; /* differs from what the process has now: berth_process_capset it */
};
/* With keep non-NULL, CAP_SYS_ADMIN (when the process has it) stays effective and permitted on
 * top of the container's sets, so that a seccomp filter can still be loaded without
 * no_new_privs; *keep then receives the container's own sets for berth_process_capset. */
int berth_process_become(json_object *process, bool setgroups_allowed, struct berth_capset *keep,
                         struct berth_error *err);
/* One capset(2) system call and nothing else: 0 or -errno. */
int berth_process_capset(const struct berth_capset *caps);
int berth_process_no_new_privileges(json_object *process, struct berth_error *err);
/* The environment for execve (malloc()ed vector), with HOME added when missing. */
char **berth_process_env(json_object *process);
/* args[0] looked up in PATH of that environment, as the container sees it. runc's message
 * when it is not found: exec: "x": executable file not found in $PATH. */
int berth_process_find_executable(json_object *process, char **envp, char **path,
                                  struct berth_error *err);

#endif
