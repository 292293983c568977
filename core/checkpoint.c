/* SPDX-License-Identifier: Apache-2.0 */
#include "checkpoint.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "cleanup.h"
#include "container.h"
#include "factory.h"
#include "id.h"
#include "json_util.h"
#include "plugin_crash.h"
#include "plugin_loader.h"
#include "spec.h"
#include "state.h"
#include "util.h"

int berth_checkpoint_cgroups_mode(const char *name) {
  static const char *const names[] = {"soft", "full", "strict", "ignore"};
  static const int modes[] = {BERTH_CHECKPOINT_CGROUPS_SOFT, BERTH_CHECKPOINT_CGROUPS_FULL,
                              BERTH_CHECKPOINT_CGROUPS_STRICT, BERTH_CHECKPOINT_CGROUPS_IGNORE};
  for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
    if (strcmp(name, names[i]) == 0)
      return modes[i];
  return -1;
}

uint64_t berth_checkpoint_empty_ns(const char *name) {
  return strcmp(name, "network") == 0 ? CLONE_NEWNET : 0;
}

/* A directory the command will use: absolute, made absolute from the cwd as runc does. */
static int absolute(const char *path, const char *fallback, char *out, size_t size,
                    struct berth_error *err) {
  const char *p = path != NULL ? path : fallback;
  char cwd[PATH_MAX];
  if (p[0] != '/' && getcwd(cwd, sizeof(cwd)) == NULL)
    return berth_error(err, errno, "getcwd");
  int n = p[0] == '/' ? snprintf(out, size, "%s", p) : snprintf(out, size, "%s/%s", cwd, p);
  return n < 0 || (size_t)n >= size ? berth_error(err, ENAMETOOLONG, "%s", p) : 0;
}

/* A directory that exists and can be written, or (*missing) whose parent does, for
 * checkpoint to make once criu is known to work. */
static int check_dir(const char *what, const char *path, bool may_be_missing, bool *missing,
                     struct berth_error *err) {
  struct stat st;
  *missing = false;
  if (stat(path, &st) == 0) {
    if (!S_ISDIR(st.st_mode))
      return berth_error(err, ENOTDIR, "%s %s", what, path);
    if (access(path, R_OK | W_OK | X_OK) < 0)
      return berth_error(err, errno, "%s %s", what, path);
    return 0;
  }
  if (errno != ENOENT || !may_be_missing)
    return berth_error(err, errno, "%s %s", what, path);
  char parent[PATH_MAX];
  snprintf(parent, sizeof(parent), "%s", path);
  char *slash = strrchr(parent, '/');
  if (slash != NULL)
    *(slash == parent ? slash + 1 : slash) = '\0';
  if (stat(parent, &st) < 0 || !S_ISDIR(st.st_mode))
    return berth_error(err, errno ? errno : ENOTDIR, "%s %s: parent %s", what, path, parent);
  *missing = true;
  return 0;
}

/* The plugin, and criu usable here: both before anything is touched. */
static int load_plugin(const char *criu_path, const struct berth_plugin **p,
                       struct berth_error *err) {
  int r = berth_plugin_load(BERTH_CHECKPOINT_PLUGIN, BERTH_PLUGIN_KIND_CHECKPOINT, p, err);
  if (r < 0)
    return r;
  r = PLUGIN_CALL(*p, check, (*p)->checkpoint->check(criu_path, err));
  return r < 0 ? berth_error_prefix(err, "criu is not usable here") : 0;
}

/* The spec's bind mounts, which runc declares to CRIU as external: pairs destination, source
 * (strings borrowed from spec), NULL-terminated. */
static const char **external_mounts(json_object *spec) {
  json_object *mounts = json_get_array(spec, "mounts");
  size_t n = mounts != NULL ? json_object_array_length(mounts) : 0, k = 0;
  const char **list = calloc(2 * n + 1, sizeof(*list));
  for (size_t i = 0; list != NULL && i < n; i++) {
    json_object *m = json_object_array_get_idx(mounts, i);
    const char *type = json_get_str(m, "type");
    bool bind = type != NULL && strcmp(type, "bind") == 0;
    json_object *options = json_get_array(m, "options");
    for (size_t j = 0; !bind && options != NULL && j < json_object_array_length(options); j++) {
      const char *o = json_object_get_string(json_object_array_get_idx(options, j));
      bind = o != NULL && (strcmp(o, "bind") == 0 || strcmp(o, "rbind") == 0);
    }
    const char *dest = json_get_str(m, "destination"), *source = json_get_str(m, "source");
    if (bind && dest != NULL && source != NULL) {
      list[k++] = dest;
      list[k++] = source;
    }
  }
  return list;
}

