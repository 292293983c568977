/* SPDX-License-Identifier: Apache-2.0 */
/* linux.mountLabel: which new filesystems get the LSM plugin's mount option
 * ("context=\"LABEL\"", berth_lsm_ops.mount_option) and how it joins a mount's data, as runc's
 * label.FormatMountLabel. */
#ifndef BERTH_MOUNT_LABEL_H
#define BERTH_MOUNT_LABEL_H

#include <stdbool.h>

/* Does a mount of fstype take the label? Not a bind mount (the kernel ignores the data of a
 * bind, and the files keep their own labels), nor proc, sysfs, cgroup or cgroup2, whose labels
 * the policy fixes (the kernel refuses context= there), nor mqueue: an IPC namespace makes its
 * mqueue superblock when it is created, so a mount of it reuses one whose security settings
 * are made, and SELinux refuses different ones (EINVAL, "same superblock, different security
 * settings"); runc sets the label of its root as a file instead. */
bool berth_mount_takes_label(const char *fstype, bool bind);

/* The data with option appended ("mode=755" -> "mode=755,context=\"L\""; NULL or "" ->
 * the option alone); malloc()ed, NULL when out of memory. */
char *berth_mount_label_data(const char *data, const char *option);

#endif
