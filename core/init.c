/* SPDX-License-Identifier: Apache-2.0 */
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "berth_seccomp.h"
#include "cleanup.h"
#include "console.h"
#include "hooks.h"
#include "json_util.h"
#include "loopback.h"
#include "lsm.h"
#include "namespaces.h"
#include "process.h"
#include "rootfs.h"
#include "safe_path.h"
#include "sync.h"
#include "util.h"

#define KEYCTL_JOIN_SESSION_KEYRING 1

struct init_channels {
  int sync_fd;
  int fifo_fd;
  int console_fd;
  int mntns_fd;
  int root_fd; /* exec in a container without a mount namespace: its root */
  int preserve_fds;
};

static int env_fd(const char *name) {
  const char *v = getenv(name);
  return v != NULL ? atoi(v) : -1;
}

static int set_hostname(json_object *spec, struct berth_error *err) {
  const char *hostname = json_get_str(spec, "hostname");
  const char *domainname = json_get_str(spec, "domainname");
  if (hostname != NULL && *hostname && sethostname(hostname, strlen(hostname)) < 0)
    return berth_error(err, errno, "hostname: sethostname %s", hostname);
  if (domainname != NULL && *domainname && setdomainname(domainname, strlen(domainname)) < 0)
    return berth_error(err, errno, "domainname: setdomainname %s", domainname);
  return 0;
}

static int write_sysctls(json_object *spec, struct berth_error *err) {
  json_object *sysctl = json_get(json_get(spec, "linux"), "sysctl");
  if (sysctl == NULL)
    return 0;
  json_object_object_foreach(sysctl, key, val) {
    char path[512];
    int n = snprintf(path, sizeof(path), "/proc/sys/%s", key);
    if (n < 0 || (size_t)n >= sizeof(path) || strstr(key, "..") != NULL)
      return berth_error(err, EINVAL, "linux.sysctl: %s", key);
    for (char *p = path + 10; *p != '\0'; p++)
      if (*p == '.')
        *p = '/';
    if (write_file_at(AT_FDCWD, path, json_object_get_string(val), err) < 0)
      return berth_error_prefix(err, "linux.sysctl %s", key);
  }
  return 0;
}

/* A session keyring of its own, so containers do not share the host's keys. */
static int join_keyring(const char *id, bool no_new_keyring, struct berth_error *err) {
  if (no_new_keyring)
    return 0;
  char name[1100];
  snprintf(name, sizeof(name), "_ses.%s", id);
  if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name) < 0 && errno != ENOSYS)
    return berth_error(err, errno, "join a session keyring");
  return 0;
}

static bool user_ns_denies_setgroups(void) {
  _cleanup_free_ char *text = NULL;
  return read_file_at(AT_FDCWD, "/proc/self/setgroups", &text, NULL) == 0 &&
         strncmp(text, "deny", 4) == 0;
}

/* After pivot_root, so the pty comes from the container's own devpts. */
/* Without a terminal (whose setup calls setsid too), the process leads a session and a
 * process group of its own, inside the pid namespace, as runc's does: the caller's would read
 * as 0 in the container, and a signal to the caller's group would reach it. */
static int own_session(struct berth_error *err) {
  if (setsid() < 0)
    return berth_error(err, errno, "setsid");
  return 0;
}

static int setup_terminal(json_object *process, int console_fd, bool dev_console,
                          struct berth_error *err) {
  if (!json_get_bool(process, "terminal", false))
    return own_session(err);
  if (console_fd < 0)
    return berth_error(err, 0, "process.terminal: no console socket");
  int r = berth_console_setup(process, console_fd, dev_console, err);
  close(console_fd);
  return r;
}

/* A process.cwd missing from the rootfs is created (root's, 0755), as runc and crun do, by the
 * safe walk: a symlink on the way cannot lead it out of the new root. */
