/* SPDX-License-Identifier: Apache-2.0 */
/* Create: everything from an ID and a bundle to an init blocked on exec.fifo. */
#ifndef BERTH_FACTORY_H
#define BERTH_FACTORY_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"

struct berth_cgroup_backend;
struct json_object;

/* What `restore` does instead of spawning an init (core/checkpoint.c): make the container's
 * first process, already running, from what create resolved and made (spec, bundle, root, the
 * container's cgroup); *pid is that process. */
typedef int (*berth_restore_fn)(void *data, struct json_object *spec, const char *bundle,
                                const char *rootfs, struct berth_cgroup_backend *cg, pid_t *pid,
                                struct berth_error *err);

struct berth_create_options {
  const char *root; /* --root */
  const char *id;
  const char *bundle;        /* -b, default cwd */
  const char *pid_file;      /* --pid-file or NULL */
  const char *cgroup_driver; /* --cgroup-driver or NULL (auto) */
  bool systemd_cgroup;       /* --systemd-cgroup */
  bool rootless;
  bool no_pivot;
  bool no_new_keyring;
  int preserve_fds;
  int listen_fds; /* socket activation: fds 3.. passed first, with LISTEN_FDS/LISTEN_PID=1 */
  const char *console_socket; /* --console-socket: where the pty master goes */
  int console_fd;             /* or an fd to send it on (`run` in the foreground); else -1 */
  berth_restore_fn restore;   /* restore: the process comes from here, running; else NULL */
  void *restore_data;
};

/* On failure nothing is left behind: no state dir, cgroup, mount or process. */
int berth_create(const struct berth_create_options *o, pid_t *pid, struct berth_error *err);
/* Write pid to path atomically (temp file in the same directory, then rename). */
int berth_write_pid_file(const char *path, pid_t pid, struct berth_error *err);

#endif
