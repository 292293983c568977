/* SPDX-License-Identifier: Apache-2.0 */
/* Parent side of a container's first process: clone into the namespaces, write the id
 * maps, move it into the cgroup, re-execute it as `berth init` from a sealed copy, hand
 * it the bootstrap, and wait until it is ready (or report its structured error). */
#ifndef BERTH_SPAWN_H
#define BERTH_SPAWN_H

#include <json-c/json.h>
#include <stdbool.h>
#include <sys/types.h>

#include "cgroup.h"
#include "rdt.h"
#include "error.h"
#include "namespaces.h"

struct berth_spawn_config {
  const char *id;
  json_object *spec;
  /* exec: the container's namespaces, opened (and checked against the pinned init) by the
   * caller, handed over: berth_spawn_init closes them. NULL: open those the spec names. */
  const struct berth_namespaces *namespaces;
  bool exec;          /* join a running container (namespaces given by path) */
  const char *rootfs; /* absolute; NULL for exec */
  const char *bundle; /* absolute; init's cwd */
  bool no_pivot;
  bool no_new_keyring;
  int preserve_fds;
  int fifo_fd;    /* O_PATH fd of exec.fifo */
  int console_fd; /* where init sends the pty master when process.terminal, else -1 */
  int root_fd;    /* exec into a container without a mount namespace: its root, else -1 */
  struct berth_cgroup_backend *cg;
  struct berth_rdt_backend *rdt; /* linux.intelRdt's group, or NULL */
  json_object *sub_cgroups;      /* exec --cgroup: [{"controller"?, "path"}], or NULL */
  /* exec: the container's init, for the state sent to a seccomp agent. */
  pid_t container_pid;
  json_object *exec_attrs; /* LSM labels to apply (berth_lsm_prepare), or NULL */
  /* create: told the init's host pid as soon as it is known, before the init goes on, so that
   * the pid is on record before anything can kill the creator (factory.c). */
  int (*on_init)(void *data, pid_t init_pid, struct berth_error *err);
  void *on_init_data;
};

/* On success *pid is the container's init (host pid), blocked on exec.fifo. On failure
 * nothing of the process is left; the caller removes the cgroup and state. */
int berth_spawn_init(const struct berth_spawn_config *cfg, pid_t *pid, struct berth_error *err);

#endif
