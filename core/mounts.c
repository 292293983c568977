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
#include "safe_path.h"
#include "util.h"

/* ---- options: runc's tables (libcontainer/specconv) ---- */

struct flag_option {
  const char *name;
  bool clear;
  unsigned long flag;
};

static const struct flag_option flag_options[] = {
    {"async", true, MS_SYNCHRONOUS},
    {"atime", true, MS_NOATIME},
    {"bind", false, MS_BIND},
    {"defaults", false, 0},
    {"dev", true, MS_NODEV},
    {"diratime", true, MS_NODIRATIME},
    {"dirsync", false, MS_DIRSYNC},
    {"exec", true, MS_NOEXEC},
    {"iversion", false, MS_I_VERSION},
    {"lazytime", false, MS_LAZYTIME},
    {"loud", true, MS_SILENT},
    {"mand", false, MS_MANDLOCK},
    {"noatime", false, MS_NOATIME},
    {"nodev", false, MS_NODEV},
    {"nodiratime", false, MS_NODIRATIME},
    {"noexec", false, MS_NOEXEC},
    {"noiversion", true, MS_I_VERSION},
    {"nolazytime", true, MS_LAZYTIME},
    {"nomand", true, MS_MANDLOCK},
    {"norelatime", true, MS_RELATIME},
    {"nostrictatime", true, MS_STRICTATIME},
    {"nosuid", false, MS_NOSUID},
    {"nosymfollow", false, MS_NOSYMFOLLOW},
    {"rbind", false, MS_BIND | MS_REC},
    {"relatime", false, MS_RELATIME},
    {"remount", false, MS_REMOUNT},
    {"ro", false, MS_RDONLY},
    {"rw", true, MS_RDONLY},
    {"silent", false, MS_SILENT},
    {"strictatime", false, MS_STRICTATIME},
    {"suid", true, MS_NOSUID},
    {"symfollow", true, MS_NOSYMFOLLOW},
    {"sync", false, MS_SYNCHRONOUS},
};

