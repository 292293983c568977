/* SPDX-License-Identifier: Apache-2.0 */
#include "plugin_probe.h"

#include <errno.h>
#include <fcntl.h>
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

/* An answer is a line or a small JSON object; more is a plugin writing where it should not. */
#define MAX_ANSWER (1u << 20)

static bool in_child;

bool berth_probe_in_child(void) {
  return in_child;
}

static bool write_all(int fd, const void *buf, size_t len) {
  const char *p = buf;
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    p += n;
    len -= (size_t)n;
  }
  return true;
}

/* The child: "A" + answer or "E" + errno (4 bytes) + message on the pipe, then _exit (no
 * atexit handler or stdio buffer of the parent's runs twice). */
static _Noreturn void child(int out, berth_probe_fn fn, void *data) {
  in_child = true;
  /* A crash must kill the child by its signal, which the parent reports: a sanitizer's
   * handler would turn it into exit(1). */
  static const int crash_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGSYS, SIGTRAP};
  for (size_t i = 0; i < sizeof(crash_signals) / sizeof(crash_signals[0]); i++)
    signal(crash_signals[i], SIG_DFL);
  /* stdout may carry the command's answer (features' JSON): a plugin's stray output goes to
   * stderr instead. */
  dup2(STDERR_FILENO, STDOUT_FILENO);
  struct berth_error err = {0};
  char *answer = NULL;
  int r = fn(data, &answer, &err);
  bool ok;
  if (r < 0) {
    int32_t code = err.code;
    const char *msg = err.msg != NULL ? err.msg : "failed";
    ok = write_all(out, "E", 1) && write_all(out, &code, sizeof(code)) &&
         write_all(out, msg, strlen(msg));
  } else {
    ok = write_all(out, "A", 1) && (answer == NULL || write_all(out, answer, strlen(answer)));
  }
  _exit(ok ? 0 : 1);
}

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct buffer {
  char *data;
  size_t len;
  bool overflow;
};

/* Read what is there: 1 when something was read, -1 when nothing is there yet, 0 at the end
 * (or an error: nothing more comes). */
static int read_some(int fd, struct buffer *b) {
  char chunk[4096];
  ssize_t n = read(fd, chunk, sizeof(chunk));
  if (n < 0)
    return errno == EINTR || errno == EAGAIN ? -1 : 0;
  if (n == 0)
    return 0;
  if (b->len + (size_t)n > MAX_ANSWER) {
    b->overflow = true;
    return 1;
  }
  char *more = realloc(b->data, b->len + (size_t)n + 1);
  if (more == NULL) {
    b->overflow = true;
    return 1;
  }
  b->data = more;
  memcpy(b->data + b->len, chunk, (size_t)n);
  b->len += (size_t)n;
  b->data[b->len] = '\0';
  return 1;
}

/* Collect the child's answer until it has exited and the pipe is at its end, or the time is
 * up (false). The pidfd tells that the child is gone even when something else holds the pipe
 * open (a process the plugin forked) or the child closed it and went on; without one (Linux
 * before 5.3) the pipe's end stands for the child's. */
static bool collect(pid_t pid, int rd, int timeout_ms, struct buffer *b) {
  _cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
  int64_t deadline = now_ms() + timeout_ms;
  bool eof = false, exited = false;
  while (!eof || !exited) {
    int64_t left = deadline - now_ms();
    if (left <= 0)
      return false;
    struct pollfd fds[2] = {{.fd = eof ? -1 : rd, .events = POLLIN},
                            {.fd = exited ? -1 : pidfd, .events = POLLIN}};
    if (poll(fds, 2, (int)left) < 0 && errno != EINTR)
      return false;
    if (fds[0].revents != 0 && read_some(rd, b) == 0) {
      eof = true;
      exited = exited || pidfd < 0;
    }
    if (fds[1].revents != 0) {
      exited = true;
      /* Whatever the child wrote is in the pipe by now; do not wait for others to close it. */
      fcntl(rd, F_SETFL, O_NONBLOCK);
      while (!eof && read_some(rd, b) > 0)
        ;
      eof = true;
    }
  }
  return true;
}

static int verdict(const char *what, int status, const struct buffer *b, char **answer,
                   struct berth_error *err) {
  if (WIFSIGNALED(status))
    return berth_error(err, 0, "%s: crashed (signal %d)", what, WTERMSIG(status));
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || b->len == 0)
    return berth_error(err, 0, "%s: exited with status %d before answering", what,
                       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  if (b->overflow)
    return berth_error(err, 0, "%s: answer longer than %u bytes", what, MAX_ANSWER);
  if (b->data[0] == 'E' && b->len >= 1 + sizeof(int32_t)) {
    int32_t code;
    memcpy(&code, b->data + 1, sizeof(code));
    int r = berth_error(err, 0, "%s", b->data + 1 + sizeof(code));
    if (code > 0) {
      err->code = code;
      r = -code;
    }
    return r;
  }
  if (b->data[0] != 'A')
    return berth_error(err, 0, "%s: unreadable answer", what);
  if (answer != NULL && (*answer = strdup(b->data + 1)) == NULL)
    return berth_error(err, ENOMEM, "%s", what);
  return 0;
}

int berth_probe_run(const char *what, int timeout_ms, berth_probe_fn fn, void *data, char **answer,
                    struct berth_error *err) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) < 0)
    return berth_error(err, errno, "%s: pipe", what);
  _cleanup_close_ int rd = fds[0];
  _cleanup_close_ int wr = fds[1];
  /* What the parent buffered must not come out of the child too. */
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) {
    berth_error(err, errno, "%s: fork", what);
    return -BERTH_PROBE_NO_CHILD;
  }
  if (pid == 0) {
    close(rd);
    child(wr, fn, data);
  }
  close(take_fd(&wr));
  _cleanup_free_ char *data_read = NULL;
  struct buffer b = {0};
  bool answered = collect(pid, rd, timeout_ms, &b);
  data_read = b.data;
  if (!answered)
    kill(pid, SIGKILL); /* our own unreaped child: its pid cannot have been reused */
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      return berth_error(err, errno, "%s: wait for the probe", what);
  if (!answered)
    return berth_error(err, 0, "%s: no answer within %g s (killed)", what, timeout_ms / 1000.0);
  return verdict(what, status, &b, answer, err);
}
