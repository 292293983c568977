/* SPDX-License-Identifier: Apache-2.0 */
/* Bind mount sources opened with the runtime's rights, as runc opens its mount sources: in a
 * user namespace the init may not search the directories above a source (a root-owned one of
 * mode 000), so before it mounts anything it asks the runtime, which opens each source in the
 * init's mount namespace (a helper process joins it) and passes the O_PATH fds over the sync
 * socket. Opened there, not in the runtime's own namespace: the init may bind only what its
 * namespace holds, and the mounts it holds are the locked copies that the kernel made for a
 * less privileged user namespace, so an rbind cannot uncover what a submount hides. */
#ifndef BERTH_MOUNT_SOURCES_H
#define BERTH_MOUNT_SOURCES_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"

/* One fd per spec mounts[] entry: a bind source the runtime opened, else -1 (the init then
 * opens the source itself, and reports what fails). For an id-mapped entry (mount_idmap.h) the
 * fd is the detached, id-mapped tree, and where there is none errors[i] (else error, when the
 * helper failed as a whole) says why. */
struct berth_mount_sources {
  int *fds;
  char **errors;
  char *error;
  size_t n;
};

/* Whether the init has to ask: a user namespace and at least one bind mount with a source, or
 * an id-mapped mount. */
bool berth_mount_sources_wanted(json_object *spec);
/* Runtime: answer the init's request (a helper joins init_pid's mount namespace, opens the bind
 * sources relative to bundle, and sends them on sync_fd while we wait for it). */
int berth_mount_sources_send(json_object *spec, const char *bundle, pid_t init_pid, int sync_fd,
                             struct berth_error *err);
/* Init: ask on sync_fd and receive them. */
int berth_mount_sources_receive(int sync_fd, json_object *spec, struct berth_mount_sources *out,
                                struct berth_error *err);
void berth_mount_sources_close(struct berth_mount_sources *s);

#endif
