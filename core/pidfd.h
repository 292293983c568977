/* SPDX-License-Identifier: Apache-2.0 */
/* The container's init pinned by a pidfd from Load to the last use: once the init has died,
 * its pid may go to another process, and a later kill(pid) or open("/proc/PID/ns/...") would
 * reach that stranger (as root). A pidfd names one process for good. */
#ifndef BERTH_PIDFD_H
#define BERTH_PIDFD_H

#include <stdbool.h>

#include "state.h"

/* c->pidfd: a pidfd on the init, or BERTH_PIDFD_GONE when the process with the recorded pid
 * and start time is gone, or BERTH_PIDFD_UNSUPPORTED on a kernel without pidfd_open (5.3):
 * there the recorded start time is checked again, which leaves a window. */
#define BERTH_PIDFD_GONE (-1)
#define BERTH_PIDFD_UNSUPPORTED (-2)

/* Load: pin c->pid, which must have c->start_time. */
void berth_container_pin(struct berth_container *c);
/* Whether the pinned init has not been reaped yet (a zombie counts: its pid is not free). */
bool berth_container_pinned(struct berth_container *c);
/* Signal the pinned init: 0, or -ESRCH once it is gone, or another -errno. */
int berth_container_signal(struct berth_container *c, int sig);

#endif
