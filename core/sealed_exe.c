/* SPDX-License-Identifier: Apache-2.0 */
#include "sealed_exe.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "cleanup.h"

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

/* -errno when this host or caller cannot have it; the memfd copy is used then. */
static int readonly_bind(void) {
  struct statvfs st;
  if (statvfs("/proc/self/exe", &st) == 0 && (st.f_flag & ST_NOEXEC))
    return -ENOEXEC;
  _cleanup_close_ int tree =
      open_tree(AT_FDCWD, "/proc/self/exe", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (tree < 0)
    return -errno;
  struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
  if (mount_setattr(tree, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
    return -errno;
  return take_fd(&tree);
}

static int sealed_memfd(struct berth_error *err) {
  _cleanup_close_ int exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (exe < 0)
    return berth_error(err, errno, "open /proc/self/exe");
  struct stat st;
  if (fstat(exe, &st) < 0)
    return berth_error(err, errno, "stat /proc/self/exe");
  _cleanup_close_ int memfd = memfd_create("berth", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (memfd < 0)
    return berth_error(err, errno, "memfd_create");
  for (off_t done = 0; done < st.st_size;) {
    ssize_t n = sendfile(memfd, exe, NULL, (size_t)(st.st_size - done));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return berth_error(err, n < 0 ? errno : EIO, "copy /proc/self/exe to memfd");
    done += n;
  }
  if (fcntl(memfd, F_ADD_SEALS, SEALS) < 0)
    return berth_error(err, errno, "seal the memfd copy of berth");
  return take_fd(&memfd);
}

int berth_sealed_exe(struct berth_error *err) {
  int fd = readonly_bind();
  return fd >= 0 ? fd : sealed_memfd(err);
}
