/* SPDX-License-Identifier: Apache-2.0 */
#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cleanup.h"
#include "devices.h"
#include "json_util.h"
#include "mounts.h"
#include "phase.h"
#include "safe_path.h"

/* ---- before pivot ---- */

/* linux.namespaces lists type (joined by path or new: either way not the host's). */
static bool has_namespace(json_object *spec, const char *type) {
  json_object *namespaces = json_get_array(json_get(spec, "linux"), "namespaces");
  size_t n = namespaces != NULL ? json_object_array_length(namespaces) : 0;
  for (size_t i = 0; i < n; i++) {
    const char *t = json_get_str(json_object_array_get_idx(namespaces, i), "type");
    if (t != NULL && strcmp(t, type) == 0)
      return true;
  }
  return false;
}

static int root_propagation(json_object *spec, unsigned long *flag, struct berth_error *err) {
  const char *name = json_get_str(json_get(spec, "linux"), "rootfsPropagation");
  *flag = MS_SLAVE | MS_REC;
  if (name != NULL && !berth_propagation_parse(name, flag))
    return berth_error(err, EINVAL, "linux.rootfsPropagation: unknown value \"%s\"", name);
  return 0;
}

/* The mountinfo entry of the mount holding fd: by mount id (Linux 5.8), else the longest
 * mount point that prefixes path. */
static const struct berth_mountinfo *mount_of(const struct berth_mountinfo *table, size_t n, int fd,
                                              const char *path) {
  struct statx stx;
  const struct berth_mountinfo *best = NULL;
  bool by_id =
      statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) == 0 && (stx.stx_mask & STATX_MNT_ID);
  for (size_t i = 0; i < n; i++) {
    const struct berth_mountinfo *e = &table[i];
    size_t len = strlen(e->mountpoint);
    if (by_id && (uint64_t)e->id == stx.stx_mnt_id)
      best = e;
    else if (!by_id && strncmp(path, e->mountpoint, len) == 0 &&
             (path[len] == '/' || path[len] == '\0' || len == 1) &&
             (best == NULL || len >= strlen(best->mountpoint)))
      best = e;
  }
  return best;
}

/* The rootfs's own bind below must not propagate to the host's peers, and pivot_root refuses
 * a new root whose parent mount is shared: make the mount holding rootfs private (runc's
 * rootfsParentMountPrivate). */
static int make_parent_private(const char *rootfs, int rootfs_fd, struct berth_error *err) {
  struct berth_mountinfo *table = NULL;
  size_t n = 0;
  if (berth_mountinfo_read(&table, &n, err) < 0)
    return berth_error_prefix(err, "rootfs %s", rootfs);
  const struct berth_mountinfo *e = mount_of(table, n, rootfs_fd, rootfs);
  int r = 0;
  if (e != NULL && e->shared && mount(NULL, e->mountpoint, NULL, MS_PRIVATE, NULL) < 0)
    r = berth_error(err, errno, "rootfs %s: make its parent mount %s private", rootfs,
                    e->mountpoint);
  berth_mountinfo_free(table, n);
  return r;
}

/* Returns the O_PATH fd of the rootfs's self bind mount. */
static int prepare_root(json_object *spec, const char *rootfs, struct berth_error *err) {
  unsigned long propagation;
  char buf[64];
  if (root_propagation(spec, &propagation, err) < 0)
    return -err->code;
  /* An unbindable tree would refuse the rootfs's bind onto itself: keep it rslave until
   * berth_rootfs_finish makes the new root unbindable. */
  if (propagation & MS_UNBINDABLE)
    propagation = MS_SLAVE | MS_REC;
  if (mount(NULL, "/", NULL, propagation, NULL) < 0)
    return berth_error(err, errno, "make the mount tree %s",
                       berth_mount_flags_string(propagation, buf, sizeof(buf)));
  _cleanup_close_ int fd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return berth_error(err, errno, "rootfs %s", rootfs);
  if (make_parent_private(rootfs, fd, err) < 0)
    return -err->code;
  /* pivot_root needs the new root to be a mount point. */
  if (berth_bind_fd(fd, fd, MS_REC) < 0)
    return berth_error(err, errno, "rootfs %s: bind it onto itself", rootfs);
  int root = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  return root >= 0 ? root : berth_error(err, errno, "rootfs %s", rootfs);
}

