/* SPDX-License-Identifier: Apache-2.0 */
/* The "cgroup" mount type, the way runc builds it.
 *
 * cgroup v1 or hybrid host: a tmpfs at the destination and one directory per hierarchy that
 * init's /proc/self/cgroup lists (cpu, memory, systemd ..., plus "unified" for the cgroup2 of
 * a hybrid host). With a cgroup namespace each is a fresh cgroup mount, which the kernel roots
 * at the namespace's cgroup; without one, a bind of init's own cgroup directory of the host
 * hierarchy (the core moved init into its cgroup before this runs). Pure v2 host: one
 * cgroup2 mount, or the bind of init's own cgroup. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <stdbool.h>
#include <unistd.h>

#include "cleanup.h"
#include "mounts.h"
#include "safe_path.h"
#include "util.h"

/* The mount flags runc gives every piece of the cgroup tree. */
#define CGROUP_DEFAULT_FLAGS (MS_NOEXEC | MS_NOSUID | MS_NODEV)

struct cgroup_job {
  const struct berth_mount_context *ctx;
  const struct berth_mount_entry *m;
  struct berth_mountinfo *table;
  size_t n;
  char *own; /* /proc/self/cgroup */
};

static void cgroup_job_clear(struct cgroup_job *job) {
  berth_mountinfo_free(job->table, job->n);
  free(job->own);
}

static int fail(const struct cgroup_job *job, int errnum, const char *what,
                struct berth_error *err) {
  return berth_error(err, errnum, "mount cgroup on %s (mounts[%zu]): %s", job->m->destination,
                     job->m->index, what);
}

/* True when the comma-separated list options holds every item of controllers. */
static bool has_all(const char *options, const char *controllers) {
  const char *c = controllers;
  while (*c != '\0') {
    size_t len = strcspn(c, ",");
    bool found = false;
    for (const char *o = options; *o != '\0' && !found; o += strcspn(o, ","), o += *o == ',') {
      size_t olen = strcspn(o, ",");
      found = olen == len && strncmp(o, c, len) == 0;
    }
    if (!found)
      return false;
    c += len;
    c += *c == ',';
  }
  return true;
}

/* The host mount of a hierarchy: cgroup2, or the v1 mount holding all the controllers. */
static const struct berth_mountinfo *find_hierarchy(const struct cgroup_job *job,
                                                    const char *controllers) {
  const struct berth_mountinfo *found = NULL;
  for (size_t i = 0; i < job->n; i++) {
    const struct berth_mountinfo *e = &job->table[i];
    if (*controllers != '\0') {
      if (strcmp(e->fstype, "cgroup") == 0 && has_all(e->super_options, controllers))
        return e;
      continue;
    }
    /* cgroup2 may be mounted twice (a hybrid host's /sys/fs/cgroup/unified, and cgroup2 over
     * /sys/fs/cgroup in a private namespace): the one at /sys/fs/cgroup is what we see. */
    if (strcmp(e->fstype, "cgroup2") == 0 &&
        (found == NULL || strcmp(e->mountpoint, "/sys/fs/cgroup") == 0))
      found = e;
  }
  return found;
}

