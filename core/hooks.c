/* SPDX-License-Identifier: Apache-2.0 */
#include "hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "json_util.h"
#include "log.h"
#include "phase.h"

/* How much of a failing hook's stderr its error message quotes (the end, where the cause is). */
#define STDERR_TAIL 512
/* Bytes read from a pipe per wakeup; also how much of stdout we throw away at a time. */
#define CHUNK 4096
/* Without a pidfd (Linux < 5.3) we look for the hook's exit this often. */
#define EXIT_POLL_MS 20

json_object *berth_hook_state(json_object *spec, const char *id, const char *status, pid_t pid,
                              const char *bundle) {
  json_object *o = json_object_new_object();
  const char *version = json_get_str(spec, "ociVersion");
  json_object_object_add(o, "ociVersion", json_object_new_string(version ? version : ""));
  json_object_object_add(o, "id", json_object_new_string(id));
  json_object_object_add(o, "status", json_object_new_string(status));
  if (pid > 0)
    json_object_object_add(o, "pid", json_object_new_int(pid));
  json_object_object_add(o, "bundle", json_object_new_string(bundle ? bundle : ""));
  json_object *annotations = json_get(spec, "annotations");
  if (annotations != NULL && json_object_object_length(annotations) > 0)
    json_object_object_add(o, "annotations", json_object_get(annotations));
  return o;
}

/* Our ends of the hook's stdio, and what passes through them. */
struct hook_io {
  int in, out, err; /* write its stdin, read (and drop) its stdout, read its stderr */
  const char *input;
  size_t input_len, written;
  char tail[STDERR_TAIL];
  size_t tail_len;
};

static void hook_io_close(struct hook_io *io) {
  closep(&io->in);
  closep(&io->out);
  closep(&io->err);
  io->in = io->out = io->err = -1;
}

/* A pipe with both ends above stdio (berth may have been started with 0-2 closed, and the
 * child's dup2 onto 0-2 must not clobber another end). */
static int make_pipe(int fds[2]) {
  if (pipe2(fds, O_CLOEXEC) < 0)
    return -errno;
  for (int i = 0; i < 2; i++) {
    if (fds[i] >= 3)
      continue;
    int moved = fcntl(fds[i], F_DUPFD_CLOEXEC, 3);
    int saved = errno;
    close(fds[i]);
    fds[i] = moved;
    if (moved < 0) {
      closep(&fds[1 - i]);
      return -saved;
    }
  }
  return 0;
}

/* args (args[0] is argv[0]; Go's exec.Cmd, which runc uses, runs {path} when there are
 * none) or env, exactly as given: NULL-terminated, malloc()ed. */
static char **string_vector(json_object *array, const char *when_empty) {
  size_t n = array != NULL ? json_object_array_length(array) : 0;
  _cleanup_strv_ char **v = calloc(n + 2, sizeof(char *));
  if (v == NULL)
    return NULL;
  for (size_t i = 0; i < n; i++)
    if ((v[i] = strdup(json_object_get_string(json_object_array_get_idx(array, i)))) == NULL)
      return NULL;
  if (n == 0 && when_empty != NULL && (v[0] = strdup(when_empty)) == NULL)
    return NULL;
  return steal_pointer(&v);
}

/* In the forked child: only async-signal-safe calls. The hook gets stdio and nothing else
 * of ours (the sync socket, a console, a preserved fd), and default signals: `run` blocks
 * the ones it forwards, and our ignored SIGPIPE would survive execve. A failure to execute
 * goes back as an errno through report_fd, which execve closes when it succeeds. */
static void __attribute__((noreturn))
exec_hook(const char *path, char **argv, char **envp, const char *cwd, const int stdio[3],
          int report_fd) {
  int e = 0;
  for (int i = 0; i < 3 && e == 0; i++)
    if (dup2(stdio[i], i) < 0)
      e = errno;
  if (e == 0 && cwd != NULL && chdir(cwd) < 0)
    e = errno;
  if (e == 0) {
    syscall(SYS_close_range, 3, ~0u, CLOSE_RANGE_CLOEXEC);
    struct sigaction dfl = {.sa_handler = SIG_DFL};
    sigemptyset(&dfl.sa_mask);
    for (int sig = 1; sig < NSIG; sig++)
      if (sig != SIGKILL && sig != SIGSTOP)
        sigaction(sig, &dfl, NULL);
    sigprocmask(SIG_SETMASK, &dfl.sa_mask, NULL);
    execve(path, argv, envp);
    e = errno;
  }
  ssize_t ignored = write(report_fd, &e, sizeof(e));
  (void)ignored;
  _exit(127);
}

