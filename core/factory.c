/* SPDX-License-Identifier: Apache-2.0 */
#include "factory.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "cleanup.h"
#include "console.h"
#include "device_classes.h"
#include "hooks.h"
#include "id.h"
#include "json_util.h"
#include "log.h"
#include "phase.h"
#include "lock.h"
#include "lsm.h"
#include "rdt.h"
#include "spawn.h"
#include "spec.h"
#include "state.h"
#include "util.h"

/* What create builds, so that a failure anywhere can take it all down again. */
struct creation {
  const struct berth_create_options *o;
  int root_fd;
  int dir_fd;
  bool dir_made;
  json_object *spec;
  char bundle[PATH_MAX];
  char rootfs[PATH_MAX];
  struct berth_cgroup_backend cg;
  bool cgroup_made;
  struct berth_rdt_backend rdt; /* linux.intelRdt's plugin, or none */
  bool rdt_made;
  bool spawned; /* hooks may have run */
  /* The LSM labels the init applies (berth_lsm_prepare), or NULL. */
  json_object *exec_attrs;
  /* The device classes merged into the spec (berth_device_classes_apply), or NULL. */
  json_object *device_classes;
  char created[64]; /* the creation time every record carries */
};

static int resolve_bundle(struct creation *c, struct berth_error *err) {
  const char *bundle = c->o->bundle != NULL ? c->o->bundle : ".";
  if (realpath(bundle, c->bundle) == NULL)
    return berth_error(err, errno, "bundle %s", bundle);
  _cleanup_close_ int fd = open(c->bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return berth_error(err, errno, "bundle %s", c->bundle);
  int r = berth_spec_load(fd, &c->spec, err);
  if (r < 0)
    return r;
  const char *root = json_get_str(json_get(c->spec, "root"), "path");
  char joined[PATH_MAX * 2];
  snprintf(joined, sizeof(joined), "%s/%s", root[0] == '/' ? "" : c->bundle, root);
  struct stat st;
  if (realpath(joined, c->rootfs) == NULL || stat(c->rootfs, &st) < 0)
    return berth_error(err, errno, "root.path %s", root);
  if (!S_ISDIR(st.st_mode))
    return berth_error(err, ENOTDIR, "root.path %s", root);
  return 0;
}

static int make_state_dir(struct creation *c, struct berth_error *err) {
  if (mkdirat(c->root_fd, c->o->id, 0711) < 0) {
    if (errno == EEXIST)
      return berth_error(err, 0, "container with id %s already exists", c->o->id);
    return berth_error(err, errno, "create state directory %s/%s", c->o->root, c->o->id);
  }
  c->dir_made = true;
  berth_crash_point("create-mkdir");
  c->dir_fd = berth_state_dir_open(c->root_fd, c->o->id, err);
  if (c->dir_fd < 0)
    return c->dir_fd;
  /* Held until create returns: a delete -f waits for create to finish or fail. */
  int r = berth_state_lock(c->dir_fd, c->o->id, err);
  if (r < 0)
    return r;
  /* mkdir's mode passes through the umask. */
  if (fchmod(c->dir_fd, 0711) < 0)
    return berth_error(err, errno, "chmod state directory");
  if (mkfifoat(c->dir_fd, BERTH_FIFO_FILE, 0622) < 0 ||
      fchmodat(c->dir_fd, BERTH_FIFO_FILE, 0622, 0) < 0)
    return berth_error(err, errno, "create %s", BERTH_FIFO_FILE);
  return 0;
}

static json_object *state_object(struct creation *c, pid_t pid, json_object *cgroup) {
  if (c->created[0] == '\0') {
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(c->created, sizeof(c->created), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(c->created + n, sizeof(c->created) - n, ".%09ldZ", ts.tv_nsec);
  }
  json_object *s = json_object_new_object();
  json_object_object_add(s, "id", json_object_new_string(c->o->id));
  json_object_object_add(s, "init_process_pid", json_object_new_int(pid));
  json_object_object_add(s, "init_process_start",
                         json_object_new_int64((int64_t)process_start_time(pid)));
  json_object_object_add(s, "created", json_object_new_string(c->created));
  json_object_object_add(s, "bundle", json_object_new_string(c->bundle));
  json_object_object_add(s, "rootfs", json_object_new_string(c->rootfs));
  json_object_object_add(s, "owner_uid", json_object_new_int((int)geteuid()));
  json_object_object_add(s, "rootless", json_object_new_boolean(c->o->rootless));
  json_object_object_add(s, "cgroup", cgroup);
  if (c->device_classes != NULL)
    json_object_object_add(s, "device_classes", json_object_get(c->device_classes));
  json_object_object_add(s, "config", json_object_get(c->spec));
  return s;
}

/* The resctrl group as the RDT plugin saved it, beside the cgroup, in a record. */
static int add_rdt(struct creation *c, json_object *record, struct berth_error *err) {
  json_object *rdt = NULL;
  int r = berth_rdt_save(&c->rdt, &rdt, err);
  if (r == 0 && rdt != NULL)
    json_object_object_add(record, "intel_rdt", rdt);
  return r;
}

/* The records, each one atomic write, so that the state dir always names what exists:
 * state.json "creating" (the driver, the spec) before the cgroup is made; cleanup.json (the
 * cgroup as its plugin saved it, then the init's pid) as each is made; the final state.json
 * once the init is ready. A creating record also names its creator: if that has died, the
 * container is stopped, for delete to clean. */
static int record_creating(struct creation *c, struct berth_error *err) {
  json_object *cgroup = NULL;
  int r = berth_cgroup_save(&c->cg, &cgroup, err);
  if (r < 0)
    return r;
  _cleanup_json_ json_object *state = state_object(c, 0, cgroup);
  pid_t self = getpid();
  json_object_object_add(state, "status", json_object_new_string("creating"));
  json_object_object_add(state, "creator_pid", json_object_new_int(self));
  json_object_object_add(state, "creator_start",
                         json_object_new_int64((int64_t)process_start_time(self)));
  return berth_state_write(c->dir_fd, state, err);
}

static int record_made(struct creation *c, pid_t pid, struct berth_error *err) {
  json_object *cgroup = NULL;
  int r = berth_cgroup_save(&c->cg, &cgroup, err);
  if (r < 0)
    return r;
  _cleanup_json_ json_object *record = json_object_new_object();
  json_object_object_add(record, "cgroup", cgroup);
  if ((r = add_rdt(c, record, err)) < 0)
    return r;
  json_object_object_add(record, "init_process_pid", json_object_new_int(pid));
  json_object_object_add(record, "init_process_start",
                         json_object_new_int64((int64_t)process_start_time(pid)));
  return berth_state_write_file(c->dir_fd, BERTH_RECORD_FILE, record, err);
}

static int record_init(void *data, pid_t pid, struct berth_error *err) {
  berth_crash_point("create-clone");
  uint64_t t = berth_phase_begin();
  int r = record_made(data, pid, err);
  berth_phase_end(t, "init record");
  berth_crash_point("create-init-recorded");
  return r;
}

/* runc's rules: a terminal needs somewhere to send it, and a console socket needs a terminal. */
static int open_console(struct creation *c, int *fd, struct berth_error *err) {
  bool terminal = json_get_bool(json_get(c->spec, "process"), "terminal", false);
  if (!terminal && c->o->console_socket != NULL)
    return berth_error(err, 0, "--console-socket given but process.terminal is false");
  if (!terminal)
    return 0;
  if (c->o->console_fd >= 0) {
    *fd = fcntl(c->o->console_fd, F_DUPFD_CLOEXEC, 3);
    return *fd < 0 ? berth_error(err, errno, "console fd") : 0;
  }
  if (c->o->console_socket == NULL)
    return berth_error(err, 0,
                       "process.terminal is true: cannot allocate a terminal for a "
                       "detached container without --console-socket");
  *fd = berth_console_connect(c->o->console_socket, err);
  return *fd < 0 ? *fd : 0;
}

/* systemd socket activation passes through, as runc does: the container's process sees the
 * sockets at 3.. and is told so as pid 1 of its namespace. */
static void pass_listen_fds(struct creation *c) {
  if (c->o->listen_fds <= 0)
    return;
  json_object *env = json_get_array(json_get(c->spec, "process"), "env");
  if (env == NULL) {
    env = json_object_new_array();
    json_object_object_add(json_get(c->spec, "process"), "env", env);
  }
  char text[32];
  snprintf(text, sizeof(text), "LISTEN_FDS=%d", c->o->listen_fds);
  json_object_array_add(env, json_object_new_string(text));
  json_object_array_add(env, json_object_new_string("LISTEN_PID=1"));
}

static int write_final_state(struct creation *c, pid_t pid, struct berth_error *err) {
  json_object *cgroup = NULL;
  int r = berth_cgroup_save(&c->cg, &cgroup, err);
  if (r < 0)
    return r;
  _cleanup_json_ json_object *state = state_object(c, pid, cgroup);
  if ((r = add_rdt(c, state, err)) < 0)
    return r;
  berth_crash_point("create-final");
  r = berth_state_write(c->dir_fd, state, err);
  berth_crash_point("create-done");
  if (r == 0 && c->o->pid_file != NULL)
    r = berth_write_pid_file(c->o->pid_file, pid, err);
  return r;
}

/* restore: the process is made running, so no exec.fifo (which would say created), and no
 * hooks (runc's restore runs none). */
static int finish_restore(struct creation *c, pid_t *pid, struct berth_error *err) {
  int r = c->o->restore(c->o->restore_data, c->spec, c->bundle, c->rootfs, &c->cg, pid, err);
  /* runc's restore applies the intelRdt group to the restored process, as create to the init. */
  if (r < 0 || (r = record_made(c, *pid, err)) < 0 || (r = berth_rdt_add(&c->rdt, *pid, err)) < 0)
    return r;
  if (unlinkat(c->dir_fd, BERTH_FIFO_FILE, 0) < 0)
    return berth_error(err, errno, "remove %s", BERTH_FIFO_FILE);
  return write_final_state(c, *pid, err);
}

/* The config, parsed and validated, and what it selects: labels, device classes, plugins. */
static int prepare(struct creation *c, struct berth_error *err) {
  uint64_t t = berth_phase_begin();
  int r = berth_validate_id(c->o->id, err);
  if (r < 0 || (r = resolve_bundle(c, err)) < 0)
    return r;
  pass_listen_fds(c);
  berth_phase_end(t, "config");
  t = berth_phase_begin();
  if ((r = berth_lsm_prepare(c->spec, &c->exec_attrs, err)) < 0)
    return r;
  berth_phase_end(t, "lsm prepare");
  t = berth_phase_begin();
  if ((r = berth_device_classes_apply(c->spec, &c->device_classes, err)) < 0)
    return r;
  berth_phase_end(t, "device classes");
  t = berth_phase_begin();
  r = berth_cgroup_select(c->o->cgroup_driver, c->o->systemd_cgroup, c->spec, &c->cg, err);
  if (r < 0 || (r = berth_rdt_select(c->spec, &c->rdt, err)) < 0)
    return r;
  berth_phase_end(t, "plugin load");
  return 0;
}

static int build(struct creation *c, pid_t *pid, struct berth_error *err) {
  int r = prepare(c, err);
  if (r < 0)
    return r;
  uint64_t t = berth_phase_begin();
  c->root_fd = berth_root_open(c->o->root, true, err);
  if (c->root_fd < 0)
    return c->root_fd;
  if ((r = make_state_dir(c, err)) < 0 || (r = record_creating(c, err)) < 0)
    return r;
  berth_phase_end(t, "state dir and record");
  berth_crash_point("create-record");
  t = berth_phase_begin();
  r = berth_cgroup_create(&c->cg, c->o->id, c->spec, c->o->rootless, err);
  if (r < 0)
    return r;
  c->cgroup_made = true;
  berth_crash_point("create-cgroup");
  if ((r = record_made(c, 0, err)) < 0)
    return r;
  /* The plugin validates linux.intelRdt before it makes the group, and removes what it made
   * when it fails; the group is recorded at once, like the cgroup (intelrdt.so makes it only at
   * the first add, so the record comes first). */
  if ((r = berth_rdt_create(&c->rdt, c->o->id, c->spec, err)) < 0)
    return r;
  c->rdt_made = true;
  berth_crash_point("create-rdt");
  if ((r = record_made(c, 0, err)) < 0)
    return r;
  berth_phase_end(t, "cgroup create");
  if (c->o->restore != NULL)
    return finish_restore(c, pid, err);
  _cleanup_close_ int console_fd = -1;
  r = open_console(c, &console_fd, err);
  if (r < 0)
    return r;
  _cleanup_close_ int fifo_fd = openat(c->dir_fd, BERTH_FIFO_FILE, O_PATH | O_CLOEXEC);
  if (fifo_fd < 0)
    return berth_error(err, errno, "open %s", BERTH_FIFO_FILE);
  struct berth_spawn_config sc = {.id = c->o->id,
                                  .spec = c->spec,
                                  .rootfs = c->rootfs,
                                  .bundle = c->bundle,
                                  .no_pivot = c->o->no_pivot,
                                  .no_new_keyring = c->o->no_new_keyring,
                                  .preserve_fds = c->o->listen_fds + c->o->preserve_fds,
                                  .fifo_fd = fifo_fd,
                                  .console_fd = console_fd,
                                  .root_fd = -1,
                                  .cg = &c->cg,
                                  .rdt = &c->rdt,
                                  .exec_attrs = c->exec_attrs,
                                  .on_init = record_init,
                                  .on_init_data = c};
  c->spawned = true;
  r = berth_spawn_init(&sc, pid, err);
  if (r < 0)
    return r;
  t = berth_phase_begin();
  r = write_final_state(c, *pid, err);
  berth_phase_end(t, "state write");
  return r;
}

/* Best effort by design: create has already failed with its own error, which undo must not
 * replace; what undo cannot remove it warns about. */
static void undo(struct creation *c, pid_t pid) {
  if (pid > 0) {
    kill(pid, SIGKILL); /* may have exited already */
    for (int i = 0; i < 1000 && process_alive(pid); i++)
      usleep(1000);
  }
  _cleanup_error_ struct berth_error cgroup = {0};
  if (c->cgroup_made && berth_cgroup_destroy(&c->cg, &cgroup) < 0)
    berth_log(BERTH_LOG_WARN, "create %s: undo: %s", c->o->id, cgroup.msg);
  _cleanup_error_ struct berth_error rdt = {0};
  if (c->rdt_made && berth_rdt_destroy(&c->rdt, &rdt) < 0)
    berth_log(BERTH_LOG_WARN, "create %s: undo: %s", c->o->id, rdt.msg);
  /* The runtime spec (and runc) go on to delete after a failed create: poststop hooks may
   * undo what earlier hooks set up (a createRuntime hook's network, say). */
  if (c->spawned) {
    _cleanup_json_ json_object *state =
        berth_hook_state(c->spec, c->o->id, "stopped", 0, c->bundle);
    berth_hooks_run_warn(c->spec, "poststop", state, NULL);
  }
  _cleanup_error_ struct berth_error dir = {0};
  /* The record stays if the cgroup could not be removed, for delete -f to try again. */
  if (c->dir_made && cgroup.msg == NULL && rdt.msg == NULL &&
      berth_state_dir_remove(c->root_fd, c->o->id, &dir) < 0)
    berth_log(BERTH_LOG_WARN, "create %s: undo: %s", c->o->id, dir.msg);
}

int berth_create(const struct berth_create_options *o, pid_t *pid, struct berth_error *err) {
  struct creation c = {.o = o, .root_fd = -1, .dir_fd = -1};
  *pid = 0;
  int r = build(&c, pid, err);
  if (r < 0) {
    undo(&c, *pid);
    if (o->restore == NULL)
      berth_error_prefix(err, "create %s", o->id);
  }
  berth_cgroup_release(&c.cg);
  berth_rdt_release(&c.rdt);
  if (c.spec != NULL)
    json_object_put(c.spec);
  json_putp(&c.exec_attrs);
  json_putp(&c.device_classes);
  closep(&c.dir_fd);
  closep(&c.root_fd);
  return r;
}

int berth_write_pid_file(const char *path, pid_t pid, struct berth_error *err) {
  char tmp[PATH_MAX], text[32];
  const char *slash = strrchr(path, '/');
  int dirlen = slash != NULL ? (int)(slash - path) : 0;
  /* A unique name (mkostemp: O_EXCL), so that concurrent writers never share one. */
  int n = snprintf(tmp, sizeof(tmp), "%.*s%s.%s.XXXXXX", dirlen, path, slash ? "/" : "",
                   slash ? slash + 1 : path);
  if (n < 0 || (size_t)n >= sizeof(tmp))
    return berth_error(err, ENAMETOOLONG, "pid file %s", path);
  snprintf(text, sizeof(text), "%d", (int)pid);
  _cleanup_close_ int fd = mkostemp(tmp, O_CLOEXEC);
  if (fd < 0)
    return berth_error(err, errno, "pid file %s", tmp);
  int r = fchmod(fd, 0644) < 0 ? -errno : write_all(fd, text, strlen(text));
  if (r < 0 || rename(tmp, path) < 0) {
    int saved = r < 0 ? -r : errno;
    unlink(tmp);
    return berth_error(err, saved, "pid file %s", path);
  }
  return 0;
}
