/* SPDX-License-Identifier: Apache-2.0 */
/* The container's filesystem, built by `berth init`: the mount sequence, pivot_root, and the
 * read-only and masked paths after it. */
#ifndef BERTH_ROOTFS_H
#define BERTH_ROOTFS_H

#include <json-c/json.h>
#include <stdbool.h>
#include "error.h"

/* In init, already inside the new mount namespace (and user ns, maps written), cwd = the bundle
 * directory: make the mount tree private/slave per linux.rootfsPropagation (default rslave like
 * runc), make the rootfs's parent mount private, bind the rootfs onto itself (MS_BIND|MS_REC),
 * perform every spec "mounts" entry in order inside the rootfs, then /dev: linux.devices plus
 * the default devices (null zero full random urandom tty; mknod, or a bind mount of the host node
 * when mknod is not permitted i.e. in a user namespace) and the symlinks /dev/fd /dev/stdin
 * /dev/stdout /dev/stderr /dev/ptmx->pts/ptmx (and /dev/core->/proc/kcore when it exists).
 * rootfs is an absolute host path; sources (or NULL) the bind sources the runtime opened;
 * label_option (or NULL) linux.mountLabel's mount option, for the filesystems that take it. */
struct berth_mount_sources;
int berth_rootfs_mount(json_object *spec, const char *rootfs,
                       const struct berth_mount_sources *sources, const char *label_option,
                       struct berth_error *err);
/* After the createRuntime hooks: pivot_root into rootfs (runc's fd dance: pivot_root(".", "."),
 * then make the old root rslave and MNT_DETACH it), or with no_pivot MS_MOVE + chroot; chdir "/".
 */
int berth_rootfs_pivot(const char *rootfs, bool no_pivot, struct berth_error *err);
/* After pivot: linux.readonlyPaths (bind + remount ro, keeping locked flags), linux.maskedPaths
 * (/dev/null bind over files, read-only empty tmpfs over directories; missing paths are
 * ignored; label_option, or NULL, on those tmpfs), root.readonly (remount / ro), and the final
 * rootfsPropagation when it is shared. */
int berth_rootfs_finish(json_object *spec, const char *label_option, struct berth_error *err);

/* A spec without a mount namespace: the container inherits the runtime's, as the runtime spec
 * says, yet its mounts must not land in the host's (runc does that, rslaves the host's / and
 * leaves them behind). So init builds the root as usual in a scratch mount namespace
 * (scratch_enter, before berth_rootfs_mount; *host_mntns is the runtime's namespace), and after
 * berth_rootfs_finish scratch_leave clones the finished root into a detached, private mount
 * tree, returns to the runtime's namespace and chroots into the copy: nothing is ever mounted
 * in the host's namespace, and nothing outlives the container's processes. */
bool berth_rootfs_shares_host_mount_namespace(json_object *spec);
int berth_rootfs_scratch_enter(int *host_mntns, struct berth_error *err);
int berth_rootfs_scratch_leave(int host_mntns, struct berth_error *err);

/* After the process's chdir to process.cwd: refuses (EPERM) a cwd outside the root, which only
 * an fd reaching the host can give (CVE-2024-21626). */
int berth_rootfs_check_cwd(const char *cwd, struct berth_error *err);

#endif