static const struct {
  const char *name;
  unsigned long flag;
} propagation_options[] = {
    {"private", MS_PRIVATE},       {"rprivate", MS_PRIVATE | MS_REC},
    {"shared", MS_SHARED},         {"rshared", MS_SHARED | MS_REC},
    {"slave", MS_SLAVE},           {"rslave", MS_SLAVE | MS_REC},
    {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
};

/* Recursive attributes (runc 1.1+, mount_setattr(2), Linux 5.12). The atime settings are an
 * enum inside MOUNT_ATTR__ATIME, not bits: changing one needs all of __ATIME in attr_clr, and
 * clearing one ("ratime", "rnostrictatime") means falling back to the default, relatime. */
struct attr_option {
  const char *name;
  bool clear;
  bool atime;
  uint64_t attr;
};

static const struct attr_option attr_options[] = {
    {"rro", false, false, MOUNT_ATTR_RDONLY},
    {"rrw", true, false, MOUNT_ATTR_RDONLY},
    {"rnosuid", false, false, MOUNT_ATTR_NOSUID},
    {"rsuid", true, false, MOUNT_ATTR_NOSUID},
    {"rnodev", false, false, MOUNT_ATTR_NODEV},
    {"rdev", true, false, MOUNT_ATTR_NODEV},
    {"rnoexec", false, false, MOUNT_ATTR_NOEXEC},
    {"rexec", true, false, MOUNT_ATTR_NOEXEC},
    {"rnodiratime", false, false, MOUNT_ATTR_NODIRATIME},
    {"rdiratime", true, false, MOUNT_ATTR_NODIRATIME},
    {"rnosymfollow", false, false, MOUNT_ATTR_NOSYMFOLLOW},
    {"rsymfollow", true, false, MOUNT_ATTR_NOSYMFOLLOW},
    {"rrelatime", false, true, MOUNT_ATTR_RELATIME},
    {"rnorelatime", true, true, MOUNT_ATTR_RELATIME},
    {"rnoatime", false, true, MOUNT_ATTR_NOATIME},
    {"ratime", true, true, MOUNT_ATTR_NOATIME},
    {"rstrictatime", false, true, MOUNT_ATTR_STRICTATIME},
    {"rnostrictatime", true, true, MOUNT_ATTR_STRICTATIME},
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

bool berth_propagation_parse(const char *name, unsigned long *flag) {
  for (size_t i = 0; i < ARRAY_SIZE(propagation_options); i++)
    if (strcmp(name, propagation_options[i].name) == 0) {
      *flag = propagation_options[i].flag;
      return true;
    }
  return false;
}

static bool parse_flag_option(const char *name, struct berth_mount_options *o) {
  for (size_t i = 0; i < ARRAY_SIZE(flag_options); i++) {
    const struct flag_option *f = &flag_options[i];
    if (strcmp(name, f->name) != 0)
      continue;
    if (f->clear) {
      o->flags &= ~f->flag;
      o->cleared |= f->flag;
    } else {
      o->flags |= f->flag;
      o->cleared &= ~f->flag;
    }
    return true;
  }
  return false;
}

static bool parse_attr_option(const char *name, struct berth_mount_options *o) {
  for (size_t i = 0; i < ARRAY_SIZE(attr_options); i++) {
    const struct attr_option *a = &attr_options[i];
    if (strcmp(name, a->name) != 0)
      continue;
    if (a->atime) {
      o->attr_clr |= MOUNT_ATTR__ATIME;
      o->attr_set &= ~(uint64_t)MOUNT_ATTR__ATIME;
      if (!a->clear)
        o->attr_set |= a->attr;
    } else if (a->clear) {
      o->attr_clr |= a->attr;
      o->attr_set &= ~a->attr;
    } else {
      o->attr_set |= a->attr;
      o->attr_clr &= ~a->attr;
    }
    return true;
  }
  return false;
}

/* Unknown options are filesystem data (runc): "mode=755", "size=65536k", "newinstance". */
static int append_data(struct berth_mount_options *o, const char *option, struct berth_error *err) {
  char *data = NULL;
  if (asprintf(&data, "%s%s%s", o->data ? o->data : "", o->data ? "," : "", option) < 0)
    return berth_error(err, ENOMEM, "option %s", option);
  free(o->data);
  o->data = data;
  return 0;
}

static int parse_option(const char *name, struct berth_mount_options *o, struct berth_error *err) {
  unsigned long propagation;
  if (parse_flag_option(name, o) || parse_attr_option(name, o))
    return 0;
  if (berth_propagation_parse(name, &propagation)) {
    if (o->n_propagation == BERTH_MOUNT_MAX_PROPAGATION)
      return berth_error(err, EINVAL, "option %s: more than %d propagation options", name,
                         BERTH_MOUNT_MAX_PROPAGATION);
    o->propagation[o->n_propagation++] = propagation;
    return 0;
  }
  if (strcmp(name, "tmpcopyup") == 0) {
    o->tmpcopyup = true;
    return 0;
  }
  if (strcmp(name, "idmap") == 0 || strcmp(name, "ridmap") == 0)
    return berth_error(err, EOPNOTSUPP, "option %s: id-mapped mounts are not supported", name);
  if (*name == '\0')
    return berth_error(err, EINVAL, "empty option");
  return append_data(o, name, err);
}

int berth_mount_options_parse(json_object *options, struct berth_mount_options *out,
                              struct berth_error *err) {
  *out = (struct berth_mount_options){0};
  size_t n = options != NULL ? json_object_array_length(options) : 0;
  for (size_t i = 0; i < n; i++) {
    const char *name = json_object_get_string(json_object_array_get_idx(options, i));
    int r = parse_option(name != NULL ? name : "", out, err);
    if (r < 0) {
      berth_mount_options_clear(out);
      return r;
    }
  }
  return 0;
}

void berth_mount_options_clear(struct berth_mount_options *opts) {
  free(opts->data);
  opts->data = NULL;
}

const char *berth_mount_flags_string(unsigned long flags, char *buf, size_t size) {
  static const struct {
    unsigned long flag;
    const char *name;
  } names[] = {
      {MS_BIND, "bind"},
      {MS_REC, "rec"},
      {MS_REMOUNT, "remount"},
      {MS_RDONLY, "ro"},
      {MS_NOSUID, "nosuid"},
      {MS_NODEV, "nodev"},
      {MS_NOEXEC, "noexec"},
      {MS_SYNCHRONOUS, "sync"},
      {MS_MANDLOCK, "mand"},
      {MS_DIRSYNC, "dirsync"},
      {MS_NOSYMFOLLOW, "nosymfollow"},
      {MS_NOATIME, "noatime"},
      {MS_NODIRATIME, "nodiratime"},
      {MS_RELATIME, "relatime"},
      {MS_STRICTATIME, "strictatime"},
      {MS_LAZYTIME, "lazytime"},
      {MS_SILENT, "silent"},
      {MS_I_VERSION, "iversion"},
      {MS_PRIVATE, "private"},
      {MS_SHARED, "shared"},
      {MS_SLAVE, "slave"},
      {MS_UNBINDABLE, "unbindable"},
      {MS_MOVE, "move"},
  };
  size_t used = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < ARRAY_SIZE(names) && used < size; i++)
    if (flags & names[i].flag) {
      int n = snprintf(buf + used, size - used, "%s%s", used ? "," : "", names[i].name);
      used += n > 0 ? (size_t)n : 0;
    }
  if (used == 0)
    snprintf(buf, size, "defaults");
  return buf;
}

/* ---- /proc/self/mountinfo ---- */

/* Mount points in mountinfo escape " \t\n\\" as octal (\040 ...). */
static char *unescape_mountinfo(const char *s) {
  char *out = malloc(strlen(s) + 1), *o = out;
  if (out == NULL)
    return NULL;
  while (*s != '\0') {
    if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' &&
        s[3] <= '7') {
      *o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
      s += 4;
    } else {
      *o++ = *s++;
    }
  }
  *o = '\0';
  return out;
}

