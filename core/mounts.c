/* SPDX-License-Identifier: Apache-2.0 */
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
#include "mount_idmap.h"
#include "mount_label.h"
#include "mount_sources.h"
#include "safe_path.h"
#include "util.h"

static int fail_mount(const struct berth_mount_entry *m, const char *what,
                      struct berth_error *err) {
  return berth_error(err, errno, "mount %s on %s (mounts[%zu])", what, m->destination, m->index);
}

static int fail_step(const struct berth_mount_entry *m, struct berth_error *err) {
  return berth_error_prefix(err, "mount %s (mounts[%zu])", m->destination, m->index);
}

/* runc's checkProcMount (CVE-2019-16884 and friends): a mount over /proc/self/attr or /proc/sys
 * would disarm the LSM and sysctl writes that come later. Only a procfs may cover /proc, and
 * below it only the files that lxcfs emulates. */
static int check_proc_destination(const struct berth_mount_entry *m, const char *resolved,
                                  int src_fd, struct berth_error *err) {
  static const char *const lxcfs_files[] = {
      "/proc/cpuinfo", "/proc/diskstats",
      "/proc/meminfo", "/proc/stat",
      "/proc/swaps",   "/proc/uptime",
      "/proc/loadavg", "/proc/slabinfo",
      "/proc/net/dev", "/proc/sys/kernel/ns_last_pid",
  };
  if (strncmp(resolved, "/proc", 5) != 0 || (resolved[5] != '\0' && resolved[5] != '/'))
    return 0;
  if (resolved[5] == '\0') {
    struct statfs st;
    bool is_proc = m->type != NULL && strcmp(m->type, "proc") == 0 && src_fd < 0;
    if (is_proc || (src_fd >= 0 && fstatfs(src_fd, &st) == 0 && st.f_type == PROC_SUPER_MAGIC))
      return 0;
    return berth_error(err, EPERM, "mounts[%zu] (%s): /proc can only be covered by a procfs",
                       m->index, m->destination);
  }
  for (size_t i = 0; i < ARRAY_SIZE(lxcfs_files); i++)
    if (strcmp(resolved, lxcfs_files[i]) == 0)
      return 0;
  return berth_error(err, EPERM, "mounts[%zu] (%s): %s is inside /proc", m->index, m->destination,
                     resolved);
}

static int open_destination(const struct berth_mount_context *ctx,
                            const struct berth_mount_entry *m, int flags, int src_fd,
                            struct berth_error *err) {
  _cleanup_free_ char *resolved = NULL;
  _cleanup_close_ int fd = berth_safe_resolve(ctx->root_fd, m->destination, flags, &resolved, err);
  if (fd < 0)
    return berth_error_prefix(err, "mount %s (mounts[%zu]): destination", m->destination, m->index);
  int r = check_proc_destination(m, resolved, src_fd, err);
  return r < 0 ? r : take_fd(&fd);
}

bool berth_mount_is_root(const char *destination) {
  return destination != NULL && *destination == '/' &&
         destination[strspn(destination, "/")] == '\0';
}

/* A mount over the rootfs itself is not below root_fd (which names what it covers): the
 * rootfs's path leads onto it. runc mounts such a bind over the rootfs too. */
