/* SPDX-License-Identifier: Apache-2.0 */
/* linux.mountLabel: which new filesystems get the LSM plugin's mount option
 * ("context=\"LABEL\"", berth_lsm_ops.mount_option) and how it joins a mount's data, as runc's
 * label.FormatMountLabel. */
#ifndef BERTH_MOUNT_LABEL_H
#define BERTH_MOUNT_LABEL_H

#include <stdbool.h>

#include "error.h"

/* Does a mount of fstype take the label? Not a bind mount (the kernel ignores the data of a
 * bind, and the files keep their own labels), nor proc, sysfs, cgroup or cgroup2, whose labels
 * the policy fixes (the kernel refuses context= there), nor mqueue: an IPC namespace makes its
 * mqueue superblock when it is created, so a mount of it reuses one whose security settings
 * are made, and SELinux refuses different ones (EINVAL, "same superblock, different security
 * settings"); its root gets the label as a file instead (berth_mount_label_root), as runc does. */
bool berth_mount_takes_label(const char *fstype, bool bind);

/* The data with option appended ("mode=755" -> "mode=755,context=\"L\""; NULL or "" ->
 * the option alone); malloc()ed, NULL when out of memory. */
char *berth_mount_label_data(const char *data, const char *option);

/* runc's answer for mqueue: the label set on the root of the new mount as a file, the xattr of
 * the LSM whose option option is (context= -> security.selinux). fd: the mount's root (O_PATH
 * will do). No-op for another fstype or a NULL option; an option of no known LSM is an error
 * rather than an unlabelled mount. */
int berth_mount_label_root(int fd, const char *fstype, const char *option, struct berth_error *err);

#endif
