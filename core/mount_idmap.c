/* SPDX-License-Identifier: Apache-2.0 */
#include "mount_idmap.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "json_util.h"
#include "mounts.h"
#include "namespaces.h"

static bool has_mappings(json_object *mount, const char *key) {
  json_object *maps = json_get_array(mount, key);
  return maps != NULL && json_object_array_length(maps) > 0;
}

/* The options as the init parses them (NULL err: a bad option is the init's to report). */
static bool parse_options(json_object *mount, struct berth_mount_options *opts) {
  bool ok = berth_mount_options_parse(json_get_array(mount, "options"), opts, NULL) == 0;
  berth_mount_options_clear(opts);
  return ok;
}

bool berth_mount_idmapped(json_object *mount) {
  struct berth_mount_options opts;
  return (parse_options(mount, &opts) && opts.idmap) || has_mappings(mount, "uidMappings") ||
         has_mappings(mount, "gidMappings");
}

static int check_entry(json_object *mount, size_t i, bool userns, struct berth_error *err) {
  const char *dest = json_get_str(mount, "destination");
  bool uids = has_mappings(mount, "uidMappings"), gids = has_mappings(mount, "gidMappings");
  if (uids != gids)
    return berth_error(err, 0, "mounts[%zu].%s (%s): given without %s (both or neither)", i,
                       uids ? "uidMappings" : "gidMappings", dest,
                       uids ? "gidMappings" : "uidMappings");
  if (!berth_mount_is_bind(mount))
    return berth_error(err, 0,
                       "mounts[%zu] (%s): id-mapped mounts (idmap, ridmap, uidMappings) need a "
                       "bind mount",
                       i, dest);
  if (!uids && !userns)
    return berth_error(err, 0,
                       "mounts[%zu] (%s): idmap without uidMappings and gidMappings takes the "
                       "container's user namespace mappings, and there is no user namespace",
                       i, dest);
  if (geteuid() != 0)
    return berth_error(err, 0,
                       "mounts[%zu] (%s): id-mapped mounts need root on the host (CAP_SYS_ADMIN "
                       "over the source's filesystem)",
                       i, dest);
  return 0;
}

int berth_mount_idmap_check(json_object *spec, struct berth_error *err) {
  json_object *mounts = json_get_array(spec, "mounts");
  bool userns = false;
  json_object *namespaces = json_get_array(json_get(spec, "linux"), "namespaces");
  for (size_t i = 0; namespaces != NULL && i < json_object_array_length(namespaces); i++) {
    const char *type = json_get_str(json_object_array_get_idx(namespaces, i), "type");
    userns = userns || (type != NULL && strcmp(type, "user") == 0);
  }
  for (size_t i = 0; mounts != NULL && i < json_object_array_length(mounts); i++) {
    json_object *mount = json_object_array_get_idx(mounts, i);
    if (!berth_mount_idmapped(mount))
      continue;
    int r = check_entry(mount, i, userns, err);
    if (r < 0)
      return r;
  }
  return 0;
}

/* The child only holds its user namespace open until we have an fd of it: it waits for the
 * end of a pipe that closes when we are done or gone. */
static void __attribute__((noreturn)) hold_namespace(int wait_fd) {
  char c;
  while (read(wait_fd, &c, 1) < 0 && errno == EINTR)
    ;
  _exit(0);
}

int berth_idmap_userns(json_object *mount, struct berth_error *err) {
  if (!has_mappings(mount, "uidMappings"))
    return -ENOENT;
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) < 0)
    return berth_error(err, errno, "id mapping: pipe");
  _cleanup_close_ int wait_fd = pipe_fds[0];
  _cleanup_close_ int hold_fd = pipe_fds[1];
  /* Cloned straight into the new user namespace: its maps can be written at once. */
  pid_t child = (pid_t)syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL, NULL, NULL);
  if (child < 0)
    return berth_error(err, errno, "id mapping: clone a user namespace");
  if (child == 0) {
    close(hold_fd);
    hold_namespace(wait_fd);
  }
  char path[64];
  snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)child);
  int fd = -1;
  int r = berth_write_id_map(child, "uid_map", json_get_array(mount, "uidMappings"), err);
  if (r == 0)
    r = berth_write_id_map(child, "gid_map", json_get_array(mount, "gidMappings"), err);
  if (r == 0 && (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
    r = berth_error(err, errno, "open %s", path);
  closep(&hold_fd);
  hold_fd = -1;
  while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
    ;
  return r < 0 ? berth_error_prefix(err, "id mapping") : fd;
}

int berth_idmap_tree(json_object *mount, int userns_fd, struct berth_error *err) {
  const char *source = json_get_str(mount, "source");
  struct berth_mount_options opts;
  if (!parse_options(mount, &opts))
    return berth_error(err, EINVAL, "options");
  unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | ((opts.flags & MS_REC) ? AT_RECURSIVE : 0);
  _cleanup_close_ int tree = open_tree(AT_FDCWD, source, flags);
  if (tree < 0)
    return berth_error(err, errno, "open_tree %s", source);
  struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns_fd};
  unsigned at = AT_EMPTY_PATH | (opts.idmap_recursive ? AT_RECURSIVE : 0);
  if (mount_setattr(tree, "", at, &attr, sizeof(attr)) == 0)
    return take_fd(&tree);
  if (errno == ENOSYS)
    return berth_error(err, errno, "id-mapped mounts need Linux 5.12 (mount_setattr)");
  if (errno == EINVAL)
    return berth_error(
        err, errno, "MOUNT_ATTR_IDMAP on %s: its filesystem%s cannot be id-mapped by this kernel",
        source, opts.idmap_recursive ? " or one mounted below it" : "");
  return berth_error(err, errno, "MOUNT_ATTR_IDMAP on %s", source);
}
