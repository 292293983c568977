/* SPDX-License-Identifier: Apache-2.0 */
/* OCI mount entries: option parsing (runc's table) and performing one mount inside the rootfs,
 * always on an fd that the safe walk (safe_path.h) resolved, never on a joined string. */
#ifndef BERTH_MOUNTS_H
#define BERTH_MOUNTS_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define BERTH_MOUNT_MAX_PROPAGATION 8

struct berth_mount_options {
  unsigned long flags;   /* MS_* for mount(2) */
  unsigned long cleared; /* MS_* that an option explicitly cleared (rw, suid, dev, atime ...) */
  unsigned long propagation[BERTH_MOUNT_MAX_PROPAGATION]; /* separate mount(2) calls, in order */
  size_t n_propagation;
  uint64_t attr_set, attr_clr; /* rro, rnosuid ...: mount_setattr(AT_RECURSIVE) */
  bool tmpcopyup;
  bool idmap;           /* idmap or ridmap: an id-mapped bind (mount_idmap.h) */
  bool idmap_recursive; /* ridmap: the submounts of an rbind are id-mapped too */
  char *data;           /* the options the table does not know, joined with "," (NULL when none) */
};

/* Parse a spec "options" array (NULL for none). Errors name the option, e.g.
 * "option private: more than 8 propagation options". */
int berth_mount_options_parse(json_object *options, struct berth_mount_options *out,
                              struct berth_error *err);
void berth_mount_options_clear(struct berth_mount_options *opts);
/* "private" "rprivate" "shared" "rshared" "slave" "rslave" "unbindable" "runbindable" -> MS_*;
 * false for anything else. */
bool berth_propagation_parse(const char *name, unsigned long *flag);
/* Every option name berth_mount_options_parse takes as an option (not filesystem data),
 * sorted: `berth features`' mountOptions, from the parser's own tables. */
json_object *berth_mount_options_features(void);
/* "ro,nosuid,bind" for messages; buf is returned. */
const char *berth_mount_flags_string(unsigned long flags, char *buf, size_t size);

/* What a mount needs to know about the container. */
struct berth_mount_sources;

struct berth_mount_context {
  int root_fd;        /* O_PATH fd of the rootfs (the self bind mount) */
  const char *rootfs; /* its path, to reach a mount put over it (destination "/") */
  bool netns;         /* linux.namespaces has "network": sysfs can be mounted fresh */
  bool cgroupns;
  bool ipcns;
  bool userns; /* mknod and some remounts are refused */
  /* Bind sources the runtime opened for us (mount_sources.h), or NULL. */
  const struct berth_mount_sources *sources;
  /* linux.mountLabel's mount option (berth_lsm_mount_option), or NULL: appended to the data
   * of each new filesystem that takes it (mount_label.h). */
  const char *label_option;
};

/* One spec "mounts" entry, as berth_mount_one sees it. */
struct berth_mount_entry {
  size_t index;
  const char *destination, *type, *source; /* type and source may be NULL */
  struct berth_mount_options opts;
  bool idmapped; /* the source is a detached id-mapped tree the runtime made (mount_idmap.h) */
};

/* Perform spec mounts[index] inside ctx->root_fd. Errors read
 * "mount proc on /proc (mounts[0]): Operation not permitted". */
int berth_mount_one(const struct berth_mount_context *ctx, json_object *mount, size_t index,
                    struct berth_error *err);

/* destination names the container's /dev ("/dev", "dev/", "//dev"), which berth_mount_one
 * mounts writable whatever its options: the rootfs makes it read-only at the end. */
bool berth_mount_is_dev(const char *destination);
/* destination names the container's root ("/", "//"): the mount goes over the rootfs, and
 * the caller must reopen its root fd afterwards (the old one names the covered directory). */
bool berth_mount_is_root(const char *destination);
/* mount (a spec "mounts" entry) binds its source: type "bind", or a bind/rbind option. */
bool berth_mount_is_bind(json_object *mount);

/* Building blocks shared by devices.c, rootfs.c and cgroup_mount.c; they return -errno without
 * a message unless they take err. */

/* mount(2) with the target given as the object dst_fd holds. */
int berth_mount_on_fd(const char *source, int dst_fd, const char *fstype, unsigned long flags,
                      const char *data);
/* Bind src_fd onto dst_fd (recursively with MS_REC in flags). */
int berth_bind_fd(int src_fd, int dst_fd, unsigned long flags);
/* A read-only bind of what fd holds (with its submounts), put on top of it: open_tree +
 * mount_setattr + move_mount, which need no /proc and leave every other flag (locked ones in a
 * user namespace too) as it was. -errno; -ENOSYS before Linux 5.12. */
int berth_bind_readonly(int fd);
/* Make the mount whose root mnt_fd is read-only, touching nothing else. -errno. */
int berth_set_readonly(int mnt_fd);
/* After a mount on old_fd (which path resolved to): resolve path again and return the fd of the
 * new mount's root, refusing when path no longer leads onto the new mount (a race). */
int berth_mount_reopen(int root_fd, const char *path, int old_fd, struct berth_error *err);
/* MS_BIND|MS_REMOUNT with flags on the mount whose root mnt_fd is. In a user namespace the
 * kernel refuses to drop flags inherited from a more privileged mount (MNT_LOCK_*: nosuid nodev
 * noexec ro atime); then retry keeping those (runc #2928, #3079), unless the caller explicitly
 * cleared one of them. */
int berth_bind_remount(int mnt_fd, unsigned long flags, unsigned long cleared,
                       struct berth_error *err);

/* The "cgroup" mount type (cgroup_mount.c): returns the fd of the mount at the destination. */
int berth_mount_cgroup(const struct berth_mount_context *ctx, const struct berth_mount_entry *m,
                       struct berth_error *err);

/* /proc/self/mountinfo, one entry per line. */
struct berth_mountinfo {
  int id, parent;
  char *root, *mountpoint, *fstype, *source, *super_options;
  bool shared;
};
/* Read the whole table; *n receives the count. Free with berth_mountinfo_free. */
int berth_mountinfo_read(struct berth_mountinfo **out, size_t *n, struct berth_error *err);
void berth_mountinfo_free(struct berth_mountinfo *table, size_t n);

/* tmpcopyup: copy the tree under src_dir into dst_dir (depth starts at 0); on failure the
 * path that failed is left in failed. */
int berth_copy_tree(int src_dir, int dst_dir, int depth, char *failed, size_t size);

#endif
