/* SPDX-License-Identifier: Apache-2.0 */
/* destroy: rmdir the container's cgroup (and sub-cgroups it made) in every hierarchy. */
#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cgv1.h"
#include "helpers.h"

#define MAX_NESTING 32

/* Exiting tasks keep a cgroup busy for a moment: retry EBUSY for about a second. */
static const long retry_delays_ms[] = {10, 20, 40, 80, 100, 150, 200, 200, 200};

static const char *base_name(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash != NULL ? slash + 1 : path;
}

static void sleep_ms(long ms) {
  struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000};
  while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
    ;
}

/* rmdir name below parentfd after its sub-cgroups; 0 when it is gone. */
static int remove_tree(int parentfd, const char *name, int depth) {
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
    int r = remove_tree(dirfd(dir), e->d_name, depth + 1);
    if (r < 0)
      return r;
  }
  if (unlinkat(parentfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
    return -errno;
  return 0;
}

/* Is name below parentfd still the directory fd refers to (not a namesake made since)? */
static bool same_dir(int parentfd, const char *name, int fd) {
  struct stat a, b;
  return fstatat(parentfd, name, &a, AT_SYMLINK_NOFOLLOW) == 0 && fstat(fd, &b) == 0 &&
         a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* One attempt; -EBUSY while tasks are still leaving. */
int remove_cgroup(struct cgroup_dir *d, struct failure *f) {
  if (d->fd < 0)
    return 0;
  const char *name = base_name(d->path);
  if (strcmp(d->path, d->mountpoint) == 0)
    return set_failure(f, EINVAL, "refusing to remove %s: it is a hierarchy's root", d->path);
  _cleanup_close_ int parent = openat(d->fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (parent < 0 && errno != ENOENT)
    return set_failure(f, errno, "open the parent of %s", d->path);
  if (parent >= 0 && same_dir(parent, name, d->fd)) {
    int r = remove_tree(parent, name, 0);
    if (r < 0)
      return set_failure(f, -r, "rmdir %s", d->path);
  }
  closep(&d->fd);
  d->fd = -1;
  return 0;
}

void remove_created(struct cgroup_dir *d) {
  if (d->fd < 0 || d->created == 0)
    return;
  _cleanup_free_ char *path = strdup(d->path);
  int cur = d->fd;
  d->fd = -1;
  for (size_t i = 0; path != NULL && i < d->created; i++) {
    char *slash = strrchr(path, '/');
    int parent = openat(cur, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    close(cur);
    cur = parent;
    if (slash == NULL || parent < 0 || unlinkat(parent, slash + 1, AT_REMOVEDIR) < 0) {
      log_warn("cgroup-v1: rollback: rmdir %s: %s", path, strerror(errno));
      break;
    }
    *slash = '\0';
  }
  if (cur >= 0)
    close(cur);
  d->created = 0;
}

/* Like runc's RemovePaths: every hierarchy in each round, rounds until none is busy. */
int32_t cgv1_destroy(struct berth_cgroup *cg, struct berth_error *err) {
  const size_t rounds = sizeof(retry_delays_ms) / sizeof(retry_delays_ms[0]) + 1;
  for (size_t round = 0; round < rounds; round++) {
    bool busy = false;
    for (size_t i = 0; i < cg->n; i++) {
      struct failure f;
      int r = remove_cgroup(&cg->dirs[i], &f);
      if (r == -EBUSY && round + 1 < rounds) {
        busy = true;
        continue;
      }
      if (r < 0) {
        /* Report the first, try the rest: leave as little behind as possible. */
        int first = raise_failure(err, &f);
        for (size_t j = i + 1; j < cg->n; j++)
          if (remove_cgroup(&cg->dirs[j], &f) < 0)
            log_warn("cgroup-v1: %s: %s", f.msg, strerror(f.errnum));
        return first;
      }
    }
    if (!busy)
      return 0;
    sleep_ms(retry_delays_ms[round]);
  }
  return 0;
}
