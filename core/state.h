/* SPDX-License-Identifier: Apache-2.0 */
/* A container on disk: --root/ID/state.json and exec.fifo, and what Load derives. */
#ifndef BERTH_STATE_H
#define BERTH_STATE_H

#include <json-c/json.h>
#include <stdbool.h>
#include <sys/types.h>

#include "cgroup.h"
#include "rdt.h"
#include "error.h"

#define BERTH_STATE_FILE "state.json"
#define BERTH_FIFO_FILE "exec.fifo"
/* What delete must remove (the cgroup as its plugin saved it, the init's pid and start time),
 * kept apart from state.json so that a damaged state.json still names it. */
#define BERTH_RECORD_FILE "cleanup.json"
#define BERTH_DEFAULT_ROOT "/run/berth"

enum berth_status { BERTH_CREATING, BERTH_CREATED, BERTH_RUNNING, BERTH_PAUSED, BERTH_STOPPED };

struct berth_container {
  char *id;
  int dir_fd;         /* the state dir, O_DIRECTORY */
  json_object *state; /* state.json as read */
  json_object *spec;  /* borrowed from state: "config" */
  pid_t pid;
  unsigned long long start_time;
  int pidfd; /* the init pinned at Load (pidfd.h) */
  struct berth_cgroup_backend cg;
  struct berth_rdt_backend rdt; /* the resctrl group of linux.intelRdt, if any */
  /* state.json written by a create that had not finished (status "creating"), and by whom. */
  bool creating;
  pid_t creator;
  unsigned long long creator_start;
  bool damaged; /* state.json unusable: loaded from cleanup.json (berth_container_load_record) */
  bool unknown; /* damaged, and no usable cleanup.json either: what was made is unknown */
};

/* Open (and with create, make 0700) the --root directory. */
int berth_root_open(const char *root, bool create, struct berth_error *err);
/* Open ID's state dir beneath root_fd without following symlinks; -ENOENT if absent. */
int berth_state_dir_open(int root_fd, const char *id, struct berth_error *err);
/* Write state.json atomically (a uniquely named temp file, fsync, rename). */
int berth_state_write(int dir_fd, json_object *state, struct berth_error *err);
/* The same for any file of the state dir (cleanup.json). */
int berth_state_write_file(int dir_fd, const char *name, json_object *o, struct berth_error *err);
/* Load: validate the ID, read state.json, rebuild the plugins. "container X does not exist"
 * is -ENOENT, a state.json that cannot be read or parsed -EUCLEAN ("container X: damaged
 * state: ..."). For readers (state, list, ps): no lock. */
int berth_container_load(int root_fd, const char *id, struct berth_container **out,
                         struct berth_error *err);
/* Load for a command that changes the container: takes the container's lock first, held
 * until the container is freed (or berth_state_unlock(c->dir_fd)). */
int berth_container_load_locked(int root_fd, const char *id, struct berth_container **out,
                                struct berth_error *err);
/* For delete -f when state.json is damaged: the lock, and what cleanup.json names (cgroup,
 * init pid); c->unknown when that is unknown too. No spec, no state. */
int berth_container_load_record(int root_fd, const char *id, struct berth_container **out,
                                struct berth_error *err);
/* The recorded init still runs (and is the same process: start time). */
bool berth_container_init_alive(struct berth_container *c);
void berth_container_free(struct berth_container *c);
/* "container ID does not exist", code ENOENT; returns -ENOENT. */
int berth_container_not_found(struct berth_error *err, const char *id);
enum berth_status berth_container_status(struct berth_container *c);
const char *berth_status_name(enum berth_status s);
/* Remove the state dir (files, then the dir). */
int berth_state_dir_remove(int root_fd, const char *id, struct berth_error *err);
/* The OCI state object ("ociVersion","id","status","pid","bundle",...) runc prints. */
json_object *berth_container_oci_state(struct berth_container *c, enum berth_status s);

static inline void berth_container_freep(struct berth_container **c) {
  if (*c != NULL)
    berth_container_free(*c);
}
#define _cleanup_container_ __attribute__((cleanup(berth_container_freep)))

#endif
