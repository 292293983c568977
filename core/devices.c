/* SPDX-License-Identifier: Apache-2.0 */
#include "devices.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cleanup.h"
#include "json_util.h"
#include "mounts.h"
#include "parse.h"
#include "safe_path.h"

struct device {
  const char *path;
  mode_t type; /* S_IFCHR, S_IFBLK or S_IFIFO */
  unsigned major, minor;
  mode_t mode;
  uid_t uid;
  gid_t gid;
};

static const struct device default_devices[] = {
    {"/dev/null", S_IFCHR, 1, 3, 0666, 0, 0},    {"/dev/zero", S_IFCHR, 1, 5, 0666, 0, 0},
    {"/dev/full", S_IFCHR, 1, 7, 0666, 0, 0},    {"/dev/random", S_IFCHR, 1, 8, 0666, 0, 0},
    {"/dev/urandom", S_IFCHR, 1, 9, 0666, 0, 0}, {"/dev/tty", S_IFCHR, 5, 0, 0666, 0, 0},
};

/* Bind the host's node at the same path over an empty file: what a user namespace gets. */
static int bind_device(int dir, const char *name, const struct device *d, struct berth_error *err) {
  _cleanup_close_ int src = open(d->path, O_PATH | O_CLOEXEC);
  if (src < 0)
    return berth_error(err, errno, "device %s: open the host's node", d->path);
  int fd = openat(dir, name, O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0 && errno != EEXIST)
    return berth_error(err, errno, "device %s: create the mount point", d->path);
  if (fd >= 0)
    close(fd);
  _cleanup_close_ int dst = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  struct stat st;
  if (dst < 0 || fstat(dst, &st) < 0)
    return berth_error(err, errno, "device %s", d->path);
  if (S_ISLNK(st.st_mode) || S_ISDIR(st.st_mode))
    return berth_error(err, EEXIST, "device %s: a %s is in the way", d->path,
                       S_ISDIR(st.st_mode) ? "directory" : "symlink");
  if (berth_bind_fd(src, dst, 0) < 0)
    return berth_error(err, errno, "device %s: bind the host's node", d->path);
  return 0;
}

/* mknod honours the umask: set the mode and owner afterwards, on the node itself. */
static int fix_node(int dir, const char *name, const struct device *d, struct berth_error *err) {
  _cleanup_close_ int fd = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) < 0)
    return berth_error(err, errno, "device %s", d->path);
  if ((st.st_mode & S_IFMT) != d->type)
    return berth_error(err, EEXIST, "device %s: replaced while creating it", d->path);
  struct berth_fd_path path;
  if (chmod(berth_fd_path(&path, fd), d->mode & 07777) < 0)
    return berth_error(err, errno, "device %s: chmod", d->path);
  if (fchownat(fd, "", d->uid, d->gid, AT_EMPTY_PATH) < 0)
    return berth_error(err, errno, "device %s: chown %u:%u", d->path, (unsigned)d->uid,
                       (unsigned)d->gid);
  return 0;
}

static int create_device(int root_fd, const struct device *d, bool userns,
                         struct berth_error *err) {
  _cleanup_free_ char *name = NULL;
  _cleanup_close_ int dir = berth_safe_open_parent(root_fd, d->path, BERTH_SAFE_MKDIR, &name, err);
  if (dir < 0)
    return berth_error_prefix(err, "device %s", d->path);
  if (userns)
    return bind_device(dir, name, d, err);
  if (mknodat(dir, name, d->type | (d->mode & 07777), makedev(d->major, d->minor)) < 0) {
    if (errno == EEXIST)
      return 0; /* the image (or an earlier mount) has it: keep it, like runc */
    if (errno == EPERM)
      return bind_device(dir, name, d, err);
    return berth_error(err, errno, "device %s: mknod %u:%u", d->path, d->major, d->minor);
  }
  return fix_node(dir, name, d, err);
}

