/* SPDX-License-Identifier: Apache-2.0 */
/* `berth run`: create + start, then (unless -d) stay as the container's parent, forward
 * signals to it, and exit with its status (128+signal when killed), as runc does. */
#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "cli.h"
#include "container.h"
#include "console.h"
#include "factory.h"
#include "foreground.h"
#include "phase.h"

static void remove_container(struct berth_globals *g, const char *id) {
  _cleanup_error_ struct berth_error err = {0};
  _cleanup_close_ int root_fd = -1;
  _cleanup_container_ struct berth_container *c = NULL;
  if (cli_load_locked(g, id, &root_fd, &c, &err) < 0 ||
      berth_container_delete(root_fd, c, true, &err) < 0)
    cli_fail(&err);
}

/* Start under the container's lock, released on return: remove_container takes it again
 * (flock on another open file description of the state directory, which would wait on this
 * one for good). */
static int start_container(struct berth_globals *g, const char *id, struct berth_error *err) {
  _cleanup_close_ int root_fd = -1;
  _cleanup_container_ struct berth_container *c = NULL;
  uint64_t t = berth_phase_begin();
  int r = cli_load_locked(g, id, &root_fd, &c, err);
  if (r < 0)
    return r;
  berth_phase_end(t, "state load");
  return berth_container_start(c, err);
}

int cmd_run(struct berth_globals *g, int argc, char **argv) {
  struct berth_create_options o;
  struct create_flags f;
  if (cli_parse_create(g, argc, argv, true, &o, &f) != 0)
    return 1;
  sigset_t set;
  int console[2] = {-1, -1};
  if (!f.detach) {
    berth_foreground_block_signals(&set);
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    /* Where init sends the pty master if the spec asks for a terminal. */
    if (o.console_socket == NULL &&
        socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, console) == 0)
      o.console_fd = console[1];
  }
  _cleanup_close_ int ours = console[0];
  _cleanup_close_ int theirs = console[1];
  _cleanup_error_ struct berth_error err = {0};
  pid_t pid;
  if (berth_create(&o, &pid, &err) < 0)
    return cli_fail(&err);
  _cleanup_close_ int master = ours >= 0 ? berth_console_receive(ours, true, &err) : -1;
  if (master < 0 && master != -1 && master != -EAGAIN) {
    int status = cli_fail(&err);
    remove_container(g, o.id);
    return status;
  }
  if (start_container(g, o.id, &err) < 0) {
    int status = cli_fail(&err);
    remove_container(g, o.id);
    return status;
  }
  if (f.detach)
    return 0;
  uint64_t t = berth_phase_begin();
  int status = berth_foreground_wait(pid, master, &set);
  berth_phase_end(t, "container runs");
  t = berth_phase_begin();
  if (!f.keep)
    remove_container(g, o.id);
  berth_phase_end(t, "teardown");
  return status;
}