static int make_cwd(json_object *process, struct berth_error *err) {
  const char *cwd = json_get_str(process, "cwd");
  if (cwd == NULL || *cwd == '\0')
    return 0;
  _cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0)
    return berth_error(err, errno, "open /");
  int fd = berth_safe_open(root, cwd, BERTH_SAFE_MKDIR, err);
  if (fd < 0)
    return berth_error_prefix(err, "process.cwd");
  close(fd);
  return 0;
}

/* A non-root process.user must be able to reopen its stdio (/proc/self/fd/1) and use its
 * terminal: runc gives each of fds 0-2 to the user (the uid only; the group stays, devpts's
 * tty group for a pty), unless it is /dev/null or the user's already. EINVAL and EPERM (an
 * owner or group that the user namespace does not map) leave it as it is, as in runc. */
static int give_stdio_to_user(json_object *process, struct berth_error *err) {
  uid_t uid = (uid_t)json_get_int(json_get(process, "user"), "uid", 0);
  struct stat null;
  if (stat("/dev/null", &null) < 0)
    null.st_rdev = 0;
  for (int fd = 0; fd < 3; fd++) {
    struct stat st;
    if (fstat(fd, &st) < 0 || st.st_uid == uid ||
        (S_ISCHR(st.st_mode) && st.st_rdev == null.st_rdev))
      continue;
    if (fchown(fd, uid, st.st_gid) < 0 && errno != EINVAL && errno != EPERM)
      return berth_error(err, errno, "give fd %d to user %u", fd, (unsigned)uid);
  }
  return 0;
}

/* *hook_state: the state for createContainer and startContainer (the parent's, with the
 * init's host pid), when the spec has hooks. */
static int build_container(json_object *boot, const struct init_channels *ch,
                           json_object **hook_state, struct berth_error *err) {
  int sync_fd = ch->sync_fd;
  json_object *spec = json_get(boot, "spec");
  json_object *process = json_get(spec, "process");
  const char *rootfs = json_get_str(boot, "rootfs");
  _cleanup_close_ int host_mntns = -1;
  bool scratch = berth_rootfs_shares_host_mount_namespace(spec);
  int r = scratch ? berth_rootfs_scratch_enter(&host_mntns, err) : 0;
  if (r < 0 || (r = berth_rootfs_mount(spec, rootfs, err)) < 0)
    return r;
  if (json_get(spec, "hooks") != NULL) {
    /* createRuntime/prestart hooks run in the parent while we wait before pivot_root. */
    r = berth_sync_send_type(sync_fd, "hooks", err);
    _cleanup_json_ json_object *reply = NULL;
    if (r == 0)
      r = berth_sync_recv(sync_fd, &reply, err);
    if (r < 0)
      return r == -ECONNRESET ? berth_error(err, 0, "parent gone during hooks") : r;
    /* In our namespaces but still on the host's view of the filesystem, with the rootfs
     * as cwd: runc's prepareRootfs. (Without a mount namespace: in the scratch one.) */
    *hook_state = json_object_get(json_get(reply, "state"));
    if ((r = berth_hooks_run(spec, "createContainer", *hook_state, rootfs, err)) < 0)
      return r;
  }
  if ((r = berth_rootfs_pivot(rootfs, json_get_bool(boot, "no_pivot", false), err)) < 0 ||
      (r = make_cwd(process, err)) < 0 ||
      (r = setup_terminal(process, ch->console_fd, true, err)) < 0 ||
      (r = set_hostname(spec, err)) < 0 || (r = write_sysctls(spec, err)) < 0 ||
      (r = berth_loopback_up(spec, err)) < 0 || (r = berth_rootfs_finish(spec, err)) < 0 ||
      (scratch && (r = berth_rootfs_scratch_leave(host_mntns, err)) < 0) ||
      (r = join_keyring(json_get_str(boot, "id"), json_get_bool(boot, "no_new_keyring", false),
                        err)) < 0 ||
      (r = berth_process_oom_score_adj(process, err)) < 0 ||
      (r = berth_process_rlimits(process, err)) < 0)
    return r;
  return 0;
}

