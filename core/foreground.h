/* SPDX-License-Identifier: Apache-2.0 */
/* `run` in the foreground: stay the container's parent until its init exits. */
#ifndef BERTH_FOREGROUND_H
#define BERTH_FOREGROUND_H

#include <signal.h>
#include <sys/types.h>

/* Block the signals we forward (and SIGCHLD) before the container exists, so none is lost. */
void berth_foreground_block_signals(sigset_t *set);
/* Forward signals to init, copy between our stdio and the container's pty master (when
 * master >= 0; our terminal in raw mode, its size following ours), reap children (we are
 * a subreaper), and return init's exit status, 128+signal when it was killed. */
int berth_foreground_wait(pid_t init, int master, const sigset_t *set);

#endif
