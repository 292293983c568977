/* SPDX-License-Identifier: Apache-2.0 */
#ifndef BERTH_NAMESPACES_H
#define BERTH_NAMESPACES_H

#include <json-c/json.h>
#include <sched.h>
#include <stdbool.h>
#include <sys/types.h>

#include "error.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

#define BERTH_MAX_NS 8

/* linux.namespaces split into new ones (flags) and ones joined by path (opened fds, the
 * user namespace first, since the others are owned by it). */
struct berth_namespaces {
  int new_flags;
  int join_count;
  int join_fds[BERTH_MAX_NS];
  int join_flags[BERTH_MAX_NS];
};

int berth_namespaces_open(json_object *spec, struct berth_namespaces *ns, struct berth_error *err);
void berth_namespaces_close(struct berth_namespaces *ns);
/* True when the container gets a new namespace of that kind (not joined, not shared). */
bool berth_spec_has_new_namespace(json_object *spec, int flag);
/* Write /proc/PID/FILE ("uid_map" or "gid_map") from an array of spec id mappings. */
int berth_write_id_map(pid_t pid, const char *file, json_object *maps, struct berth_error *err);
/* Parent side: write /proc/PID/{uid,gid}_map from linux.uidMappings/gidMappings. */
int berth_write_id_maps(pid_t pid, json_object *spec, struct berth_error *err);
/* In a fresh time namespace, before any process lives in it: linux.timeOffsets. */
int berth_write_time_offsets(json_object *spec, struct berth_error *err);

#endif