/* exec: already in the container's namespaces and its root (through the mount namespace, or
 * without one the init's root: see run). */
static int prepare_exec(json_object *boot, const struct init_channels *ch,
                        struct berth_error *err) {
  json_object *process = json_path(boot, "spec", "process", NULL);
  int r;
  if ((r = setup_terminal(process, ch->console_fd, false, err)) < 0 ||
      (r = berth_process_oom_score_adj(process, err)) < 0 ||
      (r = berth_process_rlimits(process, err)) < 0)
    return r;
  return 0;
}

static void report_error(int sync_fd, const char *msg) {
  json_object *o = json_object_new_object();
  json_object_object_add(o, "type", json_object_new_string("error"));
  json_object_object_add(o, "msg", json_object_new_string(msg));
  berth_sync_send(sync_fd, o, NULL);
  json_object_put(o);
}

/* Blocks until `berth start` opens the fifo for reading. Our end stays open until execve
 * closes it: start reads to EOF, so it returns (and runs poststart) only once the
 * startContainer hooks ran and the container's process is exec'd, or we died (runc too). */
static int wait_for_start(int fifo_fd, struct berth_error *err) {
  char path[64];
  snprintf(path, sizeof(path), "/proc/self/fd/%d", fifo_fd);
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return berth_error(err, errno, "open exec.fifo");
  if (write(fd, "0", 1) != 1)
    return berth_error(err, errno, "write exec.fifo");
  close(fifo_fd);
  return 0;
}

static int run(struct init_channels *ch, struct berth_error *err) {
  /* Before anything of the container is in view: the host's procfs, for the LSM labels. */
  _cleanup_close_ int attr_dir = berth_lsm_open_attr_dir();
  if (ch->mntns_fd >= 0) {
    if (setns(ch->mntns_fd, CLONE_NEWNS) < 0)
      return berth_error(err, errno, "join the mount namespace");
    close(ch->mntns_fd);
  }
  /* No mount namespace to join: the container's root is a detached tree that only its
   * processes hold (rootfs.h), reached through the init's /proc/PID/root. */
  if (ch->root_fd >= 0) {
    if (fchdir(ch->root_fd) < 0 || chroot(".") < 0)
      return berth_error(err, errno, "enter the container's root");
    close(ch->root_fd);
  }
  _cleanup_json_ json_object *boot = NULL;
  int r = berth_sync_recv(ch->sync_fd, &boot, err);
  if (r < 0)
    return r == -ECONNRESET ? berth_error(err, 0, "no bootstrap from the parent") : r;
  _cleanup_json_ json_object *hook_state = NULL;
  bool exec_mode = json_get_bool(boot, "exec", false);
  r = exec_mode ? prepare_exec(boot, ch, err) : build_container(boot, ch, &hook_state, err);
  /* The LSM label before seccomp, the user, capabilities and no_new_privs, as runc: the
   * kernel applies it at the next execve, so the startContainer hooks (children of ours) run
   * under it as well, as they do under runc. */
  if (r < 0 || (r = berth_lsm_apply_exec(attr_dir, json_get(boot, "lsm"), err)) < 0)
    return r;
  closep(&attr_dir);
  attr_dir = -1;
  json_object *process = json_path(boot, "spec", "process", NULL);
  _cleanup_strv_ char **envp = berth_process_env(process);
  _cleanup_free_ char *exe = NULL;
  if (envp == NULL)
    return berth_error(err, ENOMEM, "environment");
  /* runc's order: without no_new_privs, loading the filter needs CAP_SYS_ADMIN, so it comes
   * before the capabilities are dropped; with it, as close to execve as possible, so the
   * profile has fewer of our system calls to allow, yet before "ready", so that a failure
   * fails create (or exec). */
  json_object *seccomp = json_path(boot, "spec", "linux", "seccomp", NULL);
  bool nnp = json_get_bool(process, "noNewPrivileges", false);
  if ((r = give_stdio_to_user(process, err)) < 0)
    return r;
  if ((!nnp && (r = berth_seccomp_init(seccomp, ch->sync_fd, err)) < 0) ||
      (r = berth_process_become(process, !user_ns_denies_setgroups(), err)) < 0 ||
      (r = berth_process_no_new_privileges(process, err)) < 0 ||
      (r = berth_process_find_executable(process, envp, &exe, err)) < 0 ||
      (nnp && (r = berth_seccomp_init(seccomp, ch->sync_fd, err)) < 0))
    return r;
  if ((r = berth_sync_send_type(ch->sync_fd, "ready", err)) < 0)
    return r;
  close(ch->sync_fd);
  ch->sync_fd = -1;
  if (ch->fifo_fd >= 0 && (r = wait_for_start(ch->fifo_fd, err)) < 0)
    return r;
  if (hook_state != NULL) {
    json_object_object_add(hook_state, "status", json_object_new_string("created"));
    r = berth_hooks_run(json_get(boot, "spec"), "startContainer", hook_state, NULL, err);
    if (r < 0)
      return r;
  }
  json_object *args = json_get(process, "args");
  size_t argc = json_object_array_length(args);
  char *argv[argc + 1];
  for (size_t i = 0; i < argc; i++)
    argv[i] = (char *)json_object_get_string(json_object_array_get_idx(args, i));
  argv[argc] = NULL;
  /* Nothing of ours past the preserved fds may reach the container. */
  syscall(SYS_close_range, 3 + ch->preserve_fds, ~0u, CLOSE_RANGE_CLOEXEC);
  execve(exe, argv, envp);
  return berth_error(err, errno, "exec %s", exe);
}

