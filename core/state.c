/* SPDX-License-Identifier: Apache-2.0 */
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cleanup.h"
#include "id.h"
#include "json_util.h"
#include "lock.h"
#include "parse.h"
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

/* A fresh hidden name in dir_fd, made with O_EXCL: two writers never share a temporary file
 * (one renaming the other's half-written text into place). */
static int create_temp(int dir_fd, const char *name, char *tmp, size_t size) {
  for (int attempt = 0; attempt < 100; attempt++) {
    unsigned int r = 0;
    if (getrandom(&r, sizeof(r), 0) != sizeof(r))
      r = (unsigned int)getpid() * 2654435761u + (unsigned int)attempt;
    snprintf(tmp, size, ".%s.%08x", name, r);
    int fd = openat(dir_fd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd >= 0 || errno != EEXIST)
      return fd < 0 ? -errno : fd;
  }
  return -EEXIST;
}

/* The fsync makes the new text durable before the rename publishes it, so that a power cut on
 * a disk cannot leave an empty file under the old name. On tmpfs and ramfs (/run) nothing
 * outlives a power cut and the rename alone is atomic: the fsync is only a cost there (the
 * largest single cost of a `run` on a loaded host). */
static bool needs_fsync(int dir_fd) {
  struct statfs st;
  return fstatfs(dir_fd, &st) < 0 || (st.f_type != TMPFS_MAGIC && st.f_type != RAMFS_MAGIC);
}

int berth_state_write_file(int dir_fd, const char *name, json_object *o, struct berth_error *err) {
  const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
  char tmp[64];
  _cleanup_close_ int fd = create_temp(dir_fd, name, tmp, sizeof(tmp));
  if (fd < 0)
    return berth_error(err, -fd, "create a temporary file for %s", name);
  int r = write_all(fd, text, strlen(text));
  if (r < 0 || (needs_fsync(dir_fd) && fsync(fd) < 0)) {
    r = r < 0 ? -r : errno;
    unlinkat(dir_fd, tmp, 0);
    return berth_error(err, r, "write %s", tmp);
  }
  /* rename replaces atomically: a reader opens the old file or the new one, never a part. */
  if (renameat(dir_fd, tmp, dir_fd, name) < 0) {
    r = errno;
    unlinkat(dir_fd, tmp, 0);
    return berth_error(err, r, "rename %s to %s", tmp, name);
  }
  return 0;
}

int berth_state_write(int dir_fd, json_object *state, struct berth_error *err) {
  return berth_state_write_file(dir_fd, BERTH_STATE_FILE, state, err);
}

void berth_container_free(struct berth_container *c) {
  if (c == NULL)
    return;
  berth_cgroup_release(&c->cg);
  berth_rdt_release(&c->rdt);
  if (c->dir_fd >= 0)
    close(c->dir_fd);
  if (c->pidfd >= 0)
    close(c->pidfd);
  if (c->state != NULL)
    json_object_put(c->state);
  free(c->id);
  free(c);
}

/* A process named by a record (FILE): its pid (0 when absent) and start time, range-checked
 * as they are read: a pid past pid_t or a negative start time is a damaged record, never a
 * cast that signals another process. */
static int read_process(json_object *o, const char *file, const char *pid_key,
                        const char *start_key, pid_t *pid, unsigned long long *start,
                        struct berth_error *err) {
  int64_t p, t;
  int r = berth_json_int(o, pid_key, file, 0, INT_MAX, 0, &p, err);
  if (r < 0 || (r = berth_json_int(o, start_key, file, 0, INT64_MAX, 0, &t, err)) < 0)
    return r;
  *pid = (pid_t)p;
  *start = (unsigned long long)t;
  return 0;
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
  const char *status = json_get_str(c->state, "status");
  c->creating = status != NULL && strcmp(status, "creating") == 0;
  if ((r = read_process(c->state, BERTH_STATE_FILE, "init_process_pid", "init_process_start",
                        &c->pid, &c->start_time, err)) < 0 ||
      (r = read_process(c->state, BERTH_STATE_FILE, "creator_pid", "creator_start", &c->creator,
                        &c->creator_start, err)) < 0)
    return r;
  /* A record written during create has no init yet. */
  if (c->spec == NULL || (c->pid <= 0 && !c->creating))
    return berth_error(err, 0, "%s: config or init_process_pid missing", BERTH_STATE_FILE);
  return 0;
}

/* The cgroup a record names. Before the plugin has made it the record holds the driver
 * alone: the plugin is loaded without a handle, which every operation skips. */
static int load_cgroup(json_object *saved, json_object *spec, struct berth_cgroup_backend *cg,
                       struct berth_error *err) {
  const char *driver = json_get_str(saved, "driver");
  if (driver != NULL && json_get(saved, "state") == NULL)
    return berth_cgroup_select(driver, false, spec, cg, err);
  return berth_cgroup_load(saved, cg, err);
}

/* ENOENT as the code (callers test it), without strerror's words after the message. */
int berth_container_not_found(struct berth_error *err, const char *id) {
  berth_error(err, 0, "container %s does not exist", id);
  if (err != NULL && err->code == EIO)
    err->code = ENOENT;
  return -ENOENT;
}

static struct berth_container *container_new(const char *id) {
  struct berth_container *c = calloc(1, sizeof(*c));
  if (c == NULL)
    return NULL;
  c->dir_fd = c->pidfd = -1;
  c->id = strdup(id);
  if (c->id == NULL) {
    free(c);
    return NULL;
  }
  return c;
}