static void mountinfo_entry_free(struct berth_mountinfo *e) {
  free(e->root);
  free(e->mountpoint);
  free(e->fstype);
  free(e->source);
  free(e->super_options);
}

/* "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 shared:2 - ext3 /dev/root rw,errors=continue" */
static int parse_mountinfo_line(char *line, struct berth_mountinfo *e) {
  char *save = NULL, *fields[6];
  for (int i = 0; i < 6; i++)
    if ((fields[i] = strtok_r(i == 0 ? line : NULL, " ", &save)) == NULL)
      return -EINVAL;
  e->id = atoi(fields[0]);
  e->parent = atoi(fields[1]);
  char *tok;
  while ((tok = strtok_r(NULL, " ", &save)) != NULL && strcmp(tok, "-") != 0)
    if (strncmp(tok, "shared:", 7) == 0)
      e->shared = true;
  char *fstype = strtok_r(NULL, " ", &save), *source = strtok_r(NULL, " ", &save);
  char *super = strtok_r(NULL, " \n", &save);
  if (tok == NULL || fstype == NULL || source == NULL)
    return -EINVAL;
  e->root = unescape_mountinfo(fields[3]);
  e->mountpoint = unescape_mountinfo(fields[4]);
  e->fstype = strdup(fstype);
  e->source = unescape_mountinfo(source);
  e->super_options = strdup(super != NULL ? super : "");
  if (!e->root || !e->mountpoint || !e->fstype || !e->source || !e->super_options)
    return -ENOMEM;
  return 0;
}

int berth_mountinfo_read(struct berth_mountinfo **out, size_t *n, struct berth_error *err) {
  _cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
  if (f == NULL)
    return berth_error(err, errno, "open /proc/self/mountinfo");
  _cleanup_free_ char *line = NULL;
  size_t cap = 0, count = 0;
  struct berth_mountinfo *table = NULL;
  while (getline(&line, &cap, f) > 0) {
    struct berth_mountinfo *bigger = realloc(table, (count + 1) * sizeof(*table));
    if (bigger == NULL) {
      berth_mountinfo_free(table, count);
      return berth_error(err, ENOMEM, "read /proc/self/mountinfo");
    }
    table = bigger;
    table[count] = (struct berth_mountinfo){0};
    int r = parse_mountinfo_line(line, &table[count++]);
    if (r < 0) {
      berth_mountinfo_free(table, count);
      return berth_error(err, -r, "parse /proc/self/mountinfo");
    }
  }
  *out = table;
  *n = count;
  return 0;
}

void berth_mountinfo_free(struct berth_mountinfo *table, size_t n) {
  for (size_t i = 0; i < n; i++)
    mountinfo_entry_free(&table[i]);
  free(table);
}

/* ---- mounting on fds ---- */

