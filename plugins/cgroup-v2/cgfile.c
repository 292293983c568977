/* SPDX-License-Identifier: Apache-2.0 */
/* Reading and writing control files through the cgroup's directory fd. */
#include <ctype.h>
#include <fcntl.h>
#include <string.h>

#include "cgv2.h"
#include "helpers.h"

/* Control files report st_size 0: read until EOF. */
int read_at(int dirfd, const char *name, char **out) {
  _cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return -errno;
  size_t cap = 4096, len = 0;
  _cleanup_free_ char *buf = malloc(cap);
  if (buf == NULL)
    return -ENOMEM;
  for (;;) {
    if (cap - len < 2) {
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

int write_at(int dirfd, const char *name, const char *value) {
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

bool exists_at(int dirfd, const char *name) {
  return faccessat(dirfd, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

char *trim(char *s) {
  while (isspace((unsigned char)*s))
    s++;
  size_t n = strlen(s);
  while (n > 0 && isspace((unsigned char)s[n - 1]))
    s[--n] = '\0';
  return s;
}

int read_key_at(int dirfd, const char *name, const char *key, uint64_t *out) {
  _cleanup_free_ char *buf = NULL;
  int r = read_at(dirfd, name, &buf);
  if (r < 0)
    return r;
  size_t klen = strlen(key);
  char *save = NULL;
  for (char *line = strtok_r(buf, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save))
    if (strncmp(line, key, klen) == 0 && line[klen] == ' ') {
      *out = strtoull(line + klen + 1, NULL, 10);
      return 0;
    }
  return -ENOENT;
}

int read_setting(const struct berth_cgroup *cg, const char *name, char **out,
                 struct berth_error *err) {
  int r = read_at(cg->fd, name, out);
  if (r < 0)
    return cg_error(err, -r, "read %s in %s", name, cg->path);
  return 0;
}

int write_setting(const struct berth_cgroup *cg, const char *name, const char *value,
                  struct berth_error *err) {
  int r = write_at(cg->fd, name, value);
  if (r == -ENOENT)
    return missing_controller(cg, name, value, err);
  if (r < 0)
    return cg_error(err, -r, "write %s=%s in %s", name, value, cg->path);
  log_debug("cgroup-v2: %s/%s=%s", cg->path, name, value);
  return 0;
}
