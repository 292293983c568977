/* SPDX-License-Identifier: Apache-2.0 */
#include "init.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/close_range.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/major.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "berth_seccomp.h"
#include "cleanup.h"
#include "console.h"
#include "hooks.h"
#include "json_util.h"
#include "loopback.h"
#include "lsm.h"
#include "mount_sources.h"
#include "log.h"
#include "namespaces.h"
#include "parse.h"
#include "phase.h"
#include "process.h"
#include "process_attrs.h"
#include "procfs.h"
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
  int start_fd; /* exec.fifo's write end once `berth start` released us, until execve */
};

/* An inherited fd number named in the environment: absent is -1; otherwise it must be -1 or
 * an fd this process has open, else -EBADF. */
static int env_fd(const char *name, int *fd) {
  const char *v = getenv(name);
  int64_t n = -1;
  if (v != NULL &&
      (berth_parse_int(v, -1, INT_MAX, &n) < 0 || (n >= 0 && fcntl((int)n, F_GETFD) < 0))) {
    fprintf(stderr, "berth init: %s=%s is not an open fd\n", name, v);
    return -EBADF;
  }
  *fd = (int)n;
  return 0;
}

/* How many fds after stdio the caller preserves (--preserve-fds): a count, not an fd. */
static int env_count(const char *name, int *count) {
  const char *v = getenv(name);
  int64_t n = 0;
  if (v != NULL && berth_parse_int(v, 0, INT_MAX - 3, &n) < 0) {
    fprintf(stderr, "berth init: %s=%s is not a count of fds\n", name, v);
    return -EINVAL;
  }
  *count = (int)n;
  return 0;
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
    if (berth_procfs_write(path + strlen("/proc/"), json_object_get_string(val), err) < 0)
      return berth_error_prefix(err, "linux.sysctl %s", key);
  }
  return 0;
}

/* A session keyring of its own, so containers do not share the host's keys; made with the
 * process's label when its LSM plugin says how (keycreate), which is reset afterwards, as
 * runc's SetKeyLabel. */
static int join_keyring(json_object *boot, int attr_dir, struct berth_error *err) {
  if (json_get_bool(boot, "no_new_keyring", false))
    return 0;
  json_object *lsm = json_get(boot, "lsm");
  int r = berth_lsm_apply_keyring(attr_dir, lsm, true, err);
  if (r < 0)
    return r;
  char name[1100];
  snprintf(name, sizeof(name), "_ses.%s", json_get_str(boot, "id"));
  if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name) < 0 && errno != ENOSYS)
    return berth_error(err, errno, "join a session keyring");
  return berth_lsm_apply_keyring(attr_dir, lsm, false, err);
}

/* The init's own /proc/PID directory on the host's procfs, opened before anything of the
 * container is in view. What the init later reads or reopens about itself (setgroups, its fds,
 * the exec.fifo) then cannot come from a /proc that the rootfs provides: an image without a
 * proc mount but with a proc/self/setgroups saying "deny" would skip the config's
 * additionalGids, and a fake proc/self/fd/N would open the start gate early. */
static int open_own_proc_dir(struct berth_error *err) {
  _cleanup_close_ int fd = open("/proc/self", O_PATH | O_DIRECTORY | O_CLOEXEC);
  struct statfs sfs;
  if (fd < 0 || fstatfs(fd, &sfs) < 0)
    return berth_error(err, errno, "open /proc/self");
  if (sfs.f_type != PROC_SUPER_MAGIC)
    return berth_error(err, EXDEV, "/proc/self is not on procfs");
  return take_fd(&fd);
}

