/* SPDX-License-Identifier: Apache-2.0 */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"

int write_all(int fd, const void *buf, size_t len) {
  const char *p = buf;
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return -errno;
    }
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

int read_all(int fd, char **out, size_t *len) {
  size_t cap = 4096, used = 0;
  _cleanup_free_ char *buf = malloc(cap);
  if (buf == NULL)
    return -ENOMEM;
  for (;;) {
    if (used + 1 >= cap) {
      char *bigger = realloc(buf, cap * 2);
      if (bigger == NULL)
        return -ENOMEM;
      buf = bigger;
      cap *= 2;
    }
    ssize_t n = read(fd, buf + used, cap - used - 1);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return -errno;
    }
    if (n == 0)
      break;
    used += (size_t)n;
  }
  buf[used] = '\0';
  if (len != NULL)
    *len = used;
  *out = steal_pointer(&buf);
  return 0;
}

int read_file_at(int dirfd, const char *name, char **out, struct berth_error *err) {
  _cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return berth_error(err, errno, "open %s", name);
  int r = read_all(fd, out, NULL);
  if (r < 0)
    return berth_error(err, -r, "read %s", name);
  return 0;
}

int write_file_at(int dirfd, const char *name, const char *data, struct berth_error *err) {
  _cleanup_close_ int fd = openat(dirfd, name, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return berth_error(err, errno, "open %s", name);
  int r = write_all(fd, data, strlen(data));
  if (r < 0)
    return berth_error(err, -r, "write %s", name);
  return 0;
}

/* Fields after the comm field "(...)", which may itself hold spaces and parens. */
static const char *stat_after_comm(const char *stat) {
  const char *p = strrchr(stat, ')');
  return p != NULL ? p + 2 : NULL;
}

static int read_proc_stat(pid_t pid, char *buf, size_t size) {
  char path[64];
  snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
  _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -errno;
  ssize_t n = read(fd, buf, size - 1);
  if (n <= 0)
    return -EIO;
  buf[n] = '\0';
  return 0;
}

unsigned long long process_start_time(pid_t pid) {
  char buf[1024];
  if (pid <= 0 || read_proc_stat(pid, buf, sizeof(buf)) < 0)
    return 0;
  const char *p = stat_after_comm(buf);
  if (p == NULL)
    return 0;
  /* p starts at field 3 (state); start time is field 22. */
  for (int field = 3; field < 22; field++) {
    p = strchr(p, ' ');
    if (p == NULL)
      return 0;
    p++;
  }
  return strtoull(p, NULL, 10);
}

bool process_alive(pid_t pid) {
  char buf[1024];
  if (pid <= 0 || read_proc_stat(pid, buf, sizeof(buf)) < 0)
    return false;
  const char *p = stat_after_comm(buf);
  return p != NULL && *p != 'Z' && *p != 'X';
}
