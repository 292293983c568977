/* SPDX-License-Identifier: Apache-2.0 */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "berth_seccomp.h"
#include "cleanup.h"
#include "hooks.h"
#include "json_util.h"
#include "lock.h"
#include "log.h"
#include "mount_sources.h"
#include "namespaces.h"
#include "phase.h"
#include "sealed_exe.h"
#include "sync.h"
#include "util.h"

/* Everything the pre-exec child needs, in its own copy of our memory. */
struct child_args {
  const struct berth_spawn_config *cfg;
  struct berth_namespaces *ns;
  int exe_fd;
  int sync_fd;
  bool fast;      /* all namespaces created by clone itself */
  int mntns_fd;   /* a mount namespace to join, left to init (see join_and_unshare) */
  bool in_cgroup; /* clone3 placed the child in its cgroup already */
};

/* With a cgroup fd (cgroup v2), clone3(CLONE_INTO_CGROUP) creates the child inside its
 * cgroup: no window where it runs (or allocates) elsewhere, and no write to cgroup.procs.
 * Falls back to clone() where clone3 or the flag is missing. */
static pid_t clone_process(int flags, int cgroup_fd, bool *in_cgroup) {
  *in_cgroup = false;
  if (cgroup_fd >= 0) {
    struct clone_args args = {.flags = (uint64_t)(unsigned)flags | CLONE_INTO_CGROUP,
                              .exit_signal = SIGCHLD,
                              .cgroup = (uint64_t)cgroup_fd};
    pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
    if (pid >= 0) {
      *in_cgroup = true;
      return pid;
    }
    if (errno != ENOSYS && errno != E2BIG && errno != EINVAL)
      return -1;
  }
  return (pid_t)syscall(SYS_clone, (unsigned long)flags | SIGCHLD, NULL, NULL, NULL, NULL);
}

/* In the pre-exec child: report and die. The parent prints the message. */
static void __attribute__((noreturn)) child_fail(int sync_fd, int errnum, const char *what) {
  _cleanup_error_ struct berth_error err = {0};
  berth_error(&err, errnum, "%s", what);
  json_object *msg = json_object_new_object();
  json_object_object_add(msg, "type", json_object_new_string("error"));
  json_object_object_add(msg, "msg", json_object_new_string(err.msg));
  berth_sync_send(sync_fd, msg, NULL);
  _exit(1);
}

static void wait_byte(int fd, char expected) {
  char c = 0;
  while (read(fd, &c, 1) < 0 && errno == EINTR)
    ;
  if (c != expected)
    _exit(1); /* the parent gave up on us */
}

static void become_ns_root(int sync_fd) {
  if (setresgid(0, 0, 0) < 0)
    child_fail(sync_fd, errno, "setresgid to 0 in the user namespace (is 0 mapped?)");
  if (setresuid(0, 0, 0) < 0)
    child_fail(sync_fd, errno, "setresuid to 0 in the user namespace (is 0 mapped?)");
}

/* Relative bind sources resolve against the bundle: by path, in our own mount namespace (an
 * fd the parent opened names a mount of its namespace, a foreign one to us). With the caller's
 * uid and, cloned into a new user namespace, that namespace's capabilities, which reach a
 * directory owned by a mapped uid only once the maps are written: so never before them (a
 * 0700 bundle of the mapped root failed now and then), and before we become the mapped root,
 * who may not search the path of a bundle owned by the host's root. */
static void enter_bundle(struct child_args *a) {
  if (!a->cfg->exec && chdir(a->cfg->bundle) < 0)
    child_fail(a->sync_fd, errno, "chdir to the bundle");
}

/* Once in the container's pid namespace, its processes must not ptrace us or open our /proc
 * files (CVE-2016-9962). Not before our id maps are written, though: a non-dumpable process's
 * /proc files belong to root, and an unprivileged parent could not write them any more. */