/* Bind the host directory of init's own cgroup in hierarchy e onto dst. */
static int bind_own_cgroup(const struct cgroup_job *job, const struct berth_mountinfo *e,
                           const char *path, int dst, struct berth_error *err) {
  size_t root_len = strcmp(e->root, "/") == 0 ? 0 : strlen(e->root);
  /* In a cgroup namespace, path is relative to its root, which the mount's root
   * ("/../..") places without naming it. */
  if (strncmp(path, e->root, root_len) != 0 || (path[root_len] != '/' && path[root_len] != '\0')) {
    char what[PATH_MAX + 128];
    snprintf(what, sizeof(what), "init's cgroup %s is not below the root %s of %s", path, e->root,
             e->mountpoint);
    return fail(job, ENOENT, what, err);
  }
  _cleanup_free_ char *source = NULL;
  if (asprintf(&source, "%s%s", e->mountpoint, path + root_len) < 0)
    return fail(job, ENOMEM, e->mountpoint, err);
  _cleanup_close_ int src = open(source, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (src < 0 || berth_bind_fd(src, dst, MS_REC) < 0)
    return berth_error(err, errno, "mount %s on %s (mounts[%zu])", source, job->m->destination,
                       job->m->index);
  return 0;
}

/* One hierarchy at top/name: fresh with a cgroup namespace, else the bind. */
static int mount_hierarchy(const struct cgroup_job *job, int top, const struct berth_mountinfo *e,
                           const char *name, const char *controllers, const char *path,
                           struct berth_error *err) {
  if (mkdirat(top, name, 0755) < 0 && errno != EEXIST)
    return fail(job, errno, name, err);
  _cleanup_close_ int dst = openat(top, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dst < 0)
    return fail(job, errno, name, err);
  unsigned long flags = CGROUP_DEFAULT_FLAGS | (job->m->opts.flags & MS_RDONLY);
  bool v2 = *controllers == '\0';
  if (job->ctx->cgroupns) {
    if (berth_mount_on_fd(v2 ? "cgroup2" : "cgroup", dst, v2 ? "cgroup2" : "cgroup", flags,
                          v2 ? NULL : controllers) < 0)
      return fail(job, errno, name, err);
    return 0;
  }
  if (bind_own_cgroup(job, e, path, dst, err) < 0)
    return -err->code;
  /* The bind covers dst; reopen through top to reach the new mount for the remount. */
  _cleanup_close_ int fd = openat(top, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return fail(job, errno, name, err);
  if (berth_bind_remount(fd, flags | job->m->opts.flags, 0, err) < 0)
    return berth_error_prefix(err, "mount cgroup on %s (mounts[%zu]): %s", job->m->destination,
                              job->m->index, name);
  return 0;
}

/* Comounted controllers ("cpu,cpuacct") also answer to each name, as on the host. */
static int link_comounted(const struct cgroup_job *job, int top, const char *name,
                          struct berth_error *err) {
  if (strchr(name, ',') == NULL)
    return 0;
  _cleanup_free_ char *copy = strdup(name);
  char *save = NULL;
  if (copy == NULL)
    return fail(job, ENOMEM, name, err);
  for (char *part = strtok_r(copy, ",", &save); part; part = strtok_r(NULL, ",", &save))
    if (symlinkat(name, top, part) < 0 && errno != EEXIST)
      return fail(job, errno, part, err);
  return 0;
}

/* One line of /proc/self/cgroup: "4:memory:/user.slice" or "0::/user.slice". */
static int mount_cgroup_line(const struct cgroup_job *job, int top, char *line,
                             struct berth_error *err) {
  char *controllers = strchr(line, ':');
  char *path = controllers != NULL ? strchr(controllers + 1, ':') : NULL;
  if (path == NULL)
    return 0;
  *controllers++ = '\0';
  *path++ = '\0';
  const struct berth_mountinfo *e = find_hierarchy(job, controllers);
  if (e == NULL)
    return 0; /* listed in /proc/self/cgroup but not mounted on the host: nothing to show */
  const char *slash = strrchr(e->mountpoint, '/');
  const char *name = *controllers == '\0' ? "unified" : slash != NULL ? slash + 1 : e->mountpoint;
  if (*name == '\0' || strcmp(name, "..") == 0 || strcmp(name, ".") == 0)
    return 0;
  int r = mount_hierarchy(job, top, e, name, controllers, path, err);
  return r < 0 ? r : link_comounted(job, top, name, err);
}

static int mount_v1(const struct cgroup_job *job, int dst, struct berth_error *err) {
  if (berth_mount_on_fd("tmpfs", dst, "tmpfs", CGROUP_DEFAULT_FLAGS, "mode=755") < 0)
    return fail(job, errno, "tmpfs", err);
  _cleanup_close_ int top = berth_mount_reopen(job->ctx->root_fd, job->m->destination, dst, err);
  if (top < 0)
    return berth_error_prefix(err, "mount cgroup on %s (mounts[%zu])", job->m->destination,
                              job->m->index);
  _cleanup_free_ char *own = strdup(job->own);
  if (own == NULL)
    return fail(job, ENOMEM, "/proc/self/cgroup", err);
  char *save = NULL;
  for (char *line = strtok_r(own, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    int r = mount_cgroup_line(job, top, line, err);
    if (r < 0)
      return r;
  }
  if ((job->m->opts.flags & MS_RDONLY) &&
      berth_bind_remount(top, CGROUP_DEFAULT_FLAGS | MS_RDONLY, 0, err) < 0)
    return berth_error_prefix(err, "mount cgroup on %s (mounts[%zu])", job->m->destination,
                              job->m->index);
  return take_fd(&top);
}

/* The per-mount MS_* flags as fsmount(2)'s MOUNT_ATTR_* (relatime is its default). */
static unsigned int mount_attributes(unsigned long flags) {
  static const struct {
    unsigned long ms;
    unsigned int attr;
  } map[] = {
      {MS_RDONLY, MOUNT_ATTR_RDONLY},         {MS_NOSUID, MOUNT_ATTR_NOSUID},
      {MS_NODEV, MOUNT_ATTR_NODEV},           {MS_NOEXEC, MOUNT_ATTR_NOEXEC},
      {MS_NODIRATIME, MOUNT_ATTR_NODIRATIME}, {MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW},
  };
  unsigned int attr = 0;
  for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
    if (flags & map[i].ms)
      attr |= map[i].attr;
  if (flags & MS_NOATIME)
    attr |= MOUNT_ATTR_NOATIME;
  else if (flags & MS_STRICTATIME)
    attr |= MOUNT_ATTR_STRICTATIME;
  return attr;
}

/* "nsdelegate,memory_recursiveprot" (the spec's options no flag table knows), one
 * fsconfig(2) call each. */
static int set_fs_options(int fs, const char *data) {
  _cleanup_free_ char *copy = data != NULL ? strdup(data) : NULL;
  if (data != NULL && copy == NULL)
    return -ENOMEM;
  char *save = NULL;
  for (char *o = copy != NULL ? strtok_r(copy, ",", &save) : NULL; o != NULL;
       o = strtok_r(NULL, ",", &save)) {
    char *value = strchr(o, '=');
    if (value != NULL)
      *value++ = '\0';
    if (fsconfig(fs, value != NULL ? FSCONFIG_SET_STRING : FSCONFIG_SET_FLAG, o, value, 0) < 0)
      return -errno;
  }
  return 0;
}

/* A fresh cgroup2, made detached (fsopen, fsmount) and moved onto dst. mount(2) refuses to
 * stack a file system on the root of a mount of the same superblock ("already mounted",
 * EBUSY), and cgroup2 has one superblock: that is /sys/fs/cgroup inside an rbind of the
 * host's /sys, as `spec --rootless` makes it. move_mount(2) has no such rule. -errno. */
static int mount_cgroup2_detached(int dst, unsigned long flags, const char *data) {
  _cleanup_close_ int fs = fsopen("cgroup2", FSOPEN_CLOEXEC);
  if (fs < 0)
    return -errno;
  int r = set_fs_options(fs, data);
  if (r < 0)
    return r;
  if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return -errno;
  _cleanup_close_ int mnt = fsmount(fs, FSMOUNT_CLOEXEC, mount_attributes(flags));
  if (mnt < 0 ||
      move_mount(mnt, "", dst, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return -errno;
  return 0;
}

/* The namespace's own cgroup2 on dst: -errno. */
static int mount_cgroup2(int dst, unsigned long flags, const char *data) {
  if (berth_mount_on_fd("cgroup2", dst, "cgroup2", flags, data) == 0)
    return 0;
  if (errno != EBUSY)
    return -errno;
  int r = mount_cgroup2_detached(dst, flags, data);
  return r == -ENOSYS ? -EBUSY : r; /* Linux < 5.2: what mount(2) said */
}

/* Pure v2: the namespace's own cgroup2, or (no cgroupns, or the kernel refuses it: a cgroup
 * namespace joined from a user namespace that is not ours) the bind of init's cgroup
 * directory, as runc and crun fall back to. */
static int mount_v2(const struct cgroup_job *job, int dst, const char *path,
                    struct berth_error *err) {
  unsigned long flags = job->m->opts.flags;
  if (job->ctx->cgroupns) {
    int r = mount_cgroup2(dst, flags, job->m->opts.data);
    if (r == 0) {
      int fd = berth_mount_reopen(job->ctx->root_fd, job->m->destination, dst, err);
      return fd < 0 ? berth_error_prefix(err, "mount cgroup2 on %s (mounts[%zu])",
                                         job->m->destination, job->m->index)
                    : fd;
    }
    if (r != -EPERM && r != -EBUSY)
      return fail(job, -r, "cgroup2", err);
  }
  const struct berth_mountinfo *e = find_hierarchy(job, "");
  if (e == NULL)
    return fail(job, ENOENT, "no cgroup2 mount on the host", err);
  if (bind_own_cgroup(job, e, path, dst, err) < 0)
    return -err->code;
  _cleanup_close_ int fd = berth_mount_reopen(job->ctx->root_fd, job->m->destination, dst, err);
  if (fd < 0 || berth_bind_remount(fd, flags | CGROUP_DEFAULT_FLAGS, 0, err) < 0)
    return berth_error_prefix(err, "mount cgroup on %s (mounts[%zu])", job->m->destination,
                              job->m->index);
  return take_fd(&fd);
}

/* What /sys/fs/cgroup is for us decides, not which hierarchies the kernel has: a private
 * mount namespace may show cgroup2 there on a hybrid host. */
static bool unified_view(void) {
  struct statfs st;
  return statfs("/sys/fs/cgroup", &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC;
}

/* The path of the "0::PATH" line, or NULL. */
static const char *v2_path(const char *own) {
  for (const char *line = own; *line != '\0'; line += strcspn(line, "\n"), line += *line == '\n')
    if (strncmp(line, "0::", 3) == 0)
      return line + 3;
  return NULL;
}

int berth_mount_cgroup(const struct berth_mount_context *ctx, const struct berth_mount_entry *m,
                       struct berth_error *err) {
  __attribute__((cleanup(cgroup_job_clear))) struct cgroup_job job = {.ctx = ctx, .m = m};
  if (read_file_at(AT_FDCWD, "/proc/self/cgroup", &job.own, err) < 0 ||
      berth_mountinfo_read(&job.table, &job.n, err) < 0)
    return berth_error_prefix(err, "mount cgroup on %s (mounts[%zu])", m->destination, m->index);
  _cleanup_close_ int dst = berth_safe_open(ctx->root_fd, m->destination, BERTH_SAFE_MKDIR, err);
  if (dst < 0)
    return berth_error_prefix(err, "mount %s (mounts[%zu]): destination", m->destination, m->index);
  const char *v2 = unified_view() ? v2_path(job.own) : NULL;
  if (v2 == NULL)
    return mount_v1(&job, dst, err);
  _cleanup_free_ char *path = strndup(v2, strcspn(v2, "\n"));
  if (path == NULL)
    return fail(&job, ENOMEM, "/proc/self/cgroup", err);
  return mount_v2(&job, dst, path, err);
}
