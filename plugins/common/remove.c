/* SPDX-License-Identifier: Apache-2.0 */
/* Removing cgroup directories: a tree deepest first, and what a failed create made. */
#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cgc.h"
#include "helpers.h"

#define MAX_NESTING 32

const long cgc_retry_delays_ms[9] = {10, 20, 40, 80, 100, 150, 200, 200, 200};

void cgc_sleep_ms(long ms) {
  struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000};
  while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
    ;
}

static int remove_below(int parentfd, const char *name, int depth) {
  int fd = openat(parentfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return errno == ENOENT ? 0 : -errno;
  _cleanup_closedir_ DIR *dir = fdopendir(fd);
  if (dir == NULL) {
    int saved = errno;
    close(fd);
    return -saved;
  }
  struct dirent *e;
  while (depth < MAX_NESTING && (e = readdir(dir)) != NULL) {
    if (e->d_type != DT_DIR || strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    int r = remove_below(dirfd(dir), e->d_name, depth + 1);
    if (r < 0)
      return r;
  }
  if (unlinkat(parentfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
    return -errno;
  return 0;
}

int cgc_remove_tree(int parentfd, const char *name) {
  return remove_below(parentfd, name, 0);
}

bool cgc_same_dir(int parentfd, const char *name, int fd) {
  struct stat a, b;
  return fstatat(parentfd, name, &a, AT_SYMLINK_NOFOLLOW) == 0 && fstat(fd, &b) == 0 &&
         a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

void cgc_remove_created(int *fd, const char *path, size_t *created) {
  if (*fd < 0 || *created == 0)
    return;
  _cleanup_free_ char *copy = strdup(path);
  int cur = take_fd(fd);
  for (size_t i = 0; copy != NULL && i < *created; i++) {
    char *slash = strrchr(copy, '/');
    int parent = openat(cur, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    close(cur);
    cur = parent;
    if (slash == NULL || parent < 0 || unlinkat(parent, slash + 1, AT_REMOVEDIR) < 0) {
      log_warn("%s: rollback: rmdir %s: %s", cgc_name, copy, strerror(errno));
      break;
    }
    *slash = '\0';
  }
  if (cur >= 0)
    close(cur);
  *created = 0;
}