int berth_mount_on_fd(const char *source, int dst_fd, const char *fstype, unsigned long flags,
                      const char *data) {
  struct berth_fd_path target;
  if (mount(source, berth_fd_path(&target, dst_fd), fstype, flags, data) < 0)
    return -errno;
  return 0;
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

static int reopen(const struct berth_mount_context *ctx, const struct berth_mount_entry *m,
                  int old_fd, struct berth_error *err) {
  int fd = berth_mount_reopen(ctx->root_fd, m->destination, old_fd, err);
  return fd < 0 ? fail_step(m, err) : fd;
}

/* Bind source (relative to the bundle, init's cwd) onto the destination, then apply the other
 * flags with a second MS_REMOUNT|MS_BIND call: the kernel ignores them on the first. */
static int mount_bind(const struct berth_mount_context *ctx, const struct berth_mount_entry *m,
                      const char *source, unsigned long flags, struct berth_error *err) {
  _cleanup_close_ int src = open(source, O_PATH | O_CLOEXEC);
  struct stat st;
  if (src < 0 || fstat(src, &st) < 0)
    return berth_error(err, errno, "mount %s on %s (mounts[%zu]): source", source, m->destination,
                       m->index);
  int create = S_ISDIR(st.st_mode) ? BERTH_SAFE_MKDIR : BERTH_SAFE_MKFILE;
  _cleanup_close_ int dst = open_destination(ctx, m, create, src, err);
  if (dst < 0)
    return dst;
  if (berth_bind_fd(src, dst, flags) < 0)
    return fail_mount(m, source, err);
  _cleanup_close_ int fd = reopen(ctx, m, dst, err);
  if (fd < 0)
    return fd;
  if ((flags & ~(MS_BIND | MS_REC | MS_REMOUNT)) || m->opts.cleared) {
    if (berth_bind_remount(fd, flags, m->opts.cleared, err) < 0)
      return berth_error_prefix(err, "mount %s on %s (mounts[%zu])", source, m->destination,
                                m->index);
  }
  return take_fd(&fd);
}

/* A fresh filesystem (proc, sysfs, devpts, mqueue, anything else) with its data string. */
static int mount_filesystem(const struct berth_mount_context *ctx,
                            const struct berth_mount_entry *m, int safe_flags,
                            struct berth_error *err) {
  _cleanup_close_ int dst = open_destination(ctx, m, BERTH_SAFE_MKDIR | safe_flags, -1, err);
  if (dst < 0)
    return dst;
  const char *source = m->source != NULL && *m->source ? m->source : m->type;
  if (berth_mount_on_fd(source, dst, m->type, m->opts.flags, m->opts.data) < 0)
    return fail_mount(m, m->type, err);
  /* A remount changes the mount that is already there: no new mount to find. */
  if (m->opts.flags & MS_REMOUNT)
    return take_fd(&dst);
  return reopen(ctx, m, dst, err);
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

#define COPYUP_MAX_DEPTH 256

static int copy_tree(int src_dir, int dst_dir, int depth, char *failed, size_t size);

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
  return copy_tree(src, dst, depth + 1, failed, size);
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
static int copy_tree(int src_dir, int dst_dir, int depth, char *failed, size_t size) {
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
    int r = dst < 0 ? -errno : copy_tree(old_dir, dst, 0, failed, sizeof(failed));
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
  if (berth_mount_on_fd(source, dst, "tmpfs", m->opts.flags & ~MS_RDONLY, m->opts.data) < 0)
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

static int mount_by_type(const struct berth_mount_context *ctx, const struct berth_mount_entry *m,
                         struct berth_error *err) {
  if ((m->opts.flags & MS_BIND) || is_type(m, "bind")) {
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
  if (m->destination[0] != '/')
    berth_log(BERTH_LOG_WARN, "mounts[%zu] (%s): destination is not absolute, taking it from /",
              m->index, m->destination);
  return 0;
}

static void entry_clear(struct berth_mount_entry *m) {
  berth_mount_options_clear(&m->opts);
}

int berth_mount_one(const struct berth_mount_context *ctx, json_object *mount, size_t index,
                    struct berth_error *err) {
  __attribute__((cleanup(entry_clear))) struct berth_mount_entry m = {
      .index = index,
      .destination = json_get_str(mount, "destination"),
      .type = json_get_str(mount, "type"),
      .source = json_get_str(mount, "source"),
  };
  if (m.destination == NULL || *m.destination == '\0')
    return berth_error(err, EINVAL, "mounts[%zu]: destination must not be empty", index);
  if (berth_mount_options_parse(json_get_array(mount, "options"), &m.opts, err) < 0)
    return berth_error_prefix(err, "mounts[%zu] (%s)", index, m.destination);
  if (validate_entry(&m, err) < 0)
    return -err->code;
  _cleanup_close_ int fd = mount_by_type(ctx, &m, err);
  if (fd < 0)
    return fd;
  return apply_after(&m, fd, err);
}