/* `berth run` blocks the signals it forwards; the container must start clean. */
static void reset_signals(void) {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  for (int sig = 1; sig < NSIG; sig++)
    if (sig != SIGKILL && sig != SIGSTOP)
      signal(sig, SIG_DFL);
}

int berth_init_main(void) {
  struct init_channels ch = {.sync_fd = env_fd("_BERTH_SYNC_FD"),
                             .fifo_fd = env_fd("_BERTH_FIFO_FD"),
                             .console_fd = env_fd("_BERTH_CONSOLE_FD"),
                             .mntns_fd = env_fd("_BERTH_MNTNS_FD"),
                             .root_fd = env_fd("_BERTH_ROOT_FD"),
                             .preserve_fds = env_fd("_BERTH_PRESERVE_FDS")};
  clearenv();
  reset_signals();
  /* Until the container's process is exec'd, nothing in the container may ptrace us or open
   * our /proc entries (CVE-2016-9962): our fds still reach the host. */
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  if (ch.sync_fd < 0) {
    fprintf(stderr, "berth init: not started by berth (no sync fd)\n");
    return 1;
  }
  fcntl(ch.sync_fd, F_SETFD, FD_CLOEXEC);
  if (ch.fifo_fd >= 0)
    fcntl(ch.fifo_fd, F_SETFD, FD_CLOEXEC);
  if (ch.console_fd >= 0)
    fcntl(ch.console_fd, F_SETFD, FD_CLOEXEC);
  if (ch.mntns_fd >= 0)
    fcntl(ch.mntns_fd, F_SETFD, FD_CLOEXEC);
  if (ch.root_fd >= 0)
    fcntl(ch.root_fd, F_SETFD, FD_CLOEXEC);
  if (ch.preserve_fds < 0)
    ch.preserve_fds = 0;
  _cleanup_error_ struct berth_error err = {0};
  run(&ch, &err);
  if (ch.sync_fd >= 0)
    report_error(ch.sync_fd, err.msg != NULL ? err.msg : "init failed");
  else
    fprintf(stderr, "berth init: %s\n", err.msg != NULL ? err.msg : "failed");
  return 1;
}
