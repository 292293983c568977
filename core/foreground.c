/* SPDX-License-Identifier: Apache-2.0 */
#include "foreground.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "cleanup.h"
#include "util.h"

static const int forwarded[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH};

void berth_foreground_block_signals(sigset_t *set) {
  sigemptyset(set);
  for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
    sigaddset(set, forwarded[i]);
  sigaddset(set, SIGCHLD);
  sigprocmask(SIG_BLOCK, set, NULL);
}

struct session {
  pid_t init;
  int master;
  bool stdin_open;
  bool raw;
  struct termios saved;
};

static void copy_size(int master) {
  struct winsize ws;
  /* A 0x0 size says "unknown" (no terminal behind ours): keep consoleSize then. */
  if (master >= 0 && ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col)
    ioctl(master, TIOCSWINSZ, &ws);
}

static void enter_raw(struct session *s) {
  if (s->master < 0 || !isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &s->saved) < 0)
    return;
  struct termios raw = s->saved;
  cfmakeraw(&raw);
  s->raw = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
  copy_size(s->master);
}

/* Copy what is readable from in to out; false at EOF or on an error. */
static bool pump(int in, int out) {
  char buf[16384];
  ssize_t n = read(in, buf, sizeof(buf));
  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return true;
  return n > 0 && write_all(out, buf, (size_t)n) == 0;
}

/* After init exited: what it wrote may still sit in the pty. */
static void drain(int master) {
  if (master < 0)
    return;
  fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
  while (pump(master, STDOUT_FILENO))
    if (errno == EAGAIN)
      break;
}

/* -1 while init lives, else its exit status. */
static int reap(pid_t init) {
  int status;
  pid_t pid;
  while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
    if (pid == init)
      return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
  return pid < 0 && errno == ECHILD ? 255 : -1;
}

static void handle_signal(struct session *s, int sigfd) {
  struct signalfd_siginfo info;
  if (read(sigfd, &info, sizeof(info)) != sizeof(info))
    return;
  if (info.ssi_signo == SIGCHLD)
    return;
  if (info.ssi_signo == SIGWINCH && s->master >= 0)
    copy_size(s->master); /* the kernel signals the pty's foreground group itself */
  else
    kill(s->init, (int)info.ssi_signo);
}

int berth_foreground_wait(pid_t init, int master, const sigset_t *set) {
  struct session s = {.init = init, .master = master, .stdin_open = master >= 0};
  _cleanup_close_ int sigfd = signalfd(-1, set, SFD_CLOEXEC);
  enter_raw(&s);
  int status;
  while ((status = reap(init)) < 0) {
    struct pollfd p[3] = {{.fd = sigfd, .events = POLLIN},
                          {.fd = s.stdin_open ? STDIN_FILENO : -1, .events = POLLIN},
                          {.fd = master, .events = POLLIN}};
    if (poll(p, 3, -1) < 0 && errno != EINTR)
      break;
    if (p[0].revents & POLLIN)
      handle_signal(&s, sigfd);
    if (p[1].revents & (POLLIN | POLLHUP) && !pump(STDIN_FILENO, master))
      s.stdin_open = false;
    if (p[2].revents & POLLIN)
      pump(master, STDOUT_FILENO);
  }
  drain(master);
  if (s.raw)
    tcsetattr(STDIN_FILENO, TCSANOW, &s.saved);
  return status < 0 ? 255 : status;
}
