/* SPDX-License-Identifier: Apache-2.0 */
/* Waiting on cgroup.events ("populated 0|1", "frozen 0|1"). kernfs signals a change with
 * POLLPRI on an open file, and re-arms it only when that same file is read again: so the
 * file is re-read through the polled fd (pread), never through a fresh open. */
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <time.h>

#include "fs2.h"
#include "helpers.h"

/* Re-read at least this often, should a notification be missed. */
#define POLL_SLICE_MS 100

static long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The value of "key N" in the file open at fd. */
static int read_event(int fd, const char *key, int *value) {
  char buf[512];
  ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
  if (n < 0)
    return -errno;
  buf[n] = '\0';
  size_t klen = strlen(key);
  for (const char *line = buf; *line != '\0';) {
    if (strncmp(line, key, klen) == 0 && line[klen] == ' ') {
      *value = atoi(line + klen + 1);
      return 0;
    }
    const char *next = strchr(line, '\n');
    line = next != NULL ? next + 1 : line + strlen(line);
  }
  return -ENOENT;
}

int fs2_wait_event(int cgfd, const char *key, int want, long timeout_ms) {
  _cleanup_close_ int fd = openat(cgfd, "cgroup.events", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return -errno;
  long deadline = now_ms() + timeout_ms;
  for (;;) {
    int value = -1;
    int r = read_event(fd, key, &value);
    if (r < 0)
      return r;
    if (value == want)
      return 0;
    long left = deadline - now_ms();
    if (left <= 0)
      return -ETIMEDOUT;
    struct pollfd p = {.fd = fd, .events = POLLPRI};
    if (poll(&p, 1, (int)(left < POLL_SLICE_MS ? left : POLL_SLICE_MS)) < 0 && errno != EINTR)
      return -errno;
  }
}
