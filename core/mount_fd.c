/* SPDX-License-Identifier: Apache-2.0 */
/* Mount primitives that act on fds, never on paths a rootfs could redirect. */
#include "mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <linux/magic.h>

#include "cleanup.h"
#include "json_util.h"
#include "log.h"
#include "safe_path.h"
#include "util.h"

int berth_mount_on_fd(const char *source, int dst_fd, const char *fstype, unsigned long flags,
                      const char *data) {
  struct berth_fd_path target;
  if (mount(source, berth_fd_path(&target, dst_fd), fstype, flags, data) < 0)
    return -errno;
  return 0;
}

int berth_bind_readonly(int fd) {
  _cleanup_close_ int tree =
      open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
  if (tree < 0)
    return -errno;
  struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
  if (mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0 ||
      move_mount(tree, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return -errno;
  return 0;
}

int berth_set_readonly(int mnt_fd) {
  struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
  return mount_setattr(mnt_fd, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0 ? -errno : 0;
}

int berth_bind_fd(int src_fd, int dst_fd, unsigned long flags) {
  struct berth_fd_path source;
  return berth_mount_on_fd(berth_fd_path(&source, src_fd), dst_fd, NULL, MS_BIND | (flags & MS_REC),
                           NULL);
}

static int mount_id(int fd, uint64_t *id) {
  struct statx stx;
  if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &stx) < 0)
    return -errno;
  if (!(stx.stx_mask & STATX_MNT_ID))
    return -EOPNOTSUPP;
  *id = stx.stx_mnt_id;
  return 0;
}

/* The fd a mount was made on still names the covered directory (a magic link jump does not
 * cross the mount on top), so later steps (remount, propagation, mount_setattr) need a fresh
 * lookup; comparing mount ids proves that the path now leads onto the new mount. Kernels
 * before 5.8 have no STATX_MNT_ID and skip the check. */
int berth_mount_reopen(int root_fd, const char *path, int old_fd, struct berth_error *err) {
  _cleanup_close_ int fd = berth_safe_open(root_fd, path, 0, err);
  if (fd < 0)
    return fd;
  uint64_t old_id, new_id;
  if (mount_id(old_fd, &old_id) == 0 && mount_id(fd, &new_id) == 0 && old_id == new_id) {
    berth_error(err, 0, "%s does not lead onto the new mount (changed while mounting?)", path);
    err->code = EXDEV;
    return -EXDEV;
  }
  return take_fd(&fd);
}

#ifndef ST_NOSYMFOLLOW
#define ST_NOSYMFOLLOW 0x2000 /* Linux 5.10 */
#endif

/* statfs reports ST_* bits; most equal MS_*, but not relatime and nosymfollow. */
static unsigned long mount_flags_of(const struct statfs *st) {
  static const struct {
    unsigned long st, ms;
  } map[] = {
      {ST_RDONLY, MS_RDONLY},     {ST_NOSUID, MS_NOSUID},           {ST_NODEV, MS_NODEV},
      {ST_NOEXEC, MS_NOEXEC},     {ST_NOATIME, MS_NOATIME},         {ST_NODIRATIME, MS_NODIRATIME},
      {ST_RELATIME, MS_RELATIME}, {ST_NOSYMFOLLOW, MS_NOSYMFOLLOW},
  };
  unsigned long flags = 0;
  for (size_t i = 0; i < ARRAY_SIZE(map); i++)
    if ((unsigned long)st->f_flags & map[i].st)
      flags |= map[i].ms;
  return flags;
}

#define LOCKABLE_FLAGS (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_ATIME_FLAGS)
#define MS_ATIME_FLAGS (MS_NOATIME | MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME)

int berth_bind_remount(int mnt_fd, unsigned long flags, unsigned long cleared,
                       struct berth_error *err) {
  char buf[256];
  flags = (flags & ~(MS_REC | MS_REMOUNT | MS_BIND)) | MS_BIND | MS_REMOUNT;
  if (berth_mount_on_fd(NULL, mnt_fd, NULL, flags, NULL) == 0)
    return 0;
  if (errno != EPERM)
    return berth_error(err, errno, "remount %s", berth_mount_flags_string(flags, buf, sizeof(buf)));
  struct statfs st;
  if (fstatfs(mnt_fd, &st) < 0)
    return berth_error(err, errno, "statfs");
  unsigned long locked = mount_flags_of(&st) & LOCKABLE_FLAGS;
  if (locked & cleared)
    return berth_error(err, EPERM, "remount: cannot clear the locked flags %s",
                       berth_mount_flags_string(locked & cleared, buf, sizeof(buf)));
  /* An atime setting the caller asked for wins over the source's (and fails if locked). */
  if (flags & (MS_NOATIME | MS_RELATIME | MS_STRICTATIME))
    locked &= ~(MS_NOATIME | MS_RELATIME | MS_STRICTATIME);
  if (berth_mount_on_fd(NULL, mnt_fd, NULL, flags | locked, NULL) < 0)
    return berth_error(err, errno, "remount %s (keeping the locked flags)",
                       berth_mount_flags_string(flags | locked, buf, sizeof(buf)));
  return 0;
}

/* ---- one spec mount ---- */