/* fork + execve; -errno when the hook could not be started (then it is reaped). */
static int spawn_hook(const char *path, char **argv, char **envp, const char *cwd,
                      const int stdio[3], pid_t *pid) {
  int report[2];
  int r = make_pipe(report);
  if (r < 0)
    return r;
  *pid = fork();
  if (*pid == 0)
    exec_hook(path, argv, envp, cwd, stdio, report[1]);
  int saved = errno;
  close(report[1]);
  if (*pid < 0) {
    close(report[0]);
    return -saved;
  }
  int e = 0;
  ssize_t n;
  while ((n = read(report[0], &e, sizeof(e))) < 0 && errno == EINTR)
    ;
  close(report[0]);
  if (n != (ssize_t)sizeof(e))
    return 0;
  while (waitpid(*pid, NULL, 0) < 0 && errno == EINTR)
    ;
  return -(e > 0 ? e : EIO);
}

static void keep_tail(struct hook_io *io, const char *buf, size_t n) {
  if (n >= STDERR_TAIL) {
    memcpy(io->tail, buf + n - STDERR_TAIL, STDERR_TAIL);
    io->tail_len = STDERR_TAIL;
    return;
  }
  size_t keep = io->tail_len + n > STDERR_TAIL ? STDERR_TAIL - n : io->tail_len;
  memmove(io->tail, io->tail + io->tail_len - keep, keep);
  memcpy(io->tail + keep, buf, n);
  io->tail_len = keep + n;
}

/* Read what is there; close at EOF or on an error. False when nothing was read. */
static bool read_some(int *fd, struct hook_io *io, bool is_stderr) {
  char buf[CHUNK];
  ssize_t n = read(*fd, buf, sizeof(buf));
  if (n > 0 && is_stderr)
    keep_tail(io, buf, (size_t)n);
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
    close(*fd);
    *fd = -1;
  }
  return n > 0;
}

/* Feed stdin without blocking; a hook that exits or closes it early is not an error. */
static void write_some(struct hook_io *io) {
  ssize_t n = write(io->in, io->input + io->written, io->input_len - io->written);
  if (n > 0)
    io->written += (size_t)n;
  if (io->written == io->input_len || (n < 0 && errno != EAGAIN && errno != EINTR)) {
    close(io->in);
    io->in = -1;
  }
}

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void kill_and_reap(pid_t pid) {
  kill(pid, SIGKILL);
  while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
    ;
}

/* Serve the hook's stdio until it exits (0, *status set) or the deadline passes (-ETIME;
 * it is killed). Its exit ends the wait even when a child it left behind still holds
 * stdout or stderr open: we do not wait for EOF. */
static int wait_hook(pid_t pid, struct hook_io *io, int64_t deadline, int *status) {
  _cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
  for (;;) {
    struct pollfd p[4];
    int n = 0;
    if (io->in >= 0)
      p[n++] = (struct pollfd){.fd = io->in, .events = POLLOUT};
    if (io->out >= 0)
      p[n++] = (struct pollfd){.fd = io->out, .events = POLLIN};
    if (io->err >= 0)
      p[n++] = (struct pollfd){.fd = io->err, .events = POLLIN};
    if (pidfd >= 0)
      p[n++] = (struct pollfd){.fd = pidfd, .events = POLLIN};
    int64_t wait = pidfd >= 0 ? -1 : EXIT_POLL_MS;
    if (deadline >= 0) {
      int64_t left = deadline - now_ms();
      if (left <= 0) {
        kill_and_reap(pid);
        return -ETIME;
      }
      wait = wait < 0 || left < wait ? left : wait;
      wait = wait > INT32_MAX ? INT32_MAX : wait;
    }
    if (poll(p, (nfds_t)n, (int)wait) < 0 && errno != EINTR) {
      int saved = errno;
      kill_and_reap(pid);
      return -saved;
    }
    for (int i = 0; i < n; i++) {
      if (p[i].revents == 0 || p[i].fd == pidfd)
        continue;
      if (p[i].fd == io->in)
        write_some(io);
      else if (p[i].fd == io->out)
        read_some(&io->out, io, false);
      else if (p[i].fd == io->err)
        read_some(&io->err, io, true);
    }
    pid_t w = waitpid(pid, status, WNOHANG);
    if (w == pid)
      break;
    if (w < 0 && errno != EINTR)
      return -errno;
  }
  /* What it wrote just before exiting; bounded, a grandchild may keep writing. */
  for (int i = 0; i < 64 && io->err >= 0 && read_some(&io->err, io, true); i++)
    ;
  return 0;
}

