/* SPDX-License-Identifier: Apache-2.0 */
#ifndef BERTH_SEALED_EXE_H
#define BERTH_SEALED_EXE_H

#include "error.h"

/* An fd of the running binary that cannot be written through, to re-execute as `berth init`.
 * CVE-2019-5736: a process inside the container can open /proc/PID/exe of a runtime process
 * that joined its namespaces and write through it to the host binary.
 *
 * Preferred: a detached, read-only bind mount of the binary (open_tree(OPEN_TREE_CLONE) +
 * mount_setattr(MOUNT_ATTR_RDONLY)). Executed from it, /proc/PID/exe is a path on a mount
 * that is read-only and in no namespace, so every write is refused (EROFS) and nothing can
 * remount it. It costs two syscalls and shares the page cache. Where that is not allowed (an
 * unprivileged caller) or the binary's mount is noexec: a sealed memfd copy (runc 1.1's way). */
int berth_sealed_exe(struct berth_error *err);

#endif