/* After a mount over the rootfs (destination "/"), the later ones go on top of it: the old
 * fd names the covered directory. */
static int reopen_rootfs(const char *rootfs, int old_fd, struct berth_error *err) {
  close(old_fd);
  int fd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  return fd >= 0 ? fd : berth_error(err, errno, "rootfs %s: reopen after a mount on /", rootfs);
}

int berth_rootfs_mount(json_object *spec, const char *rootfs,
                       const struct berth_mount_sources *sources, const char *label_option,
                       struct berth_error *err) {
  uint64_t t = berth_phase_begin();
  _cleanup_close_ int root_fd = prepare_root(spec, rootfs, err);
  if (root_fd < 0)
    return root_fd;
  berth_phase_end(t, "rootfs prepare");
  struct berth_mount_context ctx = {
      .root_fd = root_fd,
      .rootfs = rootfs,
      .netns = has_namespace(spec, "network"),
      .cgroupns = has_namespace(spec, "cgroup"),
      .ipcns = has_namespace(spec, "ipc"),
      .userns = has_namespace(spec, "user"),
      .sources = sources,
      .label_option = label_option,
  };
  json_object *mounts = json_get_array(spec, "mounts");
  size_t n = mounts != NULL ? json_object_array_length(mounts) : 0;
  for (size_t i = 0; i < n; i++) {
    json_object *mount = json_object_array_get_idx(mounts, i);
    t = berth_phase_begin();
    if (berth_mount_one(&ctx, mount, i, err) < 0)
      return -err->code;
    if (berth_mount_is_root(json_get_str(mount, "destination")) &&
        (ctx.root_fd = root_fd = reopen_rootfs(rootfs, root_fd, err)) < 0)
      return root_fd;
    berth_phase_end(t, "mount %s", json_get_str(mount, "destination"));
  }
  t = berth_phase_begin();
  int r = berth_devices_create(spec, root_fd, ctx.userns, err);
  if (r == 0)
    berth_phase_end(t, "devices");
  return r;
}

/* ---- pivot ---- */

/* pivot_root(".", ".") stacks the old root on top of the new one at the same place (no
 * put_old directory needed, so a read-only rootfs works); cwd (fchdir to the old root) then
 * names the upper one, which is detached after making it rslave so that the unmount does not
 * propagate to the host. */