/* The tail of stderr on one line: newlines become "; ", other control bytes spaces. */
static void flatten_tail(const struct hook_io *io, char *out, size_t size) {
  size_t start = 0, end = io->tail_len, o = 0;
  /* The tail may begin inside a UTF-8 sequence. */
  while (start < end && ((unsigned char)io->tail[start] & 0xC0) == 0x80)
    start++;
  while (start < end && (unsigned char)io->tail[start] <= ' ')
    start++;
  while (end > start && (unsigned char)io->tail[end - 1] <= ' ')
    end--;
  for (size_t i = start; i < end && o + 3 < size; i++) {
    unsigned char ch = (unsigned char)io->tail[i];
    if (ch == '\n') {
      out[o++] = ';';
      out[o++] = ' ';
    } else {
      out[o++] = ch < ' ' || ch == 0x7f ? ' ' : (char)ch;
    }
  }
  out[o] = '\0';
}

static int hook_failure(const struct hook_io *io, int r, int status, int64_t timeout,
                        struct berth_error *err) {
  char tail[STDERR_TAIL * 2 + 1];
  flatten_tail(io, tail, sizeof(tail));
  const char *sep = *tail ? "; stderr: " : "";
  if (r == -ETIME)
    return berth_error(err, 0, "timed out after %lld s%s%s", (long long)timeout, sep, tail);
  if (r < 0)
    return berth_error(err, -r, "wait for the hook");
  if (WIFSIGNALED(status))
    return berth_error(err, 0, "killed by signal %d (%s)%s%s", WTERMSIG(status),
                       strsignal(WTERMSIG(status)), sep, tail);
  return berth_error(err, 0, "exit status %d%s%s", WEXITSTATUS(status), sep, tail);
}

