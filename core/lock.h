/* SPDX-License-Identifier: Apache-2.0 */
/* One lock per container, so that concurrent commands (an engine's update, pause and delete
 * at once) act one after the other on one state. */
#ifndef BERTH_LOCK_H
#define BERTH_LOCK_H

#include "error.h"

/* Lock the state dir open as dir_fd (flock, exclusive, waits), held until dir_fd is closed or
 * unlocked. -ENOENT (message "container ID does not exist") when the directory was removed
 * while we waited: whoever held the lock deleted the container. */
int berth_state_lock(int dir_fd, const char *id, struct berth_error *err);
void berth_state_unlock(int dir_fd);

/* Test-only failpoint: when BERTH_TEST_CRASH_AT names this point, berth SIGKILLs itself
 * here, as an engine's timeout would at a random moment (tests/integration/crash.bats). One
 * getenv, only on the paths where a crash must leave a record delete -f can clean. With
 * BERTH_TEST_CRASH_SIGNAL=SEGV it faults instead: a bug in the core's own code. */
void berth_crash_point(const char *name);

#endif
