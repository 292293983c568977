/* SPDX-License-Identifier: Apache-2.0 */
#include "container.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cleanup.h"
#include "hooks.h"
#include "json_util.h"
#include "lock.h"
#include "log.h"
#include "namespaces.h"
#include "phase.h"
#include "pidfd.h"
#include "plugin_list.h"
#include "plugin_probe.h"
#include "test_delay.h"
#include "util.h"

static void wait_gone(struct berth_container *c);

/* runtime-spec 1.3 (runc and crun since): a failing poststart hook fails the start, and the
 * container is stopped (its init killed, as runc does) rather than left running. */
static int run_poststart(struct berth_container *c, struct berth_error *err) {
  int r = berth_container_hooks_run(c, "poststart", BERTH_RUNNING, err);
  if (r < 0) {
    (void)berth_container_signal(c, SIGKILL); /* best effort: it may be gone already */
    wait_gone(c);
    berth_error_prefix(err, "start %s", c->id);
  }
  return r;
}

int berth_container_start(struct berth_container *c, struct berth_error *err) {
  enum berth_status s = berth_container_status(c);
  if (s != BERTH_CREATED)
    return berth_error(err, 0, "cannot start container %s: it is %s, not created", c->id,
                       berth_status_name(s));
  /* Until EOF: the init's wait, startContainer hooks, seccomp load and execve. */
  uint64_t t = berth_phase_begin();
  /* Non-blocking, so that an init that died cannot hang us; we poll for its byte. */
  _cleanup_close_ int fd =
      openat(c->dir_fd, BERTH_FIFO_FILE, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return berth_error(err, errno, "start %s: open %s", c->id, BERTH_FIFO_FILE);
  berth_crash_point("start-fifo");
  /* After its byte, init keeps the fifo open until its execve: EOF means the container's
   * process runs (startContainer hooks done), or init died. What it writes after the byte is
   * why it failed (a hook, the filter, execve): then start fails with it. */
  bool released = false;
  char why[1024];
  size_t why_len = 0;
  for (;;) {
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int n = poll(&p, 1, 100);
    if (n < 0 && errno != EINTR)
      return berth_error(err, errno, "start %s: wait on %s", c->id, BERTH_FIFO_FILE);
    char buf[512];
    ssize_t got = n > 0 && (p.revents & (POLLIN | POLLHUP)) ? read(fd, buf, sizeof(buf)) : -1;
    if (got > 0) {
      size_t skip = released ? 0 : 1;
      released = true;
      size_t k = (size_t)got - skip;
      if (k > sizeof(why) - 1 - why_len)
        k = sizeof(why) - 1 - why_len;
      memcpy(why + why_len, buf + skip, k);
      why_len += k;
    } else if (got == 0 && released)
      break;
    else if ((got == 0 || !process_alive(c->pid)) && !released)
      return berth_error(err, 0, "start %s: the container's init exited before start", c->id);
  }
  if (why_len > 0) {
    why[why_len] = '\0';
    wait_gone(c);
    return berth_error(err, 0, "start %s: %s", c->id, why);
  }
  if (unlinkat(c->dir_fd, BERTH_FIFO_FILE, 0) < 0)
    return berth_error(err, errno, "start %s: remove %s", c->id, BERTH_FIFO_FILE);
  berth_phase_end(t, "exec.fifo");
  return run_poststart(c, err);
}

static int32_t signal_one(pid_t pid, void *data) {
  berth_test_delay("kill-all-signal");
  /* Best effort by design: a process may exit between the listing and the signal. */
  kill(pid, *(int *)data);
  return 0;
}

/* SIGKILL through cgroup.kill where the plugin and the kernel have it: the kernel kills them
 * all at once, with no pid read that could be reused, nothing forked in between. Otherwise
 * every process in the cgroup, read and signalled while the cgroup is frozen: none of them
 * can exit (its pid then free for another process) or fork a child we would miss in between.
 * A paused container stays frozen, except that a frozen process only sees SIGKILL or SIGTERM
 * once thawed (runc does the same). */
static int kill_all(struct berth_container *c, enum berth_status s, int sig,
                    struct berth_error *err) {
  bool at_once = sig == SIGKILL && berth_cgroup_kill_all(&c->cg);
  bool freeze = !at_once && s != BERTH_PAUSED && s != BERTH_STOPPED &&
                (c->cg.plugin->capabilities & BERTH_CGROUP_CAP_FREEZE);
  if (freeze) {
    /* As runc: a cgroup we may not freeze (a rootless one) is still signalled. */
    _cleanup_error_ struct berth_error why = {0};
    freeze = berth_cgroup_freeze(&c->cg, true, &why) == 0;
    if (!freeze)
      berth_log(BERTH_LOG_WARN, "kill --all %s: signalling unfrozen: %s", c->id, why.msg);
  }
  int r = at_once ? 0 : berth_cgroup_pids(&c->cg, signal_one, &sig, err);
  bool thaw = freeze || (s == BERTH_PAUSED && (sig == SIGKILL || sig == SIGTERM));
  if (thaw && r == 0)
    r = berth_cgroup_freeze(&c->cg, false, err);
  else if (thaw) {
    _cleanup_error_ struct berth_error ignored = {0};
    berth_cgroup_freeze(&c->cg, false, &ignored);
  }
  /* As runc: a stopped container's cgroup may be gone, and nothing with it to signal. The
   * systemd driver's scope goes with its last process. */
  if (r == -ENOENT && s == BERTH_STOPPED) {
    berth_error_clear(err);
    return 0;
  }
  return r;
}

int berth_container_kill(struct berth_container *c, int sig, bool all, struct berth_error *err) {
  enum berth_status s = berth_container_status(c);
  /* runc's words: containerd's shim reads "container not running" as a process that has
   * already exited (NotFound), anything else as a failed kill. */
  if (s == BERTH_STOPPED && !all)
    return berth_error(err, 0, "kill %s: container not running", c->id);
  if (all && c->cg.plugin != NULL)
    return kill_all(c, s, sig, err);
  if (s == BERTH_STOPPED)
    return 0;
  berth_test_delay("kill-before-signal");
  /* Through the pidfd pinned at Load: never a process that took the pid of a dead init. */
  int r = berth_container_signal(c, sig);
  if (r == -ESRCH)
    return berth_error(err, 0, "kill %s: container not running", c->id);
  return r < 0 ? berth_error(err, -r, "kill %s (pid %d)", c->id, (int)c->pid) : 0;
}

int berth_container_pause(struct berth_container *c, bool pause, struct berth_error *err) {
  enum berth_status s = berth_container_status(c);
  if (pause && s != BERTH_RUNNING && s != BERTH_CREATED)
    return berth_error(err, 0, "container %s is %s, not running", c->id, berth_status_name(s));
  if (!pause && s != BERTH_PAUSED)
    return berth_error(err, 0, "container %s is %s, not paused", c->id, berth_status_name(s));
  return berth_cgroup_freeze(&c->cg, pause, err);
}

/* Until the init is no longer the recorded process (its pid and start time): a pid taken over
 * by another process meanwhile is not waited for. */
static void wait_gone(struct berth_container *c) {
  for (int i = 0; i < 10000 && berth_container_init_alive(c); i++)
    usleep(i < 100 ? 100 : 1000);
}

/* SIGKILL what the records name: every process in the cgroup (a create refuses a cgroup that
 * holds processes, so all of them are the container's; an exec killed before it joined the
 * pid namespace is there too), and the init if it is still the recorded process (the only
 * one to kill without a cgroup: driver "none"). */
static int kill_everything(struct berth_container *c, struct berth_error *err) {
  bool init_alive = berth_container_init_alive(c);
  int sig = SIGKILL;
  if (c->cg.plugin != NULL) {
    int r = berth_cgroup_pids(&c->cg, signal_one, &sig, err);
    /* A cgroup already gone holds nothing to kill. */
    if (r == -ENOENT)
      berth_error_clear(err);
    else if (r < 0)
      return berth_error_prefix(err, "kill the processes of its cgroup");
  }
  if (init_alive)
    (void)berth_container_signal(c, SIGKILL); /* through the pin; it may exit meanwhile */
  /* A frozen process dies only once thawed. */
  if (berth_cgroup_is_frozen(&c->cg) && berth_cgroup_freeze(&c->cg, false, err) < 0)
    return berth_error_prefix(err, "thaw its cgroup");
  if (init_alive)
    wait_gone(c);
  if (init_alive && berth_container_init_alive(c))
    return berth_error(err, 0, "kill init (pid %d): still alive after 10 s", (int)c->pid);
  return 0;
}

struct recovery {
  struct berth_container *c;
  json_object *spec;
  bool rootless;
};

/* The cgroup made again and removed at once; in a probe child when there is one to spare. */
static int recreate_and_destroy(void *data, char **answer, struct berth_error *err) {
  (void)answer;
  struct recovery *rc = data;
  int r = berth_cgroup_create(&rc->c->cg, rc->c->id, rc->spec, rc->rootless, err);
  if (r == 0)
    r = berth_cgroup_destroy(&rc->c->cg, err);
  berth_cgroup_release(&rc->c->cg);
  return r;
}

/* A create killed while its plugin made the cgroup left no saved handle: make the same
 * cgroup again (it exists in part or whole, and empty: no process was started yet), and
 * destroy it. In a probe child: the create may have ended because the plugin's create op
 * crashes, and then it crashes again here; delete must still remove the record, so that a
 * plugin's bug leaves no container nobody can delete. Best effort: a failure is warned
 * about, delete goes on. */
static void recover_cgroup(struct berth_container *c) {
  if (!c->creating || c->cg.plugin == NULL || c->cg.handle != NULL || c->spec == NULL)
    return;
  json_object *spec = NULL;
  if (json_object_deep_copy(c->spec, &spec, NULL) < 0)
    return;
  _cleanup_json_ json_object *owned = spec;
  /* Limits do not matter for a cgroup about to go, and may be why the create failed. */
  json_object *linux_section = json_get(spec, "linux");
  if (linux_section != NULL)
    json_object_object_del(linux_section, "resources");
  _cleanup_error_ struct berth_error why = {0};
  struct recovery rc = {
      .c = c, .spec = spec, .rootless = json_get_bool(c->state, "rootless", false)};
  char path[4096], what[4200];
  if (berth_plugin_file(c->cg.plugin->name, path, sizeof(path)) < 0)
    snprintf(path, sizeof(path), "%s.so", c->cg.plugin->name);
  snprintf(what, sizeof(what), "plugin %s", path);
  int r =
      berth_probe_run(what, BERTH_PLUGIN_PROBE_TIMEOUT_MS, recreate_and_destroy, &rc, NULL, &why);
  if (r == -BERTH_PROBE_NO_CHILD) {
    berth_error_clear(&why);
    r = recreate_and_destroy(&rc, NULL, &why);
  }
  if (r < 0)
    berth_log(BERTH_LOG_WARN, "delete %s: the cgroup of its interrupted create: %s", c->id,
              why.msg);
}

/* Only the damaged-state case can lack a spec (no hooks) or any record (nothing to kill). */
static int remove_everything(int root_fd, struct berth_container *c, struct berth_error *err) {
  if (c->unknown)
    berth_log(BERTH_LOG_WARN,
              "delete %s: neither %s nor %s is usable: its processes and cgroup could not be "
              "determined; removing the state directory only",
              c->id, BERTH_STATE_FILE, BERTH_RECORD_FILE);
  recover_cgroup(c);
  int r = kill_everything(c, err);
  if (r < 0)
    return r;
  berth_crash_point("delete-killed");
  r = berth_cgroup_destroy(&c->cg, err);
  if (r < 0)
    return berth_error_prefix(err, "remove its cgroup");
  berth_crash_point("delete-cgroup-destroyed");
  r = berth_rdt_destroy(&c->rdt, err);
  if (r < 0)
    return r;
  if (c->spec != NULL)
    berth_container_hooks_warn(c, "poststop", BERTH_STOPPED);
  berth_crash_point("delete-before-rmdir");
  /* Our lock is on the directory's fd: removing the directory does not wait for it, and a
   * command waiting on it finds the directory gone (berth_state_lock). */
  return berth_state_dir_remove(root_fd, c->id, err);
}

int berth_container_delete(int root_fd, struct berth_container *c, bool force,
                           struct berth_error *err) {
  enum berth_status s = berth_container_status(c);
  /* The runtime spec: deleting a container that is not stopped MUST fail and leave it be.
   * runc deletes a created one anyway; engines do not rely on that (containerd's shim kills a
   * created task before its plain delete, podman and CRI-O always pass --force). A container
   * whose create was killed is stopped, and deleted as such. */
  if (s != BERTH_STOPPED && !force)
    return berth_error(err, 0, "cannot delete container %s that is not stopped: %s", c->id,
                       berth_status_name(s));
  int r = remove_everything(root_fd, c, err);
  return r < 0 ? berth_error_prefix(err, "delete %s: could not remove everything", c->id) : 0;
}

static const struct {
  const char *name;
  int number;
} signals[] = {
    {"HUP", SIGHUP},       {"INT", SIGINT},   {"QUIT", SIGQUIT},     {"ILL", SIGILL},
    {"TRAP", SIGTRAP},     {"ABRT", SIGABRT}, {"IOT", SIGIOT},       {"BUS", SIGBUS},
    {"FPE", SIGFPE},       {"KILL", SIGKILL}, {"USR1", SIGUSR1},     {"SEGV", SIGSEGV},
    {"USR2", SIGUSR2},     {"PIPE", SIGPIPE}, {"ALRM", SIGALRM},     {"TERM", SIGTERM},
    {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD}, {"CONT", SIGCONT},     {"STOP", SIGSTOP},
    {"TSTP", SIGTSTP},     {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU},     {"URG", SIGURG},
    {"XCPU", SIGXCPU},     {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF},
    {"WINCH", SIGWINCH},   {"IO", SIGIO},     {"POLL", SIGPOLL},     {"PWR", SIGPWR},
    {"SYS", SIGSYS},
};

int berth_signal_parse(const char *text) {
  if (text == NULL || *text == '\0')
    return -1;
  char *end = NULL;
  long n = strtol(text, &end, 10);
  /* 0 sends nothing but says whether the process lives: runc passes it to kill(2). */
  if (*end == '\0')
    return n >= 0 && n < NSIG ? (int)n : -1;
  const char *name = strncasecmp(text, "SIG", 3) == 0 ? text + 3 : text;
  for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
    if (strcasecmp(name, signals[i].name) == 0)
      return signals[i].number;
  if (strncasecmp(name, "RTMIN", 5) == 0 || strncasecmp(name, "RTMAX", 5) == 0) {
    long off = 0;
    if (name[5] != '\0') {
      if (name[5] != '+' && name[5] != '-')
        return -1;
      off = strtol(name + 5, &end, 10);
      if (end == name + 6 || *end != '\0')
        return -1;
    }
    int sig = (strncasecmp(name, "RTMIN", 5) == 0 ? SIGRTMIN : SIGRTMAX) + (int)off;
    return sig >= SIGRTMIN && sig <= SIGRTMAX ? sig : -1;
  }
  return -1;
}