int berth_hook_run(json_object *hook, const char *state_json, const char *cwd,
                   struct berth_error *err) {
  const char *path = json_get_str(hook, "path");
  if (path == NULL || *path == '\0')
    return berth_error(err, EINVAL, "path missing");
  _cleanup_strv_ char **argv = string_vector(json_get_array(hook, "args"), path);
  /* Without "env", ours, as runc's and crun's hooks get theirs (PATH, for one); "env": []
   * is an empty environment (Go's exec.Cmd tells a nil Env from an empty one). */
  json_object *env = json_get_array(hook, "env");
  _cleanup_strv_ char **envp = env != NULL ? string_vector(env, NULL) : NULL;
  if (argv == NULL || (env != NULL && envp == NULL))
    return berth_error(err, ENOMEM, "prepare the hook");
  /* The spec requires timeout > 0 (spec.c checks); anything else means none. */
  int64_t timeout = json_get_int(hook, "timeout", 0);
  if (timeout > INT32_MAX)
    timeout = INT32_MAX;
  /* stdin, stdout, stderr: [0] is the read end */
  int pipes[3][2] = {{-1, -1}, {-1, -1}, {-1, -1}};
  int r = 0;
  for (int i = 0; i < 3 && r == 0; i++)
    r = make_pipe(pipes[i]);
  int child_stdio[3] = {pipes[0][0], pipes[1][1], pipes[2][1]};
  struct hook_io io = {.in = pipes[0][1],
                       .out = pipes[1][0],
                       .err = pipes[2][0],
                       .input = state_json != NULL ? state_json : "",
                       .input_len = state_json != NULL ? strlen(state_json) : 0};
  pid_t pid = 0;
  const char *what = "create pipes for its stdio";
  if (r == 0) {
    r = spawn_hook(path, argv, env != NULL ? envp : environ, cwd, child_stdio, &pid);
    what = "execute";
  }
  for (int i = 0; i < 3; i++)
    closep(&child_stdio[i]);
  if (r < 0) {
    hook_io_close(&io);
    return berth_error(err, -r, "%s", what);
  }
  /* Only our ends: the hook must see EOF on stdin, and we must not block on it. */
  fcntl(io.in, F_SETFL, O_NONBLOCK);
  fcntl(io.out, F_SETFL, O_NONBLOCK);
  fcntl(io.err, F_SETFL, O_NONBLOCK);
  if (io.input_len == 0) {
    close(io.in);
    io.in = -1;
  }
  /* A hook that exits without reading its stdin must not kill us with SIGPIPE. */
  struct sigaction ignore = {.sa_handler = SIG_IGN}, saved;
  sigemptyset(&ignore.sa_mask);
  sigaction(SIGPIPE, &ignore, &saved);
  int status = 0;
  r = wait_hook(pid, &io, timeout > 0 ? now_ms() + timeout * 1000 : -1, &status);
  sigaction(SIGPIPE, &saved, NULL);
  hook_io_close(&io);
  if (r == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
    return 0;
  return hook_failure(&io, r, status, timeout, err);
}

static int run_one(json_object *list, size_t i, const char *kind, const char *state_json,
                   const char *cwd, struct berth_error *err) {
  json_object *hook = json_object_array_get_idx(list, i);
  const char *path = json_get_str(hook, "path");
  berth_log(BERTH_LOG_DEBUG, "running %s hook #%zu (%s)", kind, i, path ? path : "");
  if (berth_hook_run(hook, state_json, cwd, err) < 0)
    return berth_error_prefix(err, "%s hook #%zu (%s)", kind, i, path ? path : "");
  return 0;
}

static json_object *hook_list(json_object *spec, const char *kind) {
  return json_get_array(json_get(spec, "hooks"), kind);
}

static const char *state_text(json_object *state) {
  return json_object_to_json_string_ext(state,
                                        JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}

int berth_hooks_run(json_object *spec, const char *kind, json_object *state, const char *cwd,
                    struct berth_error *err) {
  json_object *list = hook_list(spec, kind);
  size_t n = list != NULL ? json_object_array_length(list) : 0;
  const char *text = n > 0 ? state_text(state) : NULL;
  uint64_t t = n > 0 ? berth_phase_begin() : 0;
  for (size_t i = 0; i < n; i++) {
    int r = run_one(list, i, kind, text, cwd, err);
    if (r < 0)
      return r;
  }
  berth_phase_end(t, "hooks %s", kind);
  return 0;
}

void berth_hooks_run_warn(json_object *spec, const char *kind, json_object *state,
                          const char *cwd) {
  json_object *list = hook_list(spec, kind);
  size_t n = list != NULL ? json_object_array_length(list) : 0;
  const char *text = n > 0 ? state_text(state) : NULL;
  uint64_t t = n > 0 ? berth_phase_begin() : 0;
  for (size_t i = 0; i < n; i++) {
    _cleanup_error_ struct berth_error err = {0};
    if (run_one(list, i, kind, text, cwd, &err) < 0)
      berth_log(BERTH_LOG_WARN, "container %s: %s", json_get_str(state, "id"), err.msg);
  }
  berth_phase_end(t, "hooks %s", kind);
}

/* In the bundle as at create (runc runs these from create); a stopped container's bundle may
 * already be gone when it is deleted, so poststop runs where delete was called. */
static const char *container_hook_cwd(struct berth_container *c, enum berth_status status) {
  return status == BERTH_STOPPED ? NULL : json_get_str(c->state, "bundle");
}

static json_object *container_hook_state(struct berth_container *c, enum berth_status status) {
  pid_t pid = status == BERTH_STOPPED ? 0 : c->pid;
  return berth_hook_state(c->spec, c->id, berth_status_name(status), pid,
                          json_get_str(c->state, "bundle"));
}

int berth_container_hooks_run(struct berth_container *c, const char *kind, enum berth_status status,
                              struct berth_error *err) {
  if (hook_list(c->spec, kind) == NULL)
    return 0;
  _cleanup_json_ json_object *state = container_hook_state(c, status);
  return berth_hooks_run(c->spec, kind, state, container_hook_cwd(c, status), err);
}

void berth_container_hooks_warn(struct berth_container *c, const char *kind,
                                enum berth_status status) {
  if (hook_list(c->spec, kind) == NULL)
    return;
  _cleanup_json_ json_object *state = container_hook_state(c, status);
  berth_hooks_run_warn(c->spec, kind, state, container_hook_cwd(c, status));
}