static int reopen_root(const struct berth_mount_context *ctx, const struct berth_mount_entry *m,
                       struct berth_error *err) {
  int fd = open(ctx->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return berth_error(err, errno, "mount %s (mounts[%zu]): reopen the rootfs %s", m->destination,
                       m->index, ctx->rootfs);
  return fd;
}

static int reopen(const struct berth_mount_context *ctx, const struct berth_mount_entry *m,
                  int old_fd, struct berth_error *err) {
  if (berth_mount_is_root(m->destination) && ctx->rootfs != NULL)
    return reopen_root(ctx, m, err);
  int fd = berth_mount_reopen(ctx->root_fd, m->destination, old_fd, err);
  return fd < 0 ? fail_step(m, err) : fd;
}

/* A remount makes only the top of an rbind read-only. A read-only rbind of the host's /sys
 * (what `spec --rootless` makes, without a cgroup namespace) would leave the cgroup
 * hierarchies below it writable: the user's own cgroups on the host (runc CVE-2023-25809).
 * Kernels before 5.12 lack mount_setattr: there the top stays the only read-only one. */
static int sysfs_read_only_below(int fd, unsigned long flags) {
  struct statfs st;
  if ((flags & (MS_REC | MS_RDONLY)) != (MS_REC | MS_RDONLY) || fstatfs(fd, &st) < 0 ||
      st.f_type != SYSFS_MAGIC)
    return 0;
  struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
  if (mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0 &&
      errno != ENOSYS)
    return -1;
  return 0;
}

/* Bind source (relative to the bundle, init's cwd) onto the destination, then apply the other
 * flags with a second MS_REMOUNT|MS_BIND call: the kernel ignores them on the first. */
/* The entry's own source as the runtime opened it when it did (mount_sources.h), else here. */
static int open_source(const struct berth_mount_context *ctx, const struct berth_mount_entry *m,
                       const char *source) {
  const struct berth_mount_sources *s = ctx->sources;
  if (source == m->source && s != NULL && m->index < s->n && s->fds[m->index] >= 0)
    return fcntl(s->fds[m->index], F_DUPFD_CLOEXEC, 3);
  return open(source, O_PATH | O_CLOEXEC);
}

/* The detached, id-mapped tree that the runtime made for the entry (mount_idmap.h): we may not
 * make it ourselves, so without it, the runtime's reason. */
static int idmapped_tree(const struct berth_mount_context *ctx, const struct berth_mount_entry *m,
                         struct berth_error *err) {
  const struct berth_mount_sources *s = ctx->sources;
  if (s != NULL && m->index < s->n && s->fds[m->index] >= 0) {
    int fd = fcntl(s->fds[m->index], F_DUPFD_CLOEXEC, 3);
    return fd >= 0 ? fd
                   : berth_error(err, errno, "mount %s (mounts[%zu]): id-mapped tree",
                                 m->destination, m->index);
  }
  const char *why = s == NULL || m->index >= s->n ? "the runtime made none"
                    : s->errors[m->index] != NULL ? s->errors[m->index]
                    : s->error != NULL            ? s->error
                                                  : "the runtime made none";
  return berth_error(err, 0, "mount %s on %s (mounts[%zu]): id-mapped: %s", m->source,
                     m->destination, m->index, why);
}

/* A detached tree is attached by moving it; a source fd is bound. */
static int attach(const struct berth_mount_entry *m, int src, int dst, unsigned long flags) {
  if (m->idmapped)
    return move_mount(src, "", dst, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
  return berth_bind_fd(src, dst, flags) < 0 ? -1 : 0;
}

static int mount_bind(const struct berth_mount_context *ctx, const struct berth_mount_entry *m,
                      const char *source, unsigned long flags, struct berth_error *err) {
  _cleanup_close_ int src = m->idmapped ? idmapped_tree(ctx, m, err) : open_source(ctx, m, source);
  struct stat st;
  if (src < 0 && m->idmapped)
    return src;
  if (src < 0 || fstat(src, &st) < 0)
    return berth_error(err, errno, "mount %s on %s (mounts[%zu]): source", source, m->destination,
                       m->index);
  int create = S_ISDIR(st.st_mode) ? BERTH_SAFE_MKDIR : BERTH_SAFE_MKFILE;
  _cleanup_close_ int dst = open_destination(ctx, m, create, src, err);
  if (dst < 0)
    return dst;
  if (attach(m, src, dst, flags) < 0)
    return fail_mount(m, source, err);
  _cleanup_close_ int fd = reopen(ctx, m, dst, err);
  if (fd < 0)
    return fd;
  if ((flags & ~(MS_BIND | MS_REC | MS_REMOUNT)) || m->opts.cleared) {
    if (berth_bind_remount(fd, flags, m->opts.cleared, err) < 0)
      return berth_error_prefix(err, "mount %s on %s (mounts[%zu])", source, m->destination,
                                m->index);
  }
  if (sysfs_read_only_below(fd, flags) < 0)
    return berth_error(err, errno, "mount %s on %s (mounts[%zu]): make the mounts below read-only",
                       source, m->destination, m->index);
  return take_fd(&fd);
}

/* *data: the entry's data with linux.mountLabel's option when this filesystem takes it
 * (*owned is then the string to free), else the data as it is. */
static int labelled_data(const struct berth_mount_context *ctx, const struct berth_mount_entry *m,
                         const char *fstype, const char **data, char **owned,
                         struct berth_error *err) {
  *data = m->opts.data;
  *owned = NULL;
  if (ctx->label_option == NULL || !berth_mount_takes_label(fstype, false))
    return 0;
  if ((*owned = berth_mount_label_data(m->opts.data, ctx->label_option)) == NULL)
    return berth_error(err, ENOMEM, "mount %s on %s (mounts[%zu]): linux.mountLabel", fstype,
                       m->destination, m->index);
  *data = *owned;
  return 0;
}

/* A fresh filesystem (proc, sysfs, devpts, mqueue, anything else) with its data string. */
static int mount_filesystem(const struct berth_mount_context *ctx,
                            const struct berth_mount_entry *m, int safe_flags,
                            struct berth_error *err) {
  _cleanup_close_ int dst = open_destination(ctx, m, BERTH_SAFE_MKDIR | safe_flags, -1, err);
  if (dst < 0)
    return dst;
  const char *source = m->source != NULL && *m->source ? m->source : m->type;
  _cleanup_free_ char *labelled = NULL;
  const char *data;
  if (labelled_data(ctx, m, m->type, &data, &labelled, err) < 0)
    return -ENOMEM;
  if (berth_mount_on_fd(source, dst, m->type, m->opts.flags, data) < 0)
    return fail_mount(m, m->type, err);
  /* A remount changes the mount that is already there: no new mount to find. */
  if (m->opts.flags & MS_REMOUNT)
    return take_fd(&dst);
  _cleanup_close_ int fd = reopen(ctx, m, dst, err);
  if (fd < 0)
    return fd;
  if (berth_mount_label_root(fd, m->type, ctx->label_option, err) < 0)
    return berth_error_prefix(err, "mount %s on %s (mounts[%zu]): linux.mountLabel", m->type,
                              m->destination, m->index);
  return take_fd(&fd);
}

/* Without its own IPC namespace an unprivileged (user namespace) init may not mount mqueue;
 * runc then binds the host's /dev/mqueue. */
static int mount_mqueue(const struct berth_mount_context *ctx, const struct berth_mount_entry *m,
                        struct berth_error *err) {
  int fd = mount_filesystem(ctx, m, 0, err);
  if (fd != -EPERM || ctx->ipcns || access("/dev/mqueue", F_OK) < 0)
    return fd;
  berth_error_clear(err);
  return mount_bind(ctx, m, "/dev/mqueue", m->opts.flags | MS_BIND | MS_REC, err);
}

/* ---- tmpfs and tmpcopyup ---- */

/* runc gives the tmpfs root the mode of the directory it covers (an image's 1777 /tmp stays
 * 1777) unless mode= says otherwise. The tmpfs is mounted writable so that the chmod and the
 * copy work, and made read-only afterwards when asked. */
static int finish_tmpfs(const struct berth_mount_entry *m, int fd, int old_dir,
                        const struct stat *before, struct berth_error *err) {
  struct berth_fd_path path;
  bool has_mode = m->opts.data != NULL && (strncmp(m->opts.data, "mode=", 5) == 0 ||
                                           strstr(m->opts.data, ",mode=") != NULL);
  if (before != NULL && !has_mode && chmod(berth_fd_path(&path, fd), before->st_mode & 07777) < 0)
    return berth_error(err, errno, "mount tmpfs on %s (mounts[%zu]): chmod", m->destination,
                       m->index);
  if (m->opts.tmpcopyup && old_dir >= 0) {
    char failed[256] = "";
    _cleanup_close_ int dst = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int r = dst < 0 ? -errno : berth_copy_tree(old_dir, dst, 0, failed, sizeof(failed));
    if (r < 0)
      return berth_error(err, -r, "mount tmpfs on %s (mounts[%zu]): tmpcopyup %s", m->destination,
                         m->index, failed);
  }
  if ((m->opts.flags & MS_RDONLY) && berth_bind_remount(fd, m->opts.flags, 0, err) < 0)
    return fail_step(m, err);
  return 0;
}

static int mount_tmpfs(const struct berth_mount_context *ctx, const struct berth_mount_entry *m,
                       struct berth_error *err) {
  /* "remount" changes the tmpfs already mounted there (runc): no new root to chmod or fill,
   * and its read-only flag goes with the remount itself. */
  if (m->opts.flags & MS_REMOUNT)
    return mount_filesystem(ctx, m, 0, err);
  struct stat before;
  _cleanup_close_ int dst = open_destination(ctx, m, 0, -1, err);
  bool existed = dst >= 0 && fstat(dst, &before) == 0;
  if (dst == -ENOENT) {
    berth_error_clear(err);
    dst = open_destination(ctx, m, BERTH_SAFE_MKDIR, -1, err);
  }
  if (dst < 0)
    return dst;
  _cleanup_close_ int old_dir = -1;
  if (m->opts.tmpcopyup && existed && S_ISDIR(before.st_mode))
    old_dir = openat(dst, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  const char *source = m->source != NULL && *m->source ? m->source : "tmpfs";
  _cleanup_free_ char *labelled = NULL;
  const char *data;
  if (labelled_data(ctx, m, "tmpfs", &data, &labelled, err) < 0)
    return -ENOMEM;
  if (berth_mount_on_fd(source, dst, "tmpfs", m->opts.flags & ~MS_RDONLY, data) < 0)
    return fail_mount(m, "tmpfs", err);
  _cleanup_close_ int fd = reopen(ctx, m, dst, err);
  if (fd < 0)
    return fd;
  int r = finish_tmpfs(m, fd, old_dir, existed ? &before : NULL, err);
  return r < 0 ? r : take_fd(&fd);
}

/* ---- dispatch ---- */

/* Propagation and recursive attributes: each a call of its own after the mount exists. */
static int apply_after(const struct berth_mount_entry *m, int fd, struct berth_error *err) {
  char buf[64];
  for (size_t i = 0; i < m->opts.n_propagation; i++)
    if (berth_mount_on_fd(NULL, fd, NULL, m->opts.propagation[i], NULL) < 0)
      return berth_error(err, errno, "mount %s (mounts[%zu]): set propagation %s", m->destination,
                         m->index,
                         berth_mount_flags_string(m->opts.propagation[i], buf, sizeof(buf)));
  if (m->opts.attr_set == 0 && m->opts.attr_clr == 0)
    return 0;
  struct mount_attr attr = {.attr_set = m->opts.attr_set, .attr_clr = m->opts.attr_clr};
  if (mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
    return berth_error(err, errno,
                       "mount %s (mounts[%zu]): mount_setattr recursive (set 0x%llx, clear 0x%llx)",
                       m->destination, m->index, (unsigned long long)attr.attr_set,
                       (unsigned long long)attr.attr_clr);
  return 0;
}

static bool is_type(const struct berth_mount_entry *m, const char *type) {
  return m->type != NULL && strcmp(m->type, type) == 0;
}

static bool entry_is_bind(const struct berth_mount_entry *m) {
  return (m->opts.flags & MS_BIND) || is_type(m, "bind");
}

bool berth_mount_is_bind(json_object *mount) {
  struct berth_mount_entry m = {.type = json_get_str(mount, "type")};
  bool bind = berth_mount_options_parse(json_get_array(mount, "options"), &m.opts, NULL) == 0 &&
              entry_is_bind(&m);
  berth_mount_options_clear(&m.opts);
  return bind;
}

static int mount_by_type(const struct berth_mount_context *ctx, const struct berth_mount_entry *m,
                         struct berth_error *err) {
  if (entry_is_bind(m)) {
    if (m->source == NULL || *m->source == '\0')
      return berth_error(err, EINVAL, "mounts[%zu] (%s): a bind mount needs a source", m->index,
                         m->destination);
    return mount_bind(ctx, m, m->source, m->opts.flags | MS_BIND, err);
  }
  if (m->type == NULL || *m->type == '\0')
    return berth_error(err, EINVAL, "mounts[%zu] (%s): no type and not a bind mount", m->index,
                       m->destination);
  if (is_type(m, "cgroup"))
    return berth_mount_cgroup(ctx, m, err);
  /* A sysfs shows the network devices of the mounting process's netns: sharing the host's,
   * runc binds the host /sys rather than mounting a sysfs that the kernel would refuse to a
   * user namespace anyway. */
  if (is_type(m, "sysfs") && !ctx->netns)
    return mount_bind(ctx, m, "/sys", m->opts.flags | MS_BIND | MS_REC, err);
  if (is_type(m, "tmpfs"))
    return mount_tmpfs(ctx, m, err);
  if (is_type(m, "mqueue"))
    return mount_mqueue(ctx, m, err);
  if (is_type(m, "proc") || is_type(m, "sysfs"))
    return mount_filesystem(ctx, m, BERTH_SAFE_NOFOLLOW, err);
  return mount_filesystem(ctx, m, 0, err);
}

static int validate_entry(const struct berth_mount_entry *m, struct berth_error *err) {
  if (m->opts.tmpcopyup && !is_type(m, "tmpfs"))
    return berth_error(err, EINVAL, "mounts[%zu] (%s): tmpcopyup needs type tmpfs", m->index,
                       m->destination);
  /* runtime-spec 1.2: on Linux a relative destination is relative to the container's "/". */
  if (m->destination[0] != '/')
    berth_log(BERTH_LOG_DEBUG, "mounts[%zu] (%s): relative destination, taken from /", m->index,
              m->destination);
  return 0;
}

static void entry_clear(struct berth_mount_entry *m) {
  berth_mount_options_clear(&m->opts);
}

bool berth_mount_is_dev(const char *destination) {
  const char *p = destination;
  if (p == NULL)
    return false;
  while (*p == '/')
    p++;
  if (strncmp(p, "dev", 3) != 0)
    return false;
  for (p += 3; *p == '/'; p++)
    ;
  return *p == '\0';
}

int berth_mount_one(const struct berth_mount_context *ctx, json_object *mount, size_t index,
                    struct berth_error *err) {
  __attribute__((cleanup(entry_clear))) struct berth_mount_entry m = {
      .index = index,
      .destination = json_get_str(mount, "destination"),
      .type = json_get_str(mount, "type"),
      .source = json_get_str(mount, "source"),
      .idmapped = berth_mount_idmapped(mount),
  };
  if (m.destination == NULL || *m.destination == '\0')
    return berth_error(err, EINVAL, "mounts[%zu]: destination must not be empty", index);
  if (berth_mount_options_parse(json_get_array(mount, "options"), &m.opts, err) < 0)
    return berth_error_prefix(err, "mounts[%zu] (%s)", index, m.destination);
  /* A read-only /dev is made so last (berth_rootfs_finish): devices, /dev/pts, /dev/shm and
   * the console go in first, as in runc. */
  if (berth_mount_is_dev(m.destination))
    m.opts.flags &= ~(unsigned long)MS_RDONLY;
  if (validate_entry(&m, err) < 0)
    return -err->code;
  _cleanup_close_ int fd = mount_by_type(ctx, &m, err);
  if (fd < 0)
    return fd;
  return apply_after(&m, fd, err);
}
