/* SPDX-License-Identifier: Apache-2.0 */
/* `berth run`: create + start, then (unless -d) stay as the container's parent, forward
 * signals to it, and exit with its status (128+signal when killed), as runc does. */
#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "cli.h"
#include "container.h"
#include "factory.h"

static const int forwarded[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH};

static void block_signals(sigset_t *set) {
  sigemptyset(set);
  for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
    sigaddset(set, forwarded[i]);
  sigaddset(set, SIGCHLD);
  sigprocmask(SIG_BLOCK, set, NULL);
}

/* Reap everything (we are a subreaper) until the init exits; return its exit status. */
static int wait_for_init(pid_t init, const sigset_t *set) {
  for (;;) {
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
      if (pid == init)
        return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
    if (pid < 0 && errno == ECHILD)
      return 255;
    siginfo_t info;
    int sig = sigwaitinfo(set, &info);
    if (sig > 0 && sig != SIGCHLD)
      kill(init, sig);
  }
}

static void remove_container(struct berth_globals *g, const char *id) {
  _cleanup_error_ struct berth_error err = {0};
  _cleanup_close_ int root_fd = -1;
  _cleanup_container_ struct berth_container *c = NULL;
  if (cli_load(g, id, &root_fd, &c, &err) < 0 || berth_container_delete(root_fd, c, true, &err) < 0)
    cli_fail(&err);
}

int cmd_run(struct berth_globals *g, int argc, char **argv) {
  struct berth_create_options o;
  struct create_flags f;
  if (cli_parse_create(g, argc, argv, true, &o, &f) != 0)
    return 1;
  sigset_t set;
  if (!f.detach) {
    block_signals(&set);
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  }
  _cleanup_error_ struct berth_error err = {0};
  pid_t pid;
  if (berth_create(&o, &pid, &err) < 0)
    return cli_fail(&err);
  {
    _cleanup_close_ int root_fd = -1;
    _cleanup_container_ struct berth_container *c = NULL;
    if (cli_load(g, o.id, &root_fd, &c, &err) < 0 || berth_container_start(c, &err) < 0) {
      int status = cli_fail(&err);
      remove_container(g, o.id);
      return status;
    }
  }
  if (f.detach)
    return 0;
  int status = wait_for_init(pid, &set);
  if (!f.keep)
    remove_container(g, o.id);
  return status;
}