/* linux.maskedPaths that are files in the running container (bound over by /dev/null). */
static const char **masked_files(json_object *spec, pid_t pid) {
  json_object *paths = json_get_array(json_get(spec, "linux"), "maskedPaths");
  size_t n = paths != NULL ? json_object_array_length(paths) : 0, k = 0;
  const char **list = calloc(n + 1, sizeof(*list));
  for (size_t i = 0; list != NULL && i < n; i++) {
    const char *path = json_object_get_string(json_object_array_get_idx(paths, i));
    char there[PATH_MAX];
    struct stat st;
    snprintf(there, sizeof(there), "/proc/%d/root%s", (int)pid, path != NULL ? path : "");
    if (path != NULL && stat(there, &st) == 0 && !S_ISDIR(st.st_mode))
      list[k++] = path;
  }
  return list;
}

static int write_marker(const char *image, const char *id, const char *rootfs,
                        struct berth_error *err) {
  _cleanup_json_ json_object *o = json_object_new_object();
  json_object_object_add(o, "id", json_object_new_string(id));
  json_object_object_add(o, "rootfs", json_object_new_string(rootfs));
  char path[PATH_MAX + 64];
  snprintf(path, sizeof(path), "%s/%s", image, BERTH_CHECKPOINT_MARKER);
  if (json_object_to_file_ext(path, o, JSON_C_TO_STRING_PLAIN) < 0)
    return berth_error(err, errno, "write %s", path);
  return 0;
}

static void free_strv(const char ***v) {
  free(*v);
}

static int dump(const struct berth_checkpoint_options *o, int root_fd, struct berth_container *c,
                struct berth_error *err) {
  enum berth_status s = berth_container_status(c);
  if (s != BERTH_RUNNING)
    return berth_error(err, 0, "container is %s, not running", berth_status_name(s));
  char image[PATH_MAX], work[PATH_MAX];
  bool image_missing, work_missing;
  int r = absolute(o->image_path, "checkpoint", image, sizeof(image), err);
  if (r < 0 || (r = absolute(o->work_path, image, work, sizeof(work), err)) < 0 ||
      (r = check_dir("image path", image, true, &image_missing, err)) < 0)
    return r;
  if (strcmp(work, image) != 0 && (r = check_dir("work path", work, true, &work_missing, err)) < 0)
    return r;
  const struct berth_plugin *p = NULL;
  if ((r = load_plugin(o->criu_path, &p, err)) < 0)
    return r;
  if (image_missing && mkdir(image, 0700) < 0)
    return berth_error(err, errno, "image path %s", image);
  if (strcmp(work, image) != 0 && work_missing && mkdir(work, 0700) < 0)
    return berth_error(err, errno, "work path %s", work);
  const char *rootfs = json_get_str(c->state, "rootfs");
  if ((r = write_marker(image, c->id, rootfs, err)) < 0)
    return r;
  __attribute__((cleanup(free_strv))) const char **mounts = external_mounts(c->spec);
  __attribute__((cleanup(free_strv))) const char **masked = masked_files(c->spec, c->pid);
  if (mounts == NULL || masked == NULL)
    return berth_error(err, ENOMEM, "checkpoint request");
  struct berth_checkpoint_request req = {
      .struct_size = sizeof(req),
      .flags = o->flags,
      .pid = c->pid,
      .manage_cgroups_mode = o->manage_cgroups_mode,
      .empty_ns = o->empty_ns,
      .container_id = c->id,
      .criu_path = o->criu_path,
      .rootfs = rootfs,
      .bundle = json_get_str(c->state, "bundle"),
      .image_path = image,
      .work_path = work,
      .parent_path = o->parent_path,
      .external_mounts = mounts,
      .masked_files = masked,
      .status_fd = o->status_fd,
  };
  r = PLUGIN_CALL(p, dump, p->checkpoint->dump(&req, err));
  if (r < 0 || (o->flags & (BERTH_CHECKPOINT_LEAVE_RUNNING | BERTH_CHECKPOINT_PRE_DUMP)))
    return r;
  /* runc destroys the container once CRIU has taken its processes: state and cgroup go, and
   * the same ID can be restored. */
  return berth_container_delete(root_fd, c, true, err);
}

