/* SPDX-License-Identifier: Apache-2.0 */
#include "lock.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "state.h"

int berth_state_lock(int dir_fd, const char *id, struct berth_error *err) {
  /* flock, not fcntl locks: it belongs to the open file, so neither a fork nor closing
   * another fd of the same file drops it, and the kernel drops it when berth dies. */
  while (flock(dir_fd, LOCK_EX) < 0)
    if (errno != EINTR)
      return berth_error(err, errno, "lock the state directory of %s", id);
  /* A delete that held the lock has removed the directory: an unlinked directory has no
   * links left. */
  struct stat st;
  if (fstat(dir_fd, &st) < 0)
    return berth_error(err, errno, "stat the state directory of %s", id);
  if (st.st_nlink == 0)
    return berth_container_not_found(err, id);
  return 0;
}

void berth_state_unlock(int dir_fd) {
  /* Only fails on a bad fd, which the caller's close would report. */
  flock(dir_fd, LOCK_UN);
}

void berth_crash_point(const char *name) {
  const char *at = getenv("BERTH_TEST_CRASH_AT");
  if (at == NULL || strcmp(at, name) != 0)
    return;
  const char *how = getenv("BERTH_TEST_CRASH_SIGNAL");
  if (how != NULL && strcmp(how, "SEGV") == 0) {
    /* A real fault in the core's own code (tests/integration/plugin_crash.bats: not blamed on
     * a loaded plugin). Not NULL: UBSan would catch a NULL store and exit instead. */
    volatile int *volatile nowhere = (volatile int *)16;
    *nowhere = 1;
  }
  raise(SIGKILL);
}
