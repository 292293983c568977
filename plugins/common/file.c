/* SPDX-License-Identifier: Apache-2.0 */
/* Reading and writing cgroup control files (and /proc files) without following symlinks. */
#include <ctype.h>
#include <fcntl.h>
#include <string.h>

#include "cgc.h"
#include "helpers.h"

/* Control files and /proc files report st_size 0: read until EOF. max 0: no limit. */
static int read_fd(int fd, size_t max, char **out) {
  size_t cap = 4096, len = 0;
  _cleanup_free_ char *buf = malloc(cap);
  if (buf == NULL)
    return -ENOMEM;
  for (;;) {
    if (cap - len < 2) {
      if (max != 0 && cap >= max)
        return -EFBIG;
      char *bigger = realloc(buf, cap * 2);
      if (bigger == NULL)
        return -ENOMEM;
      buf = bigger;
      cap *= 2;
    }
    ssize_t n = read(fd, buf + len, cap - len - 1);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return -errno;
    if (n == 0)
      break;
    len += (size_t)n;
  }
  buf[len] = '\0';
  *out = steal_pointer(&buf);
  return 0;
}

int cgc_read_at(int dirfd, const char *name, char **out) {
  _cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return -errno;
  return read_fd(fd, 0, out);
}

int cgc_read_file(const char *path, size_t max, char **out) {
  *out = NULL;
  _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return -errno;
  return read_fd(fd, max, out);
}

int cgc_write_at(int dirfd, const char *name, const char *value) {
  _cleanup_close_ int fd = openat(dirfd, name, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return -errno;
  size_t len = strlen(value);
  /* cgroup files take one value per write(); a short write is an error. */
  ssize_t n = write(fd, value, len);
  if (n < 0)
    return -errno;
  return (size_t)n == len ? 0 : -EIO;
}

bool cgc_exists_at(int dirfd, const char *name) {
  return faccessat(dirfd, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

char *cgc_trim(char *s) {
  while (isspace((unsigned char)*s))
    s++;
  size_t n = strlen(s);
  while (n > 0 && isspace((unsigned char)s[n - 1]))
    s[--n] = '\0';
  return s;
}