int berth_checkpoint(const struct berth_checkpoint_options *o, struct berth_error *err) {
  _cleanup_close_ int root_fd = berth_root_open(o->root, false, err);
  if (root_fd == -ENOENT)
    return berth_container_not_found(err, o->id);
  _cleanup_container_ struct berth_container *c = NULL;
  int r = root_fd < 0 ? root_fd : berth_container_load_locked(root_fd, o->id, &c, err);
  if (r == 0)
    r = dump(o, root_fd, c, err);
  return r < 0 ? berth_error_prefix(err, "checkpoint %s", o->id) : 0;
}

/* An image must hold a checkpoint (CRIU's inventory.img), and one berth made must belong to
 * this container: its ID or its root (an engine restores under the same ID, or a renamed
 * container on the same root). */
static int check_image(const char *image, const char *id, const char *bundle,
                       struct berth_error *err) {
  char path[PATH_MAX + 64];
  snprintf(path, sizeof(path), "%s/inventory.img", image);
  if (access(path, R_OK) < 0)
    return berth_error(err, errno, "image path %s holds no checkpoint (inventory.img)", image);
  snprintf(path, sizeof(path), "%s/%s", image, BERTH_CHECKPOINT_MARKER);
  _cleanup_json_ json_object *marker = json_object_from_file(path);
  if (marker == NULL)
    return 0;
  const char *was = json_get_str(marker, "id"), *was_root = json_get_str(marker, "rootfs");
  if (was != NULL && strcmp(was, id) == 0)
    return 0;
  /* The bundle's root as create will resolve it. */
  _cleanup_close_ int fd = open(bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  _cleanup_json_ json_object *spec = NULL;
  if (fd < 0 || berth_spec_load(fd, &spec, err) < 0)
    return fd < 0 ? berth_error(err, errno, "bundle %s", bundle) : -EINVAL;
  const char *root = json_get_str(json_get(spec, "root"), "path");
  char joined[PATH_MAX * 2], rootfs[PATH_MAX];
  snprintf(joined, sizeof(joined), "%s/%s", root != NULL && root[0] == '/' ? "" : bundle,
           root != NULL ? root : "");
  if (was_root != NULL && realpath(joined, rootfs) != NULL && strcmp(was_root, rootfs) == 0)
    return 0;
  return berth_error(err, 0, "image path %s holds container %s (root %s), not %s", image,
                     was != NULL ? was : "?", was_root != NULL ? was_root : "?", id);
}

struct restoring {
  const struct berth_checkpoint_options *o;
  const struct berth_plugin *plugin;
  const char *image, *work;
  json_object *spec;
  const char **masked;
};

/* At restore every masked path is named: the plugin only needs to know that /dev/null binds
 * were dumped, and a path that was a directory matches no mount of the image. */
static const char **masked_paths(json_object *spec) {
  json_object *paths = json_get_array(json_get(spec, "linux"), "maskedPaths");
  size_t n = paths != NULL ? json_object_array_length(paths) : 0;
  const char **list = calloc(n + 1, sizeof(*list));
  for (size_t i = 0; list != NULL && i < n; i++)
    list[i] = json_object_get_string(json_object_array_get_idx(paths, i));
  return list;
}

/* In a child put in the container's cgroup first, so that criu and all it restores start
 * there (runc enters its own process for the same reason); the pid comes back on fd. */
static _Noreturn void restore_child(struct restoring *rs, const char *bundle, const char *rootfs,
                                    struct berth_cgroup_backend *cg, int fd) {
  struct berth_error err = {0};
  __attribute__((cleanup(free_strv))) const char **mounts = NULL;
  int32_t pid = 0;
  int r = berth_cgroup_enter(cg, getpid(), &err);
  if (r == 0) {
    mounts = external_mounts(rs->spec);
    struct berth_checkpoint_request req = {
        .struct_size = sizeof(req),
        .flags = rs->o->flags,
        .manage_cgroups_mode = rs->o->manage_cgroups_mode,
        .empty_ns = rs->o->empty_ns,
        .container_id = rs->o->id,
        .criu_path = rs->o->criu_path,
        .rootfs = rootfs,
        .bundle = bundle,
        .image_path = rs->image,
        .work_path = rs->work,
        .external_mounts = mounts,
        .masked_files = rs->masked,
        .status_fd = -1,
    };
    r = PLUGIN_CALL(rs->plugin, restore, rs->plugin->checkpoint->restore(&req, &pid, &err));
  }
  if (r == 0)
    (void)!write(fd, &pid, sizeof(pid));
  else if (err.msg != NULL)
    (void)!write(fd, err.msg, strlen(err.msg));
  _exit(r == 0 ? 0 : 1);
}

/* berth_restore_fn: the child restores; the restored process, criu's sibling, is the child's
 * child until the child exits, then ours (a subreaper), then our subreaper's. */
static int restore_process(void *data, json_object *spec, const char *bundle, const char *rootfs,
                           struct berth_cgroup_backend *cg, pid_t *pid, struct berth_error *err) {
  struct restoring *rs = data;
  rs->spec = spec;
  __attribute__((cleanup(free_strv))) const char **masked = masked_paths(spec);
  if (masked == NULL)
    return berth_error(err, ENOMEM, "restore request");
  rs->masked = masked;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) < 0)
    return berth_error(err, errno, "pipe");
  _cleanup_close_ int rd = fds[0];
  _cleanup_close_ int wr = fds[1];
  prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  pid_t child = fork();
  if (child < 0)
    return berth_error(err, errno, "fork");
  if (child == 0)
    restore_child(rs, bundle, rootfs, cg, wr);
  closep(&wr);
  char answer[1024];
  ssize_t n;
  size_t got = 0;
  while ((n = read(rd, answer + got, sizeof(answer) - 1 - got)) > 0 || (n < 0 && errno == EINTR))
    got += n > 0 ? (size_t)n : 0;
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR)
    ;
  answer[got] = '\0';
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && got == sizeof(int32_t)) {
    int32_t restored;
    memcpy(&restored, answer, sizeof(restored));
    *pid = restored;
    return 0;
  }
  if (got > 0)
    return berth_error(err, 0, "%s", answer);
  return berth_error(err, 0, "restore child died (status 0x%x)", (unsigned)status);
}