static void make_undumpable(void) {
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

/* Slow path (namespaces joined by path, or a time namespace): runc's order — join, then
 * a new user namespace (the parent writes its maps), then the other new namespaces, then
 * fork so the init lands in the new pid/time namespace. */
static void join_and_unshare(struct child_args *a) {
  /* The mount namespace is joined by init after the re-exec: the dynamic loader of the
   * sealed berth must still be found on the host's root. */
  for (int i = 0; i < a->ns->join_count; i++) {
    if (a->ns->join_flags[i] == CLONE_NEWNS)
      a->mntns_fd = a->ns->join_fds[i];
    else if (setns(a->ns->join_fds[i], a->ns->join_flags[i]) < 0)
      child_fail(a->sync_fd, errno, "join namespace (setns)");
  }
  bool joined_user = false;
  for (int i = 0; i < a->ns->join_count; i++)
    joined_user = joined_user || a->ns->join_flags[i] == CLONE_NEWUSER;
  if (joined_user)
    become_ns_root(a->sync_fd);
  int flags = a->ns->new_flags;
  if (flags & CLONE_NEWUSER) {
    if (unshare(CLONE_NEWUSER) < 0)
      child_fail(a->sync_fd, errno, "unshare the user namespace");
    berth_sync_send_type(a->sync_fd, "maps", NULL);
    wait_byte(a->sync_fd, 'M');
    make_undumpable();
    become_ns_root(a->sync_fd);
  }
  if (unshare(flags & ~(CLONE_NEWUSER | CLONE_NEWCGROUP)) < 0)
    child_fail(a->sync_fd, errno, "unshare namespaces");
  bool joined_pid = false;
  for (int i = 0; i < a->ns->join_count; i++)
    joined_pid = joined_pid || a->ns->join_flags[i] == CLONE_NEWPID;
  if (!(flags & (CLONE_NEWPID | CLONE_NEWTIME)) && !joined_pid)
    return;
  if (flags & CLONE_NEWTIME) {
    _cleanup_error_ struct berth_error err = {0};
    if (berth_write_time_offsets(a->cfg->spec, &err) < 0)
      child_fail(a->sync_fd, 0, err.msg);
  }
  pid_t pid = fork();
  if (pid < 0)
    child_fail(a->sync_fd, errno, "fork into the new pid namespace");
  if (pid == 0)
    return;
  json_object *msg = json_object_new_object();
  json_object_object_add(msg, "type", json_object_new_string("pid"));
  json_object_object_add(msg, "pid", json_object_new_int(pid));
  berth_sync_send(a->sync_fd, msg, NULL);
  _exit(0);
}

/* Keep our channels above the fds the container inherits (--preserve-fds). */
static int move_fd_above(int fd, int floor) {
  if (fd < 0 || fd >= floor)
    return fd;
  int moved = fcntl(fd, F_DUPFD, floor);
  return moved < 0 ? fd : moved;
}

static void __attribute__((noreturn)) child_main(struct child_args *a) {
  /* Cloned into a new user namespace, we act only after the parent wrote its maps ('G'). */
  bool maps_pending = a->fast && (a->ns->new_flags & CLONE_NEWUSER);
  if (!(a->ns->new_flags & CLONE_NEWUSER))
    make_undumpable();
  if (!maps_pending)
    enter_bundle(a);
  if (!a->fast)
    join_and_unshare(a);
  wait_byte(a->sync_fd, 'G');
  if (maps_pending)
    enter_bundle(a);
  make_undumpable();
  if (a->fast && (a->ns->new_flags & CLONE_NEWUSER))
    become_ns_root(a->sync_fd);
  /* After the parent moved us: the cgroup namespace's root is the container's cgroup. */
  if ((a->ns->new_flags & CLONE_NEWCGROUP) && unshare(CLONE_NEWCGROUP) < 0)
    child_fail(a->sync_fd, errno, "unshare the cgroup namespace");
  int floor = 3 + a->cfg->preserve_fds;
  int sync_fd = move_fd_above(a->sync_fd, floor);
  int fifo_fd = move_fd_above(a->cfg->fifo_fd, floor);
  int exe_fd = move_fd_above(a->exe_fd, floor);
  int console_fd = move_fd_above(a->cfg->console_fd, floor);
  int mntns_fd = move_fd_above(a->mntns_fd, floor);
  int root_fd = move_fd_above(a->cfg->root_fd, floor);
  char env_sync[32], env_fifo[32], env_preserve[32], env_console[32], env_mntns[32], env_root[32];
  snprintf(env_sync, sizeof(env_sync), "_BERTH_SYNC_FD=%d", sync_fd);
  snprintf(env_fifo, sizeof(env_fifo), "_BERTH_FIFO_FD=%d", fifo_fd);
  snprintf(env_preserve, sizeof(env_preserve), "_BERTH_PRESERVE_FDS=%d", a->cfg->preserve_fds);
  snprintf(env_console, sizeof(env_console), "_BERTH_CONSOLE_FD=%d", console_fd);
  snprintf(env_mntns, sizeof(env_mntns), "_BERTH_MNTNS_FD=%d", mntns_fd);
  snprintf(env_root, sizeof(env_root), "_BERTH_ROOT_FD=%d", root_fd);
  char env_phase[48] = "";
  char *envp[] = {env_sync, env_fifo, env_preserve, env_console, env_mntns, env_root, NULL, NULL};
  char *argv[] = {"berth", "init", NULL};
  if (fcntl(sync_fd, F_SETFD, 0) < 0 || (fifo_fd >= 0 && fcntl(fifo_fd, F_SETFD, 0) < 0) ||
      (console_fd >= 0 && fcntl(console_fd, F_SETFD, 0) < 0) ||
      (mntns_fd >= 0 && fcntl(mntns_fd, F_SETFD, 0) < 0) ||
      (root_fd >= 0 && fcntl(root_fd, F_SETFD, 0) < 0))
    child_fail(sync_fd, errno, "pass fds to init");
  /* Last, so that the init's "init re-exec" phase is the execveat, the loader and ours. */
  uint64_t t0 = berth_phase_begin();
  if (t0 != 0) {
    snprintf(env_phase, sizeof(env_phase), "%s=%llu", BERTH_PHASE_ENV, (unsigned long long)t0);
    envp[6] = env_phase;
  }
  syscall(SYS_execveat, exe_fd, "", argv, envp, AT_EMPTY_PATH);
  child_fail(sync_fd, errno, "re-execute berth as init");
}

static json_object *bootstrap_message(const struct berth_spawn_config *cfg) {
  json_object *msg = json_object_new_object();
  json_object_object_add(msg, "type", json_object_new_string("bootstrap"));
  json_object_object_add(msg, "id", json_object_new_string(cfg->id));
  json_object_object_add(msg, "exec", json_object_new_boolean(cfg->exec));
  if (cfg->rootfs != NULL)
    json_object_object_add(msg, "rootfs", json_object_new_string(cfg->rootfs));
  json_object_object_add(msg, "no_pivot", json_object_new_boolean(cfg->no_pivot));
  json_object_object_add(msg, "no_new_keyring", json_object_new_boolean(cfg->no_new_keyring));
  json_object_object_add(msg, "debug", json_object_new_boolean(berth_log_debug_enabled()));
  json_object_object_add(msg, "spec", json_object_get(cfg->spec));
  if (cfg->exec_attrs != NULL)
    json_object_object_add(msg, "lsm", json_object_get(cfg->exec_attrs));
  return msg;
}

/* An "error" message: its text, which must be one, as the error. */
static int init_error(json_object *msg, struct berth_error *err) {
  const char *text = berth_sync_str(msg, "msg", err);
  return text != NULL ? berth_error(err, 0, "%s", text) : -EPROTO;
}

/* Answer the slow path's requests until it tells us the init's pid. */
static int await_init_pid(int sync_fd, pid_t child, json_object *spec, pid_t *init_pid,
                          struct berth_error *err) {
  for (;;) {
    _cleanup_json_ json_object *msg = NULL;
    int r = berth_sync_recv(sync_fd, &msg, err);
    if (r == -ECONNRESET)
      return berth_error(err, 0, "init exited while joining namespaces");
    if (r < 0)
      return r;
    const char *type = json_get_str(msg, "type");
    if (type != NULL && strcmp(type, "maps") == 0) {
      r = berth_write_id_maps(child, spec, err);
      if (r < 0)
        return r;
      r = berth_sync_write(sync_fd, "M", 1);
    } else if (type != NULL && strcmp(type, "pid") == 0) {
      int64_t pid;
      r = berth_sync_int(msg, "pid", BERTH_SYNC_PID_MIN, BERTH_SYNC_PID_MAX, &pid, err);
      if (r < 0)
        return r;
      *init_pid = (pid_t)pid;
      return 0;
    } else if (type != NULL && strcmp(type, "error") == 0) {
      return init_error(msg, err);
    } else {
      return berth_error(err, 0, "unexpected %s message from init", type ? type : "untyped");
    }
    if (r < 0)
      return berth_error(err, -r, "sync with init");
  }
}

/* Init waits before pivot_root, its mounts done: prestart then createRuntime run here, in
 * the runtime's namespaces, with the init's pid in the state (a CNI plugin finds
 * /proc/PID/ns/net through it) and in the bundle as cwd (runc's create runs there). The
 * reply carries the state to init for its createContainer and startContainer hooks.
 *
 * prestart runs during create, not at start: runtime-spec 1.1 (config.md, "Prestart") puts
 * it there, after the environment is created and before pivot_root, as runc and crun do and
 * as hooks like nvidia-container-runtime-hook need (they mount into the rootfs through the
 * init's mount namespace). Its status is "created", as crun passes and the spec's lifecycle
 * defines it (environment created, step 2 done) and runtime-tools' hooks_stdin checks;
 * createRuntime keeps runc's "creating". */
static int run_creation_hooks(const struct berth_spawn_config *cfg, pid_t init_pid, int sync_fd,
                              struct berth_error *err) {
  _cleanup_json_ json_object *state =
      berth_hook_state(cfg->spec, cfg->id, "created", init_pid, cfg->bundle);
  int r = berth_hooks_run(cfg->spec, "prestart", state, cfg->bundle, err);
  json_object_object_add(state, "status", json_object_new_string("creating"));
  if (r == 0)
    r = berth_hooks_run(cfg->spec, "createRuntime", state, cfg->bundle, err);
  if (r < 0)
    return r;
  _cleanup_json_ json_object *done = json_object_new_object();
  json_object_object_add(done, "type", json_object_new_string("hooks-done"));
  json_object_object_add(done, "state", json_object_get(state));
  return berth_sync_send(sync_fd, done, err);
}

/* After bootstrap: log lines, hooks, then "ready" or a structured error. */
static int await_ready(const struct berth_spawn_config *cfg, pid_t init_pid, int sync_fd,
                       struct berth_error *err) {
  for (;;) {
    _cleanup_json_ json_object *msg = NULL;
    int r = berth_sync_recv(sync_fd, &msg, err);
    if (r == -ECONNRESET)
      return berth_error(err, 0, "init exited before it was ready");
    if (r < 0)
      return r;
    const char *type = json_get_str(msg, "type");
    if (type == NULL)
      return berth_error(err, 0, "untyped message from init");
    if (strcmp(type, "ready") == 0)
      return 0;
    if (strcmp(type, "error") == 0)
      return init_error(msg, err);
    if (strcmp(type, "seccomp") == 0) {
      int64_t fd;
      if ((r = berth_sync_int(msg, "fd", 0, INT_MAX, &fd, err)) < 0 ||
          (r = berth_seccomp_send_to_listener(cfg, init_pid, (int)fd, err)) < 0 ||
          (r = berth_sync_send_type(sync_fd, "seccomp-done", err)) < 0)
        return r;
      continue;
    }
    if (strcmp(type, "mount-sources") == 0) {
      r = berth_mount_sources_send(cfg->spec, cfg->bundle, init_pid, sync_fd, err);
      if (r < 0)
        return r;
    } else if (strcmp(type, "log") == 0) {
      int64_t level;
      const char *text = berth_sync_str(msg, "msg", err);
      if (text == NULL ||
          (r = berth_sync_int(msg, "level", BERTH_LOG_ERROR, BERTH_LOG_DEBUG, &level, err)) < 0)
        return text == NULL ? -EPROTO : r;
      berth_log((int)level, "init: %s", text);
    } else if (strcmp(type, "hooks") == 0) {
      r = run_creation_hooks(cfg, init_pid, sync_fd, err);
      if (r < 0)
        return r;
    } else
      return berth_error(err, 0, "unexpected %s message from init", type);
  }
}

/* Our write found the child gone: its own error message, if it sent one before it died. */
static int child_gone(int sync_fd, int errnum, struct berth_error *err) {
  _cleanup_json_ json_object *msg = NULL;
  const char *type = berth_sync_recv(sync_fd, &msg, NULL) == 0 ? json_get_str(msg, "type") : NULL;
  if (type != NULL && strcmp(type, "error") == 0)
    return init_error(msg, err);
  return berth_error(err, errnum, "start init: it exited");
}

static int drive_child(const struct berth_spawn_config *cfg, struct child_args *a, pid_t child,
                       int sync_fd, pid_t *init_pid, struct berth_error *err) {
  int r = 0;
  *init_pid = child;
  /* On the slow path, this phase includes the child's joins and unshares. */
  uint64_t t = berth_phase_begin();
  if (a->fast && (a->ns->new_flags & CLONE_NEWUSER))
    r = berth_write_id_maps(child, cfg->spec, err);
  if (r == 0 && !a->fast) {
    r = await_init_pid(sync_fd, child, cfg->spec, init_pid, err);
    if (*init_pid != child)
      waitpid(child, NULL, 0);
  }
  if (r == 0)
    berth_phase_end(t, "id maps");
  if (r == 0 && cfg->on_init != NULL)
    r = cfg->on_init(cfg->on_init_data, *init_pid, err);
  t = berth_phase_begin();
  if (r == 0 && !a->in_cgroup)
    r = berth_cgroup_enter(cfg->cg, *init_pid, err);
  /* exec --cgroup: the sub-cgroups only after the container's cgroup, as runc. On cgroup v1,
   * "pids:sub" moves the process in the pids hierarchy alone: it must not stay in the
   * caller's memory, devices and freezer cgroups, outside the container's limits. */
  if (r == 0 && cfg->sub_cgroups != NULL)
    r = berth_cgroup_enter_sub(cfg->cg, *init_pid, cfg->sub_cgroups, err);
  /* Where runc's intelrdt manager applies: right after the cgroup, before the process runs. */
  if (r == 0)
    r = berth_rdt_add(cfg->rdt, *init_pid, err);
  if (r < 0)
    return r;
  berth_phase_end(t, "cgroup apply");
  t = berth_phase_begin();
  _cleanup_json_ json_object *boot = bootstrap_message(cfg);
  r = berth_sync_write(sync_fd, "G", 1);
  if (r < 0)
    return child_gone(sync_fd, -r, err);
  r = berth_sync_send(sync_fd, boot, err);
  berth_crash_point(cfg->exec ? "exec-started" : "create-started");
  r = r < 0 ? r : await_ready(cfg, *init_pid, sync_fd, err);
  if (r == 0)
    berth_phase_end(t, "init, to ready");
  berth_crash_point(cfg->exec ? "exec-ready" : "create-ready");
  return r;
}

static void kill_and_reap(pid_t child, pid_t init_pid) {
  if (init_pid > 0)
    kill(init_pid, SIGKILL);
  if (child > 0) {
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
  }
}

int berth_spawn_init(const struct berth_spawn_config *cfg, pid_t *pid, struct berth_error *err) {
  struct berth_namespaces ns;
  int r = 0;
  if (cfg->namespaces != NULL)
    ns = *cfg->namespaces;
  else if ((r = berth_namespaces_open(cfg->spec, &ns, err)) < 0)
    return r;
  uint64_t t = berth_phase_begin();
  _cleanup_close_ int exe_fd = berth_sealed_exe(err);
  if (exe_fd >= 0)
    berth_phase_end(t, "sealed exe");
  t = berth_phase_begin();
  int fds[2] = {-1, -1};
  if (exe_fd < 0 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0) {
    berth_namespaces_close(&ns);
    return exe_fd < 0 ? exe_fd : berth_error(err, errno, "socketpair");
  }
  _cleanup_close_ int parent_fd = fds[0];
  _cleanup_close_ int child_fd = fds[1];
  struct child_args a = {
      .cfg = cfg, .ns = &ns, .exe_fd = exe_fd, .sync_fd = child_fd, .mntns_fd = -1};
  a.fast = ns.join_count == 0 && !(ns.new_flags & CLONE_NEWTIME);
  int cgroup_fd = a.fast ? berth_cgroup_fd(cfg->cg) : -1;
  pid_t child =
      clone_process(a.fast ? (ns.new_flags & ~CLONE_NEWCGROUP) : 0, cgroup_fd, &a.in_cgroup);
  if (child == 0) {
    close(parent_fd);
    child_main(&a);
  }
  berth_namespaces_close(&ns);
  if (child < 0)
    return berth_error(err, errno, "clone the container's init");
  berth_phase_end(t, "clone");
  closep(&child_fd);
  child_fd = -1;
  pid_t init_pid = 0;
  r = drive_child(cfg, &a, child, parent_fd, &init_pid, err);
  if (r < 0) {
    kill_and_reap(child, init_pid);
    return r;
  }
  *pid = init_pid;
  return 0;
}
