/* SPDX-License-Identifier: Apache-2.0 */
/* Writes to the container's /proc that nothing in the rootfs or the config can redirect. */
#ifndef BERTH_PROCFS_H
#define BERTH_PROCFS_H

#include "error.h"

/* Write data to /proc/PATH (PATH relative, e.g. "sys/kernel/shmmax", "self/oom_score_adj")
 * of the calling process's root, refusing with EXDEV anything that is not that procfs itself:
 * a /proc that is no procfs root (a tmpfs, a bind of a host directory, a symlink in the
 * image), a mount on the way or on the file (a bind over /proc/sys/...), a symlink leading out
 * of /proc (runc CVE-2025-52881). */
int berth_procfs_write(const char *path, const char *data, struct berth_error *err);

#endif
