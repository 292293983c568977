/* SPDX-License-Identifier: Apache-2.0 */
#include "pidfd.h"

#include <errno.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

static bool still_recorded(const struct berth_container *c) {
  return process_alive(c->pid) && process_start_time(c->pid) == c->start_time;
}

void berth_container_pin(struct berth_container *c) {
  int fd = (int)syscall(SYS_pidfd_open, c->pid, 0); /* close-on-exec by definition */
  if (fd < 0) {
    c->pidfd = errno == ENOSYS ? BERTH_PIDFD_UNSUPPORTED : BERTH_PIDFD_GONE;
    return;
  }
  /* Checked after the open: the pidfd names whatever held the pid then. If the init (with
   * its start time) holds it now, it held it then too, since a pid is not reused while its
   * process lives. */
  if (!still_recorded(c)) {
    close(fd);
    fd = BERTH_PIDFD_GONE;
  }
  c->pidfd = fd;
}

int berth_container_signal(struct berth_container *c, int sig) {
  if (c->pidfd == BERTH_PIDFD_UNSUPPORTED) {
    if (!still_recorded(c))
      return -ESRCH;
    return kill(c->pid, sig) < 0 ? -errno : 0;
  }
  if (c->pidfd < 0)
    return -ESRCH;
  return syscall(SYS_pidfd_send_signal, c->pidfd, sig, NULL, 0) < 0 ? -errno : 0;
}

bool berth_container_pinned(struct berth_container *c) {
  return berth_container_signal(c, 0) == 0;
}