static int pivot(const char *rootfs, struct berth_error *err) {
  _cleanup_close_ int old_root = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  _cleanup_close_ int new_root = open(rootfs, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (old_root < 0 || new_root < 0)
    return berth_error(err, errno, "pivot_root: open %s", old_root < 0 ? "/" : rootfs);
  if (fchdir(new_root) < 0)
    return berth_error(err, errno, "pivot_root: chdir %s", rootfs);
  if (syscall(SYS_pivot_root, ".", ".") < 0)
    return berth_error(err, errno, "pivot_root %s", rootfs);
  if (fchdir(old_root) < 0)
    return berth_error(err, errno, "pivot_root: chdir to the old root");
  if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
    return berth_error(err, errno, "pivot_root: make the old root rslave");
  if (umount2(".", MNT_DETACH) < 0)
    return berth_error(err, errno, "pivot_root: detach the old root");
  return 0;
}

/* Without pivot_root the host's mounts stay below the new root; a full proc or sysfs there
 * would stay reachable through other mounts' "..", so detach them first, or cover them with a
 * tmpfs where detaching is not permitted (runc's msMoveRoot). */
static int hide_host_proc_sys(const char *rootfs, struct berth_error *err) {
  struct berth_mountinfo *table = NULL;
  size_t n = 0, len = strlen(rootfs);
  if (berth_mountinfo_read(&table, &n, err) < 0)
    return -err->code;
  int r = 0;
  for (size_t i = 0; i < n && r == 0; i++) {
    const struct berth_mountinfo *e = &table[i];
    if (strcmp(e->root, "/") != 0 ||
        (strcmp(e->fstype, "proc") != 0 && strcmp(e->fstype, "sysfs") != 0) ||
        (strncmp(e->mountpoint, rootfs, len) == 0 &&
         (e->mountpoint[len] == '/' || e->mountpoint[len] == '\0')))
      continue;
    if (mount(NULL, e->mountpoint, NULL, MS_SLAVE | MS_REC, NULL) < 0)
      continue; /* already gone with an earlier detach */
    if (umount2(e->mountpoint, MNT_DETACH) < 0 &&
        mount("tmpfs", e->mountpoint, "tmpfs", MS_RDONLY, NULL) < 0)
      r = berth_error(err, errno, "no_pivot: hide %s", e->mountpoint);
  }
  berth_mountinfo_free(table, n);
  return r;
}

static int move_root(const char *rootfs, struct berth_error *err) {
  char real[PATH_MAX];
  if (realpath(rootfs, real) == NULL)
    return berth_error(err, errno, "rootfs %s", rootfs);
  if (hide_host_proc_sys(real, err) < 0)
    return -err->code;
  if (chdir(real) < 0)
    return berth_error(err, errno, "chdir %s", real);
  if (mount(real, "/", NULL, MS_MOVE, NULL) < 0)
    return berth_error(err, errno, "no_pivot: move %s onto /", real);
  if (chroot(".") < 0)
    return berth_error(err, errno, "no_pivot: chroot %s", real);
  return 0;
}

int berth_rootfs_pivot(const char *rootfs, bool no_pivot, struct berth_error *err) {
  int r = no_pivot ? move_root(rootfs, err) : pivot(rootfs, err);
  if (r < 0)
    return r;
  if (chdir("/") < 0)
    return berth_error(err, errno, "chdir /");
  return 0;
}

/* ---- without a mount namespace ---- */

bool berth_rootfs_shares_host_mount_namespace(json_object *spec) {
  return !has_namespace(spec, "mount");
}

int berth_rootfs_scratch_enter(int *host_mntns, struct berth_error *err) {
  *host_mntns = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
  if (*host_mntns < 0)
    return berth_error(err, errno, "no mount namespace: open /proc/self/ns/mnt");
  if (unshare(CLONE_NEWNS) < 0) {
    int saved = errno;
    closep(host_mntns);
    *host_mntns = -1;
    return berth_error(err, saved, "no mount namespace: unshare a scratch mount namespace");
  }
  return 0;
}

/* The copy is made private first, so that nothing propagates into or out of it; the scratch
 * namespace, left by its only process, then goes with every mount in it. Closing the copy's fd
 * (at execve) dissolves its mount namespace but leaves its mounts connected under our root
 * (the kernel's dissolve_on_fput, UMOUNT_CONNECTED), and ".." stops at its top: there is no
 * host mount above it to climb to. */
int berth_rootfs_scratch_leave(int host_mntns, struct berth_error *err) {
  if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
    return berth_error(err, errno, "no mount namespace: make the container's root rprivate");
  _cleanup_close_ int tree =
      open_tree(AT_FDCWD, "/", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
  if (tree < 0)
    return berth_error(err, errno, "no mount namespace: copy the container's root (open_tree)");
  if (setns(host_mntns, CLONE_NEWNS) < 0)
    return berth_error(err, errno, "no mount namespace: return to the runtime's (setns)");
  if (fchdir(tree) < 0 || chroot(".") < 0 || chdir("/") < 0)
    return berth_error(err, errno, "no mount namespace: enter the copy of the container's root");
  return 0;
}

/* ---- after pivot ---- */

/* A bind remount sets the per-mount flags to exactly what it is given: keep nosuid, nodev,
 * noexec and the atime setting that the mount has (in a user namespace they may be locked). */
static int remount_read_only(int fd, struct berth_error *err) {
  int r = berth_set_readonly(fd);
  if (r != -ENOSYS)
    return r < 0 ? berth_error(err, -r, "make read-only") : 0;
  struct statfs st;
  if (fstatfs(fd, &st) < 0)
    return berth_error(err, errno, "statfs");
  unsigned long keep = 0;
  keep |= st.f_flags & ST_NOSUID ? MS_NOSUID : 0;
  keep |= st.f_flags & ST_NODEV ? MS_NODEV : 0;
  keep |= st.f_flags & ST_NOEXEC ? MS_NOEXEC : 0;
  keep |= st.f_flags & ST_NOATIME ? MS_NOATIME : 0;
  keep |= st.f_flags & ST_NODIRATIME ? MS_NODIRATIME : 0;
  keep |= st.f_flags & ST_RELATIME ? MS_RELATIME : 0;
  return berth_bind_remount(fd, MS_RDONLY | keep, 0, err);
}

/* mounts for /dev with "ro": mounted writable (mounts.c) so that the devices, /dev/pts,
 * /dev/shm, /dev/mqueue and the console could go in, read-only now as in runc's
 * finalizeRootfs. The last /dev entry is the one in view. */
static int dev_read_only(json_object *spec, int root_fd, struct berth_error *err) {
  json_object *mounts = json_get_array(spec, "mounts");
  size_t n = mounts != NULL ? json_object_array_length(mounts) : 0, last = n;
  for (size_t i = 0; i < n; i++)
    if (berth_mount_is_dev(json_get_str(json_object_array_get_idx(mounts, i), "destination")))
      last = i;
  if (last == n)
    return 0;
  struct berth_mount_options opts;
  json_object *options = json_get_array(json_object_array_get_idx(mounts, last), "options");
  if (berth_mount_options_parse(options, &opts, err) < 0)
    return berth_error_prefix(err, "mounts[%zu] (/dev)", last);
  bool ro = opts.flags & MS_RDONLY;
  berth_mount_options_clear(&opts);
  if (!ro)
    return 0;
  _cleanup_close_ int fd = berth_safe_open(root_fd, "/dev", 0, err);
  if (fd < 0 || remount_read_only(fd, err) < 0)
    return berth_error_prefix(err, "mounts[%zu] (/dev)", last);
  return 0;
}

/* Open a readonly/masked path inside the new root into *fd; -1 there when it does not exist. */
static int open_listed_path(int root_fd, const char *field, size_t i, const char *path, int *fd,
                            struct berth_error *err) {
  *fd = berth_safe_open(root_fd, path, 0, err);
  if (*fd == -ENOENT) {
    berth_error_clear(err);
    *fd = -1;
    return 0;
  }
  return *fd >= 0 ? 0 : berth_error_prefix(err, "linux.%s[%zu] (%s)", field, i, path);
}

static int readonly_path(int root_fd, size_t i, const char *path, struct berth_error *err) {
  _cleanup_close_ int fd = -1;
  int r = open_listed_path(root_fd, "readonlyPaths", i, path, &fd, err);
  if (r < 0 || fd < 0)
    return r;
  r = berth_bind_readonly(fd);
  if (r != -ENOSYS)
    return r < 0 ? berth_error(err, -r, "linux.readonlyPaths[%zu] (%s): bind read-only", i, path)
                 : 0;
  /* Before Linux 5.12: bind, then remount (through /proc/self/fd). */
  if (berth_bind_fd(fd, fd, MS_REC) < 0)
    return berth_error(err, errno, "linux.readonlyPaths[%zu] (%s): bind", i, path);
  _cleanup_close_ int mnt = berth_mount_reopen(root_fd, path, fd, err);
  if (mnt < 0 || remount_read_only(mnt, err) < 0)
    return berth_error_prefix(err, "linux.readonlyPaths[%zu] (%s)", i, path);
  return 0;
}

/* The /dev/null that masks files must be the null device: an image could have put anything
 * at /dev/null (runc CVE-2025-31133). */
static int open_dev_null(int root_fd, struct berth_error *err) {
  _cleanup_close_ int fd = berth_safe_open(root_fd, "/dev/null", 0, err);
  struct stat st;
  if (fd < 0)
    return berth_error_prefix(err, "linux.maskedPaths");
  if (fstat(fd, &st) < 0)
    return berth_error(err, errno, "linux.maskedPaths: stat /dev/null");
  if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
    return berth_error(err, EPERM, "linux.maskedPaths: /dev/null is not the null device (1:3)");
  return take_fd(&fd);
}

static int masked_path(int root_fd, int *dev_null, size_t i, const char *path,
                       const char *label_option, struct berth_error *err) {
  _cleanup_close_ int fd = -1;
  struct stat st;
  int r = open_listed_path(root_fd, "maskedPaths", i, path, &fd, err);
  if (r < 0 || fd < 0)
    return r;
  if (fstat(fd, &st) < 0)
    return berth_error(err, errno, "linux.maskedPaths[%zu] (%s): stat", i, path);
  if (S_ISDIR(st.st_mode)) {
    /* Labelled as the container's other tmpfs mounts, as runc's maskPath. */
    if (berth_mount_on_fd("tmpfs", fd, "tmpfs", MS_RDONLY, label_option) < 0)
      return berth_error(err, errno, "linux.maskedPaths[%zu] (%s): mount tmpfs", i, path);
    return 0;
  }
  if (*dev_null < 0 && (*dev_null = open_dev_null(root_fd, err)) < 0)
    return *dev_null;
  if (berth_bind_fd(*dev_null, fd, 0) < 0)
    return berth_error(err, errno, "linux.maskedPaths[%zu] (%s): bind /dev/null", i, path);
  return 0;
}

static const char *path_at(json_object *paths, size_t i) {
  const char *p = json_object_get_string(json_object_array_get_idx(paths, i));
  return p != NULL ? p : "";
}

static int protect_paths(json_object *spec, int root_fd, const char *label_option,
                         struct berth_error *err) {
  json_object *linux_obj = json_get(spec, "linux");
  json_object *readonly = json_get_array(linux_obj, "readonlyPaths");
  json_object *masked = json_get_array(linux_obj, "maskedPaths");
  size_t n_readonly = readonly != NULL ? json_object_array_length(readonly) : 0;
  size_t n_masked = masked != NULL ? json_object_array_length(masked) : 0;
  for (size_t i = 0; i < n_readonly; i++)
    if (readonly_path(root_fd, i, path_at(readonly, i), err) < 0)
      return -err->code;
  _cleanup_close_ int dev_null = -1;
  for (size_t i = 0; i < n_masked; i++)
    if (masked_path(root_fd, &dev_null, i, path_at(masked, i), label_option, err) < 0)
      return -err->code;
  return 0;
}

int berth_rootfs_finish(json_object *spec, const char *label_option, struct berth_error *err) {
  unsigned long propagation;
  char buf[64];
  _cleanup_close_ int root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root_fd < 0)
    return berth_error(err, errno, "open /");
  if (root_propagation(spec, &propagation, err) < 0)
    return -err->code;
  if (json_get_bool(json_get(spec, "root"), "readonly", false) &&
      remount_read_only(root_fd, err) < 0)
    return berth_error_prefix(err, "root.readonly");
  if (dev_read_only(spec, root_fd, err) < 0 || protect_paths(spec, root_fd, label_option, err) < 0)
    return -err->code;
  /* Shared and unbindable only now: a shared root would have made pivot_root fail, an
   * unbindable one the rootfs's self bind. */
  if ((propagation & (MS_SHARED | MS_UNBINDABLE)) && mount(NULL, "/", NULL, propagation, NULL) < 0)
    return berth_error(err, errno, "linux.rootfsPropagation: make / %s",
                       berth_mount_flags_string(propagation, buf, sizeof(buf)));
  return 0;
}

/* ---- the process's cwd ---- */

/* A cwd reached through an fd that leaked from the host (process.cwd "/proc/self/fd/N",
 * runc CVE-2024-21626) lies outside the root: the kernel's getcwd then has no path below the
 * root to give ("(unreachable)/...", which glibc reports as ENOENT). */
int berth_rootfs_check_cwd(const char *cwd, struct berth_error *err) {
  char buf[PATH_MAX];
  const char *p = getcwd(buf, sizeof(buf));
  if (p == NULL && errno != ENOENT)
    return berth_error(err, errno, "process.cwd %s: getcwd", cwd);
  if (p == NULL || p[0] != '/')
    return berth_error(err, EPERM, "process.cwd %s: outside the container's root", cwd);
  return 0;
}
