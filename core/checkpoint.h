/* SPDX-License-Identifier: Apache-2.0 */
/* `checkpoint` and `restore`: the commands' logic and the container's state around them; the
 * checkpoint plugin (criu.so) drives CRIU. */
#ifndef BERTH_CHECKPOINT_H
#define BERTH_CHECKPOINT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

/* The plugin that serves both commands, and its package (core/plugin_loader.c names it). */
#define BERTH_CHECKPOINT_PLUGIN "criu"
/* What the core writes into an image beside CRIU's files: which container it holds. */
#define BERTH_CHECKPOINT_MARKER "berth-checkpoint.json"

struct berth_checkpoint_options {
  const char *root; /* --root */
  const char *id;
  const char *criu_path;   /* global --criu, or NULL */
  const char *image_path;  /* --image-path, or NULL: ./checkpoint as runc */
  const char *work_path;   /* --work-path, or NULL: the image path */
  const char *parent_path; /* checkpoint --parent-path, or NULL */
  uint32_t flags;          /* BERTH_CHECKPOINT_* */
  uint32_t manage_cgroups_mode;
  uint64_t empty_ns; /* --empty-ns: CLONE_NEW* */
  int status_fd;     /* --status-fd, or -1 */
  /* restore only */
  const char *bundle;
  const char *pid_file;
  const char *console_socket;
  const char *cgroup_driver;
  bool systemd_cgroup;
  bool rootless;
  bool no_pivot;
};

/* Dump a running container into the image. Unless --leave-running or --pre-dump, the
 * container is then gone, state and cgroup, as runc destroys it. Input is checked and
 * criu's usability asked before anything is touched. */
int berth_checkpoint(const struct berth_checkpoint_options *o, struct berth_error *err);
/* Create container o->id from the bundle with the image's processes, running: *pid is the
 * restored first process. On failure nothing is left behind. */
int berth_restore(const struct berth_checkpoint_options *o, pid_t *pid, struct berth_error *err);
/* --manage-cgroups-mode NAME → BERTH_CHECKPOINT_CGROUPS_*, -1 if unknown. */
int berth_checkpoint_cgroups_mode(const char *name);
/* --empty-ns NAME (runc: "network") → CLONE_NEW* bit, 0 if unknown. */
uint64_t berth_checkpoint_empty_ns(const char *name);

#endif
