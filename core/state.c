/* SPDX-License-Identifier: Apache-2.0 */
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "id.h"
#include "json_util.h"
#include "pidfd.h"
#include "spec.h"
#include "util.h"

static int mkdir_parents(const char *path, mode_t mode) {
  _cleanup_free_ char *copy = strdup(path);
  if (copy == NULL)
    return -ENOMEM;
  for (char *p = copy + 1; *p != '\0'; p++) {
    if (*p != '/')
      continue;
    *p = '\0';
    if (mkdir(copy, mode) < 0 && errno != EEXIST)
      return -errno;
    *p = '/';
  }
  if (mkdir(copy, mode) < 0 && errno != EEXIST)
    return -errno;
  return 0;
}

int berth_root_open(const char *root, bool create, struct berth_error *err) {
  if (root == NULL || *root == '\0')
    return berth_error(err, 0, "--root must not be empty");
  if (create) {
    int r = mkdir_parents(root, 0700);
    if (r < 0)
      return berth_error(err, -r, "create root directory %s", root);
  }
  int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return errno == ENOENT ? -ENOENT : berth_error(err, errno, "open root directory %s", root);
  return fd;
}

int berth_state_dir_open(int root_fd, const char *id, struct berth_error *err) {
  struct open_how how = {.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
                         .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS};
  int fd = (int)syscall(SYS_openat2, root_fd, id, &how, sizeof(how));
  if (fd < 0 && errno == ENOSYS)
    fd = openat(root_fd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0 && errno == ENOENT)
    return -ENOENT;
  if (fd < 0)
    return berth_error(err, errno, "open state directory of %s", id);
  return fd;
}

