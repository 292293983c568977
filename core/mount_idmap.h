/* SPDX-License-Identifier: Apache-2.0 */
/* Id-mapped bind mounts: mounts[].uidMappings/gidMappings and the idmap/ridmap options
 * (runtime-spec 1.2). The kernel idmaps only a detached mount (open_tree(OPEN_TREE_CLONE)) and
 * only for a caller with CAP_SYS_ADMIN over the source's filesystem, which the init of a
 * container with a user namespace never has. So, as runc 1.2 does, the runtime makes each one:
 * the helper that opens the bind sources in the init's mount namespace (mount_sources.h) clones
 * the source there, applies MOUNT_ATTR_IDMAP with a user namespace holding the mapping, and
 * passes the detached tree to the init, which only moves it into place (mounts.c).
 *
 * The mapping reads as runc and crun apply it (and as the kernel defines it): a file owned by
 * containerID on the source filesystem shows as hostID through the mount, and a file created
 * through it by hostID is stored as containerID. */
#ifndef BERTH_MOUNT_IDMAP_H
#define BERTH_MOUNT_IDMAP_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"

/* mount (a spec "mounts" entry) asks for an id-mapped mount: idmap or ridmap, or mappings
 * (which, without either option, mean idmap, as in runc). */
bool berth_mount_idmapped(json_object *mount);
/* Before anything is made: each id-mapped entry is a bind, has both mappings or neither, and
 * without mappings the container has a user namespace whose mappings it takes. */
int berth_mount_idmap_check(json_object *spec, struct berth_error *err);
/* A user namespace fd whose uid_map and gid_map are the mount's own mappings (made by a
 * child cloned into a new user namespace, reaped before we return), or -ENOENT when the mount
 * has none: the container's user namespace serves. */
int berth_idmap_userns(json_object *mount, struct berth_error *err);
/* In the init's mount namespace, with the bundle as cwd: the detached, id-mapped copy of the
 * mount's source (recursive for rbind; the mapping on the submounts too for ridmap). */
int berth_idmap_tree(json_object *mount, int userns_fd, struct berth_error *err);

#endif
