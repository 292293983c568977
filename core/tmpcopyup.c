/* SPDX-License-Identifier: Apache-2.0 */
/* tmpcopyup: the covered directory's content copied into a new tmpfs. */
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

#define COPYUP_MAX_DEPTH 256

static int copy_file(int src_dir, int dst_dir, const char *name) {
  _cleanup_close_ int src = openat(src_dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (src < 0)
    return -errno;
  _cleanup_close_ int dst =
      openat(dst_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (dst < 0)
    return -errno;
  char buf[65536];
  for (;;) {
    ssize_t n = read(src, buf, sizeof(buf));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return n < 0 ? -errno : 0;
    int r = write_all(dst, buf, (size_t)n);
    if (r < 0)
      return r;
  }
}

static int copy_dir(int src_dir, int dst_dir, const char *name, int depth, char *failed,
                    size_t size) {
  if (mkdirat(dst_dir, name, 0700) < 0)
    return -errno;
  _cleanup_close_ int src = openat(src_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  _cleanup_close_ int dst = openat(dst_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (src < 0 || dst < 0)
    return -errno;
  return berth_copy_tree(src, dst, depth + 1, failed, size);
}

/* One entry with its owner and mode; chown before chmod, which would clear set-id bits. */
static int copy_entry(int src_dir, int dst_dir, const char *name, const struct stat *st, int depth,
                      char *failed, size_t size) {
  char target[4096];
  ssize_t n;
  int r = 0;
  switch (st->st_mode & S_IFMT) {
  case S_IFDIR:
    r = copy_dir(src_dir, dst_dir, name, depth, failed, size);
    break;
  case S_IFREG:
    r = copy_file(src_dir, dst_dir, name);
    break;
  case S_IFLNK:
    n = readlinkat(src_dir, name, target, sizeof(target) - 1);
    if (n >= 0)
      target[n] = '\0';
    r = n < 0 || symlinkat(target, dst_dir, name) < 0 ? -errno : 0;
    break;
  default:
    r = mknodat(dst_dir, name, st->st_mode, st->st_rdev) < 0 ? -errno : 0;
  }
  if (r == 0 && fchownat(dst_dir, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
    r = -errno;
  if (r == 0 && !S_ISLNK(st->st_mode) && fchmodat(dst_dir, name, st->st_mode & 07777, 0) < 0)
    r = -errno;
  if (r < 0 && failed[0] == '\0')
    snprintf(failed, size, "%s", name);
  return r;
}

/* Copy the directory the tmpfs covers into it (tmpcopyup), the way the image had it. */
int berth_copy_tree(int src_dir, int dst_dir, int depth, char *failed, size_t size) {
  if (depth > COPYUP_MAX_DEPTH)
    return -ELOOP;
  int fd = openat(src_dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  _cleanup_closedir_ DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
  if (dir == NULL) {
    int r = -errno;
    if (fd >= 0)
      close(fd);
    return r;
  }
  struct dirent *de;
  while ((errno = 0, de = readdir(dir)) != NULL) {
    struct stat st;
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
      continue;
    if (fstatat(src_dir, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
      return -errno;
    int r = copy_entry(src_dir, dst_dir, de->d_name, &st, depth, failed, size);
    if (r < 0)
      return r;
  }
  return -errno;
}