/* linux.devices[i] -> struct device; the types were checked by spec.c. */
static int parse_device(json_object *o, size_t i, struct device *d, struct berth_error *err) {
  const char *type = json_get_str(o, "type");
  d->path = json_get_str(o, "path");
  if (d->path == NULL || d->path[0] != '/' || strcmp(d->path, "/") == 0)
    return berth_error(err, EINVAL, "linux.devices[%zu]: path must be an absolute file path", i);
  if (type == NULL || type[0] == '\0' || type[1] != '\0' || strchr("cubp", type[0]) == NULL)
    return berth_error(err, EINVAL, "linux.devices[%zu] (%s): type must be c, u, b or p", i,
                       d->path);
  d->type = type[0] == 'b' ? S_IFBLK : type[0] == 'p' ? S_IFIFO : S_IFCHR;
  char path[64];
  snprintf(path, sizeof(path), "linux.devices[%zu]", i);
  int64_t major, minor, mode;
  int r = berth_json_int(o, "major", path, 0, BERTH_DEV_MAJOR_MAX, 0, &major, err);
  if (r < 0 || (r = berth_json_int(o, "minor", path, 0, BERTH_DEV_MINOR_MAX, 0, &minor, err)) < 0 ||
      (r = berth_json_int(o, "fileMode", path, 0, 0177777, 0666, &mode, err)) < 0 ||
      (r = berth_json_id(o, "uid", path, 0, &d->uid, err)) < 0 ||
      (r = berth_json_id(o, "gid", path, 0, &d->gid, err)) < 0)
    return r;
  d->major = (unsigned)major;
  d->minor = (unsigned)minor;
  d->mode = (mode_t)mode;
  return 0;
}

static bool spec_lists(json_object *devices, const char *path) {
  size_t n = devices != NULL ? json_object_array_length(devices) : 0;
  for (size_t i = 0; i < n; i++) {
    const char *p = json_get_str(json_object_array_get_idx(devices, i), "path");
    if (p != NULL && strcmp(p, path) == 0)
      return true;
  }
  return false;
}

static int create_devices(json_object *devices, int root_fd, bool userns, struct berth_error *err) {
  size_t n = devices != NULL ? json_object_array_length(devices) : 0;
  for (size_t i = 0; i < n; i++) {
    struct device d;
    if (parse_device(json_object_array_get_idx(devices, i), i, &d, err) < 0 ||
        create_device(root_fd, &d, userns, err) < 0)
      return -err->code;
  }
  for (size_t i = 0; i < sizeof(default_devices) / sizeof(default_devices[0]); i++)
    if (!spec_lists(devices, default_devices[i].path) &&
        create_device(root_fd, &default_devices[i], userns, err) < 0)
      return -err->code;
  return 0;
}

/* The links every program expects; an image's own entries win (EEXIST). /dev/ptmx must be the
 * devpts instance's ptmx of this container, never a node of the host's devpts. */
static int create_links(int root_fd, struct berth_error *err) {
  static const char *const links[][2] = {
      {"/proc/self/fd", "fd"},
      {"/proc/self/fd/0", "stdin"},
      {"/proc/self/fd/1", "stdout"},
      {"/proc/self/fd/2", "stderr"},
  };
  _cleanup_close_ int dev = berth_safe_open(root_fd, "/dev", BERTH_SAFE_MKDIR, err);
  if (dev < 0)
    return berth_error_prefix(err, "/dev");
  for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
    if (symlinkat(links[i][0], dev, links[i][1]) < 0 && errno != EEXIST)
      return berth_error(err, errno, "symlink /dev/%s -> %s", links[i][1], links[i][0]);
  if (access("/proc/kcore", F_OK) == 0 && symlinkat("/proc/kcore", dev, "core") < 0 &&
      errno != EEXIST)
    return berth_error(err, errno, "symlink /dev/core -> /proc/kcore");
  if (unlinkat(dev, "ptmx", 0) < 0 && errno != ENOENT)
    return berth_error(err, errno, "remove /dev/ptmx");
  if (symlinkat("pts/ptmx", dev, "ptmx") < 0)
    return berth_error(err, errno, "symlink /dev/ptmx -> pts/ptmx");
  return 0;
}

/* runc skips all of /dev when the spec binds the host's /dev there. */
static bool dev_is_bind_mounted(json_object *spec) {
  json_object *mounts = json_get_array(spec, "mounts");
  size_t n = mounts != NULL ? json_object_array_length(mounts) : 0;
  for (size_t i = 0; i < n; i++) {
    json_object *m = json_object_array_get_idx(mounts, i);
    const char *dest = json_get_str(m, "destination"), *type = json_get_str(m, "type");
    json_object *options = json_get_array(m, "options");
    if (dest == NULL || strcmp(dest, "/dev") != 0)
      continue;
    bool bind = type != NULL && strcmp(type, "bind") == 0;
    for (size_t j = 0; !bind && options != NULL && j < json_object_array_length(options); j++) {
      const char *o = json_object_get_string(json_object_array_get_idx(options, j));
      bind = o != NULL && (strcmp(o, "bind") == 0 || strcmp(o, "rbind") == 0);
    }
    if (bind)
      return true;
  }
  return false;
}

int berth_devices_create(json_object *spec, int root_fd, bool userns, struct berth_error *err) {
  if (dev_is_bind_mounted(spec))
    return 0;
  if (create_devices(json_path(spec, "linux", "devices", NULL), root_fd, userns, err) < 0)
    return -err->code;
  return create_links(root_fd, err);
}