/* Validate the ID, open its state dir and, for a command that changes the container, take
 * its lock before anything is read. */
static int open_container(int root_fd, const char *id, bool lock, struct berth_container **out,
                          struct berth_error *err) {
  int r = berth_validate_id(id, err);
  if (r < 0)
    return r;
  _cleanup_container_ struct berth_container *c = container_new(id);
  if (c == NULL)
    return berth_error(err, ENOMEM, "load %s", id);
  c->dir_fd = berth_state_dir_open(root_fd, id, err);
  if (c->dir_fd == -ENOENT)
    return berth_container_not_found(err, id);
  if (c->dir_fd < 0)
    return c->dir_fd;
  if (lock && (r = berth_state_lock(c->dir_fd, id, err)) < 0)
    return r;
  *out = steal_pointer(&c);
  return 0;
}

/* cleanup.json, or NULL when absent or damaged. */
static json_object *read_record(int dir_fd) {
  _cleanup_free_ char *text = NULL;
  _cleanup_error_ struct berth_error ignored = {0};
  json_object *record = NULL;
  if (read_file_at(dir_fd, BERTH_RECORD_FILE, &text, &ignored) < 0 ||
      berth_spec_parse(text, BERTH_RECORD_FILE, &record, &ignored) < 0)
    return NULL;
  return record;
}

static int load(int root_fd, const char *id, bool lock, struct berth_container **out,
                struct berth_error *err) {
  _cleanup_container_ struct berth_container *c = NULL;
  int r = open_container(root_fd, id, lock, &c, err);
  if (r < 0)
    return r;
  r = parse_state(c, err);
  if (r < 0) {
    /* Not the ENOENT of a missing state.json: the container exists, its record is bad. */
    berth_error_prefix(err, "container %s: damaged state", id);
    if (err != NULL)
      err->code = EUCLEAN;
    return -EUCLEAN;
  }
  /* An unfinished create recorded its cgroup and init in cleanup.json only. */
  _cleanup_json_ json_object *record = c->creating ? read_record(c->dir_fd) : NULL;
  if (record != NULL && (r = read_process(record, BERTH_RECORD_FILE, "init_process_pid",
                                          "init_process_start", &c->pid, &c->start_time, err)) < 0)
    return r;
  berth_container_pin(c);
  json_object *made = record != NULL ? record : c->state;
  r = load_cgroup(json_get(made, "cgroup"), c->spec, &c->cg, err);
  if (r < 0 || (r = berth_rdt_load(json_get(made, "intel_rdt"), &c->rdt, err)) < 0)
    return r;
  *out = steal_pointer(&c);
  return 0;
}

int berth_container_load(int root_fd, const char *id, struct berth_container **out,
                         struct berth_error *err) {
  return load(root_fd, id, false, out, err);
}

int berth_container_load_locked(int root_fd, const char *id, struct berth_container **out,
                                struct berth_error *err) {
  return load(root_fd, id, true, out, err);
}

int berth_container_load_record(int root_fd, const char *id, struct berth_container **out,
                                struct berth_error *err) {
  _cleanup_container_ struct berth_container *c = NULL;
  int r = open_container(root_fd, id, true, &c, err);
  if (r < 0)
    return r;
  c->damaged = true;
  _cleanup_json_ json_object *record = read_record(c->dir_fd);
  if (record == NULL) {
    /* Nothing is made before state.json's first record: without either file, there is
     * nothing to look for. */
    c->unknown = faccessat(c->dir_fd, BERTH_STATE_FILE, F_OK, AT_SYMLINK_NOFOLLOW) == 0 ||
                 faccessat(c->dir_fd, BERTH_RECORD_FILE, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
    snprintf(c->cg.driver, sizeof(c->cg.driver), "none");
    *out = steal_pointer(&c);
    return 0;
  }
  r = load_cgroup(json_get(record, "cgroup"), NULL, &c->cg, err);
  if (r < 0 || (r = berth_rdt_load(json_get(record, "intel_rdt"), &c->rdt, err)) < 0)
    return berth_error_prefix(err, "%s", BERTH_RECORD_FILE);
  r = read_process(record, BERTH_RECORD_FILE, "init_process_pid", "init_process_start", &c->pid,
                   &c->start_time, err);
  if (r < 0)
    return r;
  berth_container_pin(c);
  *out = steal_pointer(&c);
  return 0;
}

bool berth_container_init_alive(struct berth_container *c) {
  /* The recorded start time guards against a recycled pid. */
  return c->pid > 0 && process_alive(c->pid) && process_start_time(c->pid) == c->start_time;
}

enum berth_status berth_container_status(struct berth_container *c) {
  /* A create that still runs holds the lock; one whose creator died is what runc calls a
   * creating container with a dead pid: stopped, for delete to clean up. */
  if (c->creating)
    return process_alive(c->creator) && process_start_time(c->creator) == c->creator_start
               ? BERTH_CREATING
               : BERTH_STOPPED;
  if (!berth_container_init_alive(c))
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
  uint32_t uid;
  _cleanup_error_ struct berth_error ignored = {0};
  struct passwd *pw = berth_json_id(state, "owner_uid", BERTH_STATE_FILE, 0, &uid, &ignored) == 0
                          ? getpwuid((uid_t)uid)
                          : NULL;
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
