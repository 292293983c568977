/* SPDX-License-Identifier: Apache-2.0 */
#include "procfs.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "util.h"

/* The inode number of every procfs root directory (the kernel's PROC_ROOT_INO). */
#define PROC_ROOT_INO 1

static bool on_procfs(int fd) {
  struct statfs st;
  return fstatfs(fd, &st) == 0 && st.f_type == PROC_SUPER_MAGIC;
}

/* /proc itself must be the root of a procfs: a bind of some procfs directory (/proc/1/task)
 * over /proc would be procfs, but not the tree the path means. */
static int open_proc_root(struct berth_error *err) {
  _cleanup_close_ int fd = open("/proc", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) < 0)
    return berth_error(err, errno, "open /proc");
  if (!on_procfs(fd) || st.st_ino != PROC_ROOT_INO)
    return berth_error(err, EXDEV, "/proc is not a procfs mount");
  return take_fd(&fd);
}

/* Below the procfs root, crossing no mount (RESOLVE_NO_XDEV: a bind or tmpfs over
 * /proc/sys/... fails here), following no magic link and never leaving /proc. Kernels before
 * 5.6 have no openat2: there the last component at least is not followed, and the fstatfs of
 * the result still proves procfs. */
static int open_below(int root, const char *path, struct berth_error *err) {
  struct open_how how = {
      .flags = O_WRONLY | O_TRUNC | O_CLOEXEC,
      .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
  };
  int fd = (int)syscall(SYS_openat2, root, path, &how, sizeof(how));
  if (fd < 0 && errno == ENOSYS)
    fd = openat(root, path, O_WRONLY | O_TRUNC | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && errno == EXDEV)
    return berth_error(err, EXDEV, "/proc/%s: a mount covers it (not the container's procfs)",
                       path);
  if (fd < 0)
    return berth_error(err, errno, "open /proc/%s", path);
  if (!on_procfs(fd)) {
    close(fd);
    return berth_error(err, EXDEV, "/proc/%s is not on procfs", path);
  }
  return fd;
}

int berth_procfs_write(const char *path, const char *data, struct berth_error *err) {
  _cleanup_close_ int root = open_proc_root(err);
  if (root < 0)
    return root;
  _cleanup_close_ int fd = open_below(root, path, err);
  if (fd < 0)
    return fd;
  int r = write_all(fd, data, strlen(data));
  return r < 0 ? berth_error(err, -r, "write /proc/%s", path) : 0;
}
