/* SPDX-License-Identifier: Apache-2.0 */
/* The processes of a cgroup and of its sub-cgroups (runc's GetAllPids). */
#include <dirent.h>
#include <fcntl.h>
#include <string.h>

#include "cgc.h"
#include "helpers.h"

/* Sub-cgroups deeper than this are not searched. */
#define MAX_NESTING 32

/* Calls fn for every pid in fd's cgroup.procs; returns fn's first non-zero result, or
 * -errno. */
static int for_each_pid_in(int fd, cgc_pid_fn fn, void *data) {
  _cleanup_free_ char *procs = NULL;
  int r = cgc_read_at(fd, "cgroup.procs", &procs);
  if (r < 0)
    return r;
  char *save = NULL;
  for (char *line = strtok_r(procs, "\n", &save); line != NULL;
       line = strtok_r(NULL, "\n", &save)) {
    char *end = NULL;
    long pid = strtol(line, &end, 10);
    if (end == line || *end != '\0' || pid <= 0)
      return -EINVAL;
    r = fn((pid_t)pid, data);
    if (r != 0)
      return r;
  }
  return 0;
}

int cgc_for_each_process(int fd, int depth, cgc_pid_fn fn, void *data) {
  int r = for_each_pid_in(fd, fn, data);
  if (r == -EOPNOTSUPP && depth > 0)
    r = 0;
  if (r != 0 || depth >= MAX_NESTING)
    return r;
  int dupfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dupfd < 0)
    return -errno;
  _cleanup_closedir_ DIR *dir = fdopendir(dupfd);
  if (dir == NULL) {
    close(dupfd);
    return -errno;
  }
  struct dirent *e;
  while ((e = readdir(dir)) != NULL) {
    if (e->d_type != DT_DIR || strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    _cleanup_close_ int sub =
        openat(dirfd(dir), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (sub < 0 && errno == ENOENT)
      continue;
    if (sub < 0)
      return -errno;
    r = cgc_for_each_process(sub, depth + 1, fn, data);
    if (r != 0 && r != -ENOENT && r != -ENODEV)
      return r;
  }
  return 0;
}

static int found(pid_t pid, void *data) {
  (void)pid;
  (void)data;
  return 1;
}

int cgc_has_processes(int fd, int depth) {
  return cgc_for_each_process(fd, depth, found, NULL);
}

static int count(pid_t pid, void *data) {
  (void)pid;
  ++*(int *)data;
  return 0;
}

int cgc_count_processes(int fd) {
  int n = 0;
  int r = cgc_for_each_process(fd, 0, count, &n);
  return r < 0 ? r : n;
}

struct pid_walk {
  berth_pid_fn fn;
  void *data;
  int32_t result;
};

static int call_host(pid_t pid, void *data) {
  struct pid_walk *walk = data;
  walk->result = walk->fn(pid, walk->data);
  return walk->result != 0 ? 1 : 0;
}

int cgc_get_pids(int fd, const char *path, berth_pid_fn fn, void *data, struct berth_error *err) {
  struct pid_walk walk = {.fn = fn, .data = data};
  int r = cgc_for_each_process(fd, 0, call_host, &walk);
  if (r < 0)
    return cg_error(err, -r, "read cgroup.procs in %s", path);
  return walk.result < 0 ? walk.result : 0;
}
