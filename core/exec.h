/* SPDX-License-Identifier: Apache-2.0 */
/* exec: a new process in a running container — its namespaces, cgroup, capabilities,
 * user, seccomp — started through the same sealed re-exec as the container's init. */
#ifndef BERTH_EXEC_H
#define BERTH_EXEC_H

#include <json-c/json.h>
#include <stdbool.h>
#include <sys/types.h>

#include "state.h"

struct berth_exec_options {
  const char *pid_file;
  const char *console_socket;
  int console_fd; /* or -1 */
  int preserve_fds;
  bool ignore_paused;
  json_object *sub_cgroups; /* --cgroup [controller:]path, as [{"controller"?, "path"}] */
};

/* process is a validated OCI process object. On success *pid is the process (host pid). */
int berth_exec(struct berth_container *c, json_object *process, const struct berth_exec_options *o,
               pid_t *pid, struct berth_error *err);

#endif
