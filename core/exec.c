/* SPDX-License-Identifier: Apache-2.0 */
#include "exec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "console.h"
#include "factory.h"
#include "json_util.h"
#include "lsm.h"
#include "namespaces.h"
#include "pidfd.h"
#include "rootfs.h"
#include "spawn.h"
#include "spec.h"
#include "test_delay.h"

static const struct {
  const char *type;
  const char *proc_name;
} ns_files[] = {
    {"pid", "pid"}, {"network", "net"}, {"mount", "mnt"},     {"ipc", "ipc"},
    {"uts", "uts"}, {"user", "user"},   {"cgroup", "cgroup"}, {"time", "time"},
};

/* The container's spec with process replaced and every namespace pointing at the init's. */
static json_object *exec_spec(struct berth_container *c, json_object *process) {
  json_object *spec = NULL;
  if (json_object_deep_copy(c->spec, &spec, NULL) < 0)
    return NULL;
  json_object_object_add(spec, "process", json_object_get(process));
  berth_lsm_inherit(process, json_get(c->spec, "process"));
  json_object *list = json_get_array(json_get(spec, "linux"), "namespaces");
  for (size_t i = 0; list != NULL && i < json_object_array_length(list); i++) {
    json_object *ns = json_object_array_get_idx(list, i);
    const char *type = json_get_str(ns, "type");
    for (size_t j = 0; j < sizeof(ns_files) / sizeof(ns_files[0]); j++) {
      if (strcmp(type, ns_files[j].type) != 0)
        continue;
      char path[64];
      snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)c->pid, ns_files[j].proc_name);
      json_object_object_add(ns, "path", json_object_new_string(path));
    }
  }
  return spec;
}

static int check_status(struct berth_container *c, bool ignore_paused, struct berth_error *err) {
  enum berth_status s = berth_container_status(c);
  if (s == BERTH_STOPPED)
    return berth_error(err, 0, "cannot exec in container %s: it is stopped", c->id);
  if (s == BERTH_PAUSED && !ignore_paused)
    return berth_error(err, 0, "cannot exec in container %s: it is paused (use --ignore-paused)",
                       c->id);
  return 0;
}

static int open_console(json_object *process, const struct berth_exec_options *o, int *fd,
                        struct berth_error *err) {
  bool terminal = json_get_bool(process, "terminal", false);
  if (!terminal && o->console_socket != NULL)
    return berth_error(err, 0, "--console-socket given but the process has no terminal");
  if (!terminal)
    return 0;
  if (o->console_fd >= 0)
    *fd = fcntl(o->console_fd, F_DUPFD_CLOEXEC, 3);
  else if (o->console_socket != NULL)
    *fd = berth_console_connect(o->console_socket, err);
  else
    return berth_error(err, 0, "a terminal for a detached exec needs --console-socket");
  return *fd < 0 ? (err->msg ? *fd : berth_error(err, errno, "console fd")) : 0;
}

/* The init's death frees its pid for any process: whatever berth opens through /proc/PID is
 * checked afterwards against the init pinned at Load (pidfd.h). Still there, it was the init's. */
static int check_pinned(struct berth_container *c, struct berth_error *err) {
  if (!berth_container_pinned(c))
    return berth_error(err, 0, "cannot exec in container %s: it is stopped (its init exited)",
                       c->id);
  return 0;
}

/* A container without a mount namespace shares the host's: joining "its" mount namespace
 * would put the process on the host's root. Its root is a detached tree (rootfs.h) that only
 * its processes reach: open it through the init. */
static int open_container_root(struct berth_container *c, int *fd, struct berth_error *err) {
  *fd = -1;
  if (!berth_rootfs_shares_host_mount_namespace(c->spec))
    return 0;
  char path[64];
  snprintf(path, sizeof(path), "/proc/%d/root", (int)c->pid);
  *fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (*fd < 0)
    return berth_error(err, errno, "exec in %s: open the container's root %s", c->id, path);
  return check_pinned(c, err);
}

/* The init's namespaces, opened now (after a wait on the console socket, say) and checked. */
static int open_namespaces(struct berth_container *c, json_object *spec,
                           struct berth_namespaces *ns, struct berth_error *err) {
  berth_test_delay("exec-before-setns");
  int r = berth_namespaces_open(spec, ns, err);
  if (r < 0 && !berth_container_pinned(c))
    berth_error_clear(err); /* the init died: say that, not which open failed */
  else if (r < 0)
    return r;
  if ((r = check_pinned(c, err)) < 0)
    berth_namespaces_close(ns);
  return r;
}

int berth_exec(struct berth_container *c, json_object *process, const struct berth_exec_options *o,
               pid_t *pid, struct berth_error *err) {
  int r = check_status(c, o->ignore_paused, err);
  if (r < 0)
    return r;
  _cleanup_close_ int root_fd = -1;
  if ((r = open_container_root(c, &root_fd, err)) < 0)
    return r;
  _cleanup_close_ int console_fd = -1;
  if ((r = open_console(process, o, &console_fd, err)) < 0)
    return r;
  _cleanup_json_ json_object *spec = exec_spec(c, process);
  if (spec == NULL)
    return berth_error(err, ENOMEM, "exec in %s", c->id);
  _cleanup_json_ json_object *exec_attrs = NULL;
  if ((r = berth_lsm_prepare(spec, &exec_attrs, err)) < 0)
    return r;
  struct berth_namespaces ns;
  if ((r = open_namespaces(c, spec, &ns, err)) < 0)
    return r;
  struct berth_spawn_config sc = {.id = c->id,
                                  .spec = spec,
                                  .namespaces = &ns,
                                  .exec = true,
                                  .container_pid = c->pid,
                                  .bundle = json_get_str(c->state, "bundle"),
                                  .preserve_fds = o->preserve_fds,
                                  .fifo_fd = -1,
                                  .console_fd = console_fd,
                                  .root_fd = root_fd,
                                  .cg = &c->cg,
                                  .rdt = &c->rdt,
                                  .sub_cgroups = o->sub_cgroups,
                                  .exec_attrs = exec_attrs};
  r = berth_spawn_init(&sc, pid, err);
  if (r == 0 && o->pid_file != NULL)
    r = berth_write_pid_file(o->pid_file, *pid, err);
  return r;
}