int berth_state_write(int dir_fd, json_object *state, struct berth_error *err) {
  static const char tmp[] = ".state.json.tmp";
  const char *text = json_object_to_json_string_ext(state, JSON_C_TO_STRING_PLAIN);
  _cleanup_close_ int fd =
      openat(dir_fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    return berth_error(err, errno, "create %s", tmp);
  int r = write_all(fd, text, strlen(text));
  if (r < 0 || fsync(fd) < 0) {
    r = r < 0 ? -r : errno;
    unlinkat(dir_fd, tmp, 0);
    return berth_error(err, r, "write %s", tmp);
  }
  if (renameat(dir_fd, tmp, dir_fd, BERTH_STATE_FILE) < 0) {
    r = errno;
    unlinkat(dir_fd, tmp, 0);
    return berth_error(err, r, "rename %s to %s", tmp, BERTH_STATE_FILE);
  }
  return 0;
}

void berth_container_free(struct berth_container *c) {
  if (c == NULL)
    return;
  berth_cgroup_release(&c->cg);
  if (c->dir_fd >= 0)
    close(c->dir_fd);
  if (c->pidfd >= 0)
    close(c->pidfd);
  if (c->state != NULL)
    json_object_put(c->state);
  free(c->id);
  free(c);
}

static int parse_state(struct berth_container *c, struct berth_error *err) {
  _cleanup_free_ char *text = NULL;
  int r = read_file_at(c->dir_fd, BERTH_STATE_FILE, &text, err);
  if (r < 0)
    return r;
  r = berth_spec_parse(text, BERTH_STATE_FILE, &c->state, err);
  if (r < 0)
    return r;
  c->spec = json_get(c->state, "config");
  c->pid = (pid_t)json_get_int(c->state, "init_process_pid", 0);
  c->start_time = (unsigned long long)json_get_int(c->state, "init_process_start", 0);
  if (c->spec == NULL || c->pid <= 0)
    return berth_error(err, 0, "%s: config or init_process_pid missing", BERTH_STATE_FILE);
  return 0;
}

/* ENOENT as the code (callers test it), without strerror's words after the message. */
int berth_container_not_found(struct berth_error *err, const char *id) {
  berth_error(err, 0, "container %s does not exist", id);
  if (err != NULL && err->code == EIO)
    err->code = ENOENT;
  return -ENOENT;
}

int berth_container_load(int root_fd, const char *id, struct berth_container **out,
                         struct berth_error *err) {
  int r = berth_validate_id(id, err);
  if (r < 0)
    return r;
  struct berth_container *c = calloc(1, sizeof(*c));
  if (c == NULL)
    return berth_error(err, ENOMEM, "load %s", id);
  _cleanup_container_ struct berth_container *owned = c;
  c->dir_fd = c->pidfd = -1;
  c->id = strdup(id);
  c->dir_fd = berth_state_dir_open(root_fd, id, err);
  if (c->dir_fd == -ENOENT)
    return berth_container_not_found(err, id);
  if (c->dir_fd < 0)
    return c->dir_fd;
  r = parse_state(c, err);
  if (r < 0)
    return r;
  berth_container_pin(c);
  r = berth_cgroup_load(json_get(c->state, "cgroup"), &c->cg, err);
  if (r < 0)
    return r;
  *out = steal_pointer(&owned);
  return 0;
}

enum berth_status berth_container_status(struct berth_container *c) {
  /* The recorded start time guards against a recycled pid. */
  if (!process_alive(c->pid) || process_start_time(c->pid) != c->start_time)
    return BERTH_STOPPED;
  if (berth_cgroup_is_frozen(&c->cg))
    return BERTH_PAUSED;
  if (faccessat(c->dir_fd, BERTH_FIFO_FILE, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
    return BERTH_CREATED;
  return BERTH_RUNNING;
}

const char *berth_status_name(enum berth_status s) {
  static const char *const names[] = {"creating", "created", "running", "paused", "stopped"};
  return names[s];
}

int berth_state_dir_remove(int root_fd, const char *id, struct berth_error *err) {
  _cleanup_close_ int dir_fd = berth_state_dir_open(root_fd, id, err);
  if (dir_fd == -ENOENT)
    return 0;
  if (dir_fd < 0)
    return dir_fd;
  _cleanup_closedir_ DIR *d = fdopendir(dup(dir_fd));
  if (d == NULL)
    return berth_error(err, errno, "read state directory of %s", id);
  for (struct dirent *e = readdir(d); e != NULL; e = readdir(d)) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    if (unlinkat(dir_fd, e->d_name, 0) < 0 && errno != ENOENT)
      return berth_error(err, errno, "remove %s of %s", e->d_name, id);
  }
  if (unlinkat(root_fd, id, AT_REMOVEDIR) < 0 && errno != ENOENT)
    return berth_error(err, errno, "remove state directory of %s", id);
  return 0;
}

static json_object *owner_name(json_object *state) {
  uid_t uid = (uid_t)json_get_int(state, "owner_uid", 0);
  struct passwd *pw = getpwuid(uid);
  return json_object_new_string(pw != NULL ? pw->pw_name : "");
}

json_object *berth_container_oci_state(struct berth_container *c, enum berth_status s) {
  json_object *o = json_object_new_object();
  const char *version = json_get_str(c->spec, "ociVersion");
  json_object_object_add(o, "ociVersion", json_object_new_string(version ? version : ""));
  json_object_object_add(o, "id", json_object_new_string(c->id));
  json_object_object_add(o, "pid", json_object_new_int(s == BERTH_STOPPED ? 0 : c->pid));
  json_object_object_add(o, "status", json_object_new_string(berth_status_name(s)));
  static const char *const copied[] = {"bundle", "rootfs", "created"};
  for (size_t i = 0; i < sizeof(copied) / sizeof(copied[0]); i++) {
    const char *v = json_get_str(c->state, copied[i]);
    json_object_object_add(o, copied[i], json_object_new_string(v ? v : ""));
  }
  json_object_object_add(o, "owner", owner_name(c->state));
  json_object *annotations = json_get(c->spec, "annotations");
  if (annotations != NULL)
    json_object_object_add(o, "annotations", json_object_get(annotations));
  return o;
}
