/* SPDX-License-Identifier: Apache-2.0 */
/* Resolving paths inside a rootfs nobody trusts.
 *
 * First the kernel's openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS) (Linux 5.6). Where that
 * is missing, or fails (a missing component to create, an error to name), the walk below
 * answers; both resolve symlinks as chroot does and refuse magic links. One difference: when
 * the whole path exists, openat2 keeps a symlink's ".." above the root at the root (as runc
 * and crun), where the walk refuses it.
 *
 * The walk opens one component at a time (O_PATH|O_NOFOLLOW) below a root directory fd and
 * expands symlinks itself, so that the result is what a process chroot()ed into the root would
 * see: absolute symlink targets restart at the root ("/var/run" -> "/run" stays inside).
 * A ".." in the requested path stops at the root (as chroot would), but a symlink whose ".."
 * would climb above the root is refused: it can only be an attempt to leave the rootfs.
 * procfs magic links (/proc/PID/root, /proc/PID/fd/N ...) are refused, never followed. */
#ifndef BERTH_SAFE_PATH_H
#define BERTH_SAFE_PATH_H

#include <stdbool.h>

#include "error.h"

/* Create missing directories on the way, including the last component. */
#define BERTH_SAFE_MKDIR 0x1
/* Create missing directories on the way, the last component as an empty regular file. */
#define BERTH_SAFE_MKFILE 0x2

/* Refuse a last component that is a symlink instead of following it (proc and sysfs must be
 * mounted on a real directory: CVE-2019-19921). */
#define BERTH_SAFE_NOFOLLOW 0x4

/* Resolve path (absolute or relative: both start at the root) below root_fd. Returns an
 * O_PATH|O_CLOEXEC fd of the object, or -errno with err set. A missing component without a
 * create flag gives -ENOENT ("/a/b: No such file or directory"). */
int berth_safe_open(int root_fd, const char *path, int flags, struct berth_error *err);

/* The same, and *resolved receives the malloc()ed in-rootfs path that was reached with every
 * symlink expanded ("/run/x" for "/var/run/x"), for checks such as "not inside /proc". */
int berth_safe_resolve(int root_fd, const char *path, int flags, char **resolved,
                       struct berth_error *err);

/* Resolve the parent directory of path (creating it with BERTH_SAFE_MKDIR) and return its
 * O_PATH fd; *name receives the malloc()ed last component, which is not looked up. Refuses
 * paths whose last component is "/", "." or "..". */
int berth_safe_open_parent(int root_fd, const char *path, int flags, char **name,
                           struct berth_error *err);

/* Tests: false resolves with the walk alone, as on a kernel without openat2. */
void berth_safe_path_use_openat2(bool enabled);

/* "/proc/self/fd/N" for mount(2) and friends, which take paths: the kernel follows that magic
 * link to exactly the object the fd holds, so nothing in the rootfs can redirect it. */
struct berth_fd_path {
  char path[32];
};
const char *berth_fd_path(struct berth_fd_path *buf, int fd);

#endif
