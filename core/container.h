/* SPDX-License-Identifier: Apache-2.0 */
/* Operations on a loaded container: start, signal, pause, delete. */
#ifndef BERTH_CONTAINER_H
#define BERTH_CONTAINER_H

#include <stdbool.h>

#include "state.h"

/* Release init from exec.fifo: created → running. */
int berth_container_start(struct berth_container *c, struct berth_error *err);
/* Signal the init, or with all every process in the cgroup. */
int berth_container_kill(struct berth_container *c, int sig, bool all, struct berth_error *err);
int berth_container_pause(struct berth_container *c, bool pause, struct berth_error *err);
/* Stopped: tear down. Created, running or paused: only with force (SIGKILL first). */
int berth_container_delete(int root_fd, struct berth_container *c, bool force,
                           struct berth_error *err);
/* Signal name or number ("KILL", "SIGKILL", "9") → number, or -1. */
int berth_signal_parse(const char *text);

#endif