static bool user_ns_denies_setgroups(int self_dir) {
  _cleanup_free_ char *text = NULL;
  return read_file_at(self_dir, "setgroups", &text, NULL) == 0 && strncmp(text, "deny", 4) == 0;
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
 * terminal: as runc, fds 0-2 go to the user (the uid only; the group stays, devpts's tty group
 * for a pty). Unlike runc, only what the container's process alone uses: a pipe or a socket (an
 * engine's stdio) and, with process.terminal, the pty just made in the container's devpts. A
 * regular file or a host terminal passed as stdio keeps its owner: chowning it would hand a
 * host file, or the caller's own terminal, to whoever has that uid on the host. EINVAL and
 * EPERM (an owner or group the user namespace does not map) leave it as it is, as in runc. */
static int give_stdio_to_user(json_object *process, struct berth_error *err) {
  uid_t uid = (uid_t)json_get_int(json_get(process, "user"), "uid", 0);
  bool own_pty = json_get_bool(process, "terminal", false);
  for (int fd = 0; fd < 3; fd++) {
    struct stat st;
    if (fstat(fd, &st) < 0 || st.st_uid == uid)
      continue;
    bool pty = S_ISCHR(st.st_mode) && major(st.st_rdev) >= UNIX98_PTY_SLAVE_MAJOR &&
               major(st.st_rdev) < UNIX98_PTY_SLAVE_MAJOR + UNIX98_PTY_MAJOR_COUNT;
    if (!S_ISFIFO(st.st_mode) && !S_ISSOCK(st.st_mode) && !(own_pty && pty))
      continue;
    if (fchown(fd, uid, st.st_gid) < 0 && errno != EINVAL && errno != EPERM)
      return berth_error(err, errno, "give fd %d to user %u", fd, (unsigned)uid);
  }
  return 0;
}

/* Stdio on the null device of the host (conmon's stdin, a `< /dev/null`) is reopened on the
 * container's own /dev/null, as runc's reOpenDevNull: CRIU dumps an fd by its mount, and one
 * outside the container's mount namespace fails the dump ("Can't lookup mount"), even the
 * same node bound into the container. No null device in the container: the stdio stays. */
static void reopen_dev_null(void) {
  _cleanup_close_ int null_fd = open("/dev/null", O_RDWR | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
  struct stat null_st, st;
  if (null_fd < 0 || fstat(null_fd, &null_st) < 0 || !S_ISCHR(null_st.st_mode) ||
      null_st.st_rdev != makedev(1, 3))
    return;
  for (int fd = 0; fd < 3; fd++)
    if (fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == null_st.st_rdev)
      (void)dup3(null_fd, fd, 0);
}

/* *hook_state: the state for createContainer and startContainer (the parent's, with the
 * init's host pid), when the spec has hooks. */
static int build_container(json_object *boot, const struct init_channels *ch, int attr_dir,
                           json_object **hook_state, struct berth_error *err) {
  int sync_fd = ch->sync_fd;
  json_object *spec = json_get(boot, "spec");
  json_object *process = json_get(spec, "process");
  const char *rootfs = json_get_str(boot, "rootfs");
  _cleanup_close_ int host_mntns = -1;
  __attribute__((cleanup(berth_mount_sources_close))) struct berth_mount_sources sources = {0};
  uint64_t t = berth_phase_begin();
  int r = berth_mount_sources_wanted(spec)
              ? berth_mount_sources_receive(sync_fd, spec, &sources, err)
              : 0;
  berth_phase_end(t, "mount sources");
  bool scratch = berth_rootfs_shares_host_mount_namespace(spec);
  if (r == 0 && scratch)
    r = berth_rootfs_scratch_enter(&host_mntns, err);
  const char *label_option = berth_lsm_mount_option(json_get(boot, "lsm"));
  if (r < 0 || (r = berth_rootfs_mount(spec, rootfs, &sources, label_option, err)) < 0)
    return r;
  berth_mount_sources_close(&sources);
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
  t = berth_phase_begin();
  if ((r = berth_rootfs_pivot(rootfs, json_get_bool(boot, "no_pivot", false), err)) < 0)
    return r;
  berth_phase_end(t, "pivot_root");
  reopen_dev_null();
  t = berth_phase_begin();
  if ((r = make_cwd(process, err)) < 0 ||
      (r = setup_terminal(process, ch->console_fd, true, err)) < 0 ||
      (r = set_hostname(spec, err)) < 0 || (r = write_sysctls(spec, err)) < 0)
    return r;
  berth_phase_end(t, "cwd, terminal, hostname, sysctl");
  t = berth_phase_begin();
  if ((r = berth_loopback_up(spec, err)) < 0)
    return r;
  berth_phase_end(t, "loopback");
  t = berth_phase_begin();
  if ((r = berth_rootfs_finish(spec, label_option, err)) < 0 ||
      (scratch && (r = berth_rootfs_scratch_leave(host_mntns, err)) < 0))
    return r;
  berth_phase_end(t, "masked and readonly paths");
  t = berth_phase_begin();
  if ((r = join_keyring(boot, attr_dir, err)) < 0 ||
      (r = berth_process_oom_score_adj(process, err)) < 0 ||
      (r = berth_process_rlimits(process, err)) < 0)
    return r;
  berth_phase_end(t, "keyring, oom_score_adj, rlimits");
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

/* Blocks until `berth start` opens the fifo for reading. Our end (ch->start_fd) stays open
 * until execve closes it: start reads to EOF, so it returns (and runs poststart) only once the
 * startContainer hooks ran and the container's process is exec'd. Should anything fail in
 * between (a hook, the filter, execve itself), our error goes down the fifo after the byte
 * and start fails with it, where runc 1.1's start exits 0. */
static int wait_for_start(int self_dir, struct init_channels *ch, struct berth_error *err) {
  char path[32];
  snprintf(path, sizeof(path), "fd/%d", ch->fifo_fd);
  int fd = openat(self_dir, path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return berth_error(err, errno, "open exec.fifo");
  if (write(fd, "0", 1) != 1) {
    close(fd);
    return berth_error(err, errno, "write exec.fifo");
  }
  close(ch->fifo_fd);
  ch->fifo_fd = -1;
  ch->start_fd = fd;
  return 0;
}

/* Every fd from `from` up gets FD_CLOEXEC, so that execve closes it: whatever the caller of
 * berth left open without CLOEXEC must not reach the container (CVE-2024-21626: a host
 * directory fd is a way out through /proc/self/fd/N/..). close_range(2) where the kernel
 * (5.11) and the caller's seccomp filter allow it, else each fd listed in /proc/self/fd
 * (crun's fallback), else refuse: never start the container with fds we could not check. */
static int mark_fds_cloexec(int self_dir, unsigned from, struct berth_error *err) {
  if (syscall(SYS_close_range, from, ~0u, CLOSE_RANGE_CLOEXEC) == 0)
    return 0;
  int close_range_errno = errno;
  /* Through the host's procfs (open_own_proc_dir): a rootfs directory could fake the list. */
  int list_fd = openat(self_dir, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  _cleanup_closedir_ DIR *dir = list_fd >= 0 ? fdopendir(list_fd) : NULL;
  if (dir == NULL) {
    int saved = errno;
    if (list_fd >= 0)
      close(list_fd);
    return berth_error(err, saved,
                       "mark inherited fds close-on-exec (close_range: %s): /proc/self/fd",
                       strerror(close_range_errno));
  }
  for (;;) {
    errno = 0;
    struct dirent *e = readdir(dir);
    if (e == NULL && errno != 0)
      return berth_error(err, errno, "mark inherited fds close-on-exec: read /proc/self/fd");
    if (e == NULL)
      return 0;
    char *end;
    long fd = strtol(e->d_name, &end, 10);
    if (*end != '\0' || end == e->d_name || fd < (long)from || fd > INT_MAX || fd == dirfd(dir))
      continue;
    if (fcntl((int)fd, F_SETFD, FD_CLOEXEC) < 0 && errno != EBADF)
      return berth_error(err, errno, "mark fd %ld close-on-exec", fd);
  }
}

/* The filter, and then the container's own capabilities when CAP_SYS_ADMIN was kept for it. */
static int load_filter(const struct berth_seccomp_program *filter, const struct berth_capset *caps,
                       int *listener_fd, struct berth_error *err) {
  int r = berth_seccomp_install(filter);
  if (r < 0)
    return berth_error(err, -r, "linux.seccomp: load the filter");
  *listener_fd = filter->listener ? r : -1;
  if (caps->pending && (r = berth_process_capset(caps)) < 0)
    return berth_error(err, -r, "process.capabilities: capset");
  return 0;
}

/* The NOTIFY exception: the parent copies the listener fd while it waits for "ready", so this
 * filter is loaded before "ready", and the listener handshake, "ready", the exec.fifo wait and
 * the startContainer hooks run under it. */
static int load_filter_with_listener(const struct berth_seccomp_program *filter,
                                     const struct berth_capset *caps, int sync_fd,
                                     struct berth_error *err) {
  _cleanup_close_ int listener_fd = -1;
  int r = load_filter(filter, caps, &listener_fd, err);
  if (r < 0)
    return r;
  return berth_seccomp_send_listener_fd(listener_fd, sync_fd, err);
}

static char **build_argv(json_object *process) {
  json_object *args = json_get(process, "args");
  size_t argc = json_object_array_length(args);
  char **argv = calloc(argc + 1, sizeof(char *));
  for (size_t i = 0; argv != NULL && i < argc; i++)
    argv[i] = (char *)json_object_get_string(json_object_array_get_idx(args, i));
  return argv;
}

/* The parent logs our phases (we have no log): they travel as "log" messages. */
static int phase_fd = -1;

static void send_phase(const char *line) {
  if (phase_fd < 0)
    return;
  _cleanup_json_ json_object *msg = json_object_new_object();
  json_object_object_add(msg, "type", json_object_new_string("log"));
  json_object_object_add(msg, "level", json_object_new_int(BERTH_LOG_DEBUG));
  json_object_object_add(msg, "msg", json_object_new_string(line));
  berth_sync_send(phase_fd, msg, NULL);
}

/* --debug reached us as the clock read before our execveat: from it, the re-exec's cost. */
static void start_phases(const char *t0_text, int sync_fd) {
  char *end;
  errno = 0;
  unsigned long long t0 = t0_text != NULL ? strtoull(t0_text, &end, 10) : 0;
  if (t0 == 0 || errno != 0 || *end != '\0')
    return;
  phase_fd = sync_fd;
  berth_phase_enable(send_phase);
  uint64_t now = berth_phase_begin();
  berth_phase_report(now > t0 ? now - t0 : 0, "init re-exec");
}

static int run(struct init_channels *ch, struct berth_error *err) {
  /* Before anything of the container is in view: the host's procfs, for the LSM labels and
   * what the init reads about itself. */
  _cleanup_close_ int attr_dir = berth_lsm_open_attr_dir();
  _cleanup_close_ int self_dir = open_own_proc_dir(err);
  if (self_dir < 0)
    return self_dir;
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
  uint64_t t = berth_phase_begin();
  int r = berth_sync_recv(ch->sync_fd, &boot, err);
  if (r < 0)
    return r == -ECONNRESET ? berth_error(err, 0, "no bootstrap from the parent") : r;
  berth_phase_end(t, "bootstrap receive");
  _cleanup_json_ json_object *hook_state = NULL;
  bool exec_mode = json_get_bool(boot, "exec", false);
  r = exec_mode ? prepare_exec(boot, ch, err)
                : build_container(boot, ch, attr_dir, &hook_state, err);
  if (r < 0)
    return r;
  /* The LSM label before seccomp, the user, capabilities and no_new_privs, as runc: the
   * kernel applies it at the next execve, so the startContainer hooks (children of ours) run
   * under it as well, as they do under runc. */
  t = berth_phase_begin();
  if ((r = berth_lsm_apply_exec(attr_dir, json_get(boot, "lsm"), err)) < 0)
    return r;
  berth_phase_end(t, "lsm");
  closep(&attr_dir);
  attr_dir = -1;
  /* Scheduler, I/O priority, personality, memory policy: as root with every capability still
   * there (a real-time policy needs CAP_SYS_NICE), before "ready" so that a refusal fails
   * create or exec (runc's order). */
  t = berth_phase_begin();
  if ((r = berth_process_attrs_setup(json_get(boot, "spec"), err)) < 0)
    return r;
  berth_phase_end(t, "scheduler, ioprio, personality, mempolicy");
  json_object *process = json_path(boot, "spec", "process", NULL);
  _cleanup_strv_ char **envp = berth_process_env(process);
  _cleanup_free_ char **argv = build_argv(process);
  _cleanup_free_ char *exe = NULL;
  if (envp == NULL || argv == NULL)
    return berth_error(err, ENOMEM, "environment and arguments");
  /* Compiled now, so that a profile the kernel refuses fails create (or exec); loaded last. */
  _cleanup_seccomp_program_ struct berth_seccomp_program filter = {0};
  t = berth_phase_begin();
  if ((r = berth_seccomp_compile(json_path(boot, "spec", "linux", "seccomp", NULL), &filter, err)) <
      0)
    return r;
  berth_phase_end(t, "seccomp compile");
  /* Without no_new_privs, loading a filter needs CAP_SYS_ADMIN, which becoming the container's
   * user and capabilities takes away: it stays effective until the filter is in (caps). */
  bool nnp = json_get_bool(process, "noNewPrivileges", false);
  t = berth_phase_begin();
  if ((r = give_stdio_to_user(process, err)) < 0)
    return r;
  struct berth_capset caps = {.pending = false};
  bool keep_sys_admin = filter.prog.filter != NULL && !nnp;
  if ((r = berth_process_become(process, !user_ns_denies_setgroups(self_dir),
                                keep_sys_admin ? &caps : NULL, err)) < 0 ||
      (r = berth_process_no_new_privileges(process, err)) < 0 ||
      (r = berth_process_find_executable(process, envp, &exe, err)) < 0)
    return r;
  berth_phase_end(t, "user, capabilities, executable");
  /* The caller's fds now, so that a failure fails create (or exec); again right before the
   * filter for what we opened since. */
  unsigned first_unpreserved = 3 + (unsigned)ch->preserve_fds;
  if ((r = mark_fds_cloexec(self_dir, first_unpreserved, err)) < 0 ||
      (filter.listener && (r = load_filter_with_listener(&filter, &caps, ch->sync_fd, err)) < 0))
    return r;
  /* Phases from here on have nobody to tell: the parent's "exec.fifo" covers them. */
  phase_fd = -1;
  if ((r = berth_sync_send_type(ch->sync_fd, "ready", err)) < 0)
    return r;
  close(ch->sync_fd);
  ch->sync_fd = -1;
  if (ch->fifo_fd >= 0 && (r = wait_for_start(self_dir, ch, err)) < 0)
    return r;
  if (hook_state != NULL) {
    json_object_object_add(hook_state, "status", json_object_new_string("created"));
    r = berth_hooks_run(json_get(boot, "spec"), "startContainer", hook_state, NULL, err);
    if (r < 0)
      return r;
  }
  if (!filter.listener) {
    int unused;
    if ((r = mark_fds_cloexec(self_dir, first_unpreserved, err)) < 0)
      return r;
    /* The container's seccomp filter is the last act. After it only: capset(2) when CAP_SYS_ADMIN
     * was kept to load it (without noNewPrivileges, and only when the container's own sets lack
     * it), then execve(2). With noNewPrivileges: execve(2) alone. On failure, the error's
     * write(2) to stderr and exit_group(2). */
    if ((r = load_filter(&filter, &caps, &unused, err)) < 0)
      return r;
  }
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
  struct init_channels ch = {.start_fd = -1};
  _cleanup_free_ char *phase_t0 = NULL;
  if (getenv(BERTH_PHASE_ENV) != NULL)
    phase_t0 = strdup(getenv(BERTH_PHASE_ENV));
  bool ok =
      env_fd("_BERTH_SYNC_FD", &ch.sync_fd) == 0 && env_fd("_BERTH_FIFO_FD", &ch.fifo_fd) == 0 &&
      env_fd("_BERTH_CONSOLE_FD", &ch.console_fd) == 0 &&
      env_fd("_BERTH_MNTNS_FD", &ch.mntns_fd) == 0 && env_fd("_BERTH_ROOT_FD", &ch.root_fd) == 0 &&
      env_count("_BERTH_PRESERVE_FDS", &ch.preserve_fds) == 0;
  clearenv();
  if (!ok)
    return 1;
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
  start_phases(phase_t0, ch.sync_fd);
  _cleanup_error_ struct berth_error err = {0};
  run(&ch, &err);
  if (ch.sync_fd >= 0)
    report_error(ch.sync_fd, err.msg != NULL ? err.msg : "init failed");
  else if (ch.start_fd >= 0) /* a fifo write below PIPE_BUF is whole or nothing */
    dprintf(ch.start_fd, "%.1000s", err.msg != NULL ? err.msg : "init failed");
  else
    fprintf(stderr, "berth init: %s\n", err.msg != NULL ? err.msg : "failed");
  return 1;
}