static int restore_checks(const struct berth_checkpoint_options *o, const char *image,
                          const char *work, const char *bundle, struct berth_error *err) {
  int r = berth_validate_id(o->id, err);
  if (r < 0)
    return r;
  _cleanup_close_ int root_fd = berth_root_open(o->root, false, err);
  if (root_fd >= 0) {
    struct stat st;
    if (fstatat(root_fd, o->id, &st, AT_SYMLINK_NOFOLLOW) == 0)
      return berth_error(err, 0, "container with id %s already exists", o->id);
  } else if (root_fd != -ENOENT) {
    return root_fd;
  }
  bool missing;
  if ((r = check_dir("image path", image, false, &missing, err)) < 0 ||
      (r = check_dir("work path", work, false, &missing, err)) < 0 ||
      (r = check_image(image, o->id, bundle, err)) < 0)
    return r;
  _cleanup_close_ int fd = open(bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  _cleanup_json_ json_object *spec = NULL;
  if (fd < 0)
    return berth_error(err, errno, "bundle %s", bundle);
  if ((r = berth_spec_load(fd, &spec, err)) < 0)
    return r;
  /* criu's command line cannot hand a terminal's master back (RPC's orphan-pts-master). */
  if (json_get_bool(json_get(spec, "process"), "terminal", false))
    return berth_error(err, EOPNOTSUPP,
                       "process.terminal: a terminal container cannot be restored through "
                       "criu's command line");
  return 0;
}

int berth_restore(const struct berth_checkpoint_options *o, pid_t *pid, struct berth_error *err) {
  char image[PATH_MAX], work[PATH_MAX], bundle[PATH_MAX];
  struct restoring rs = {.o = o, .image = image, .work = work};
  int r = absolute(o->image_path, "checkpoint", image, sizeof(image), err);
  if (r < 0 || (r = absolute(o->work_path, image, work, sizeof(work), err)) < 0 ||
      (r = absolute(o->bundle, ".", bundle, sizeof(bundle), err)) < 0 ||
      (r = restore_checks(o, image, work, bundle, err)) < 0 ||
      (r = load_plugin(o->criu_path, &rs.plugin, err)) < 0)
    return berth_error_prefix(err, "restore %s", o->id);
  struct berth_create_options co = {.root = o->root,
                                    .id = o->id,
                                    .bundle = bundle,
                                    .pid_file = o->pid_file,
                                    .cgroup_driver = o->cgroup_driver,
                                    .systemd_cgroup = o->systemd_cgroup,
                                    .rootless = o->rootless,
                                    .no_pivot = o->no_pivot,
                                    .console_fd = -1,
                                    .restore = restore_process,
                                    .restore_data = &rs};
  r = berth_create(&co, pid, err);
  return r < 0 ? berth_error_prefix(err, "restore %s", o->id) : 0;
}
