/* SPDX-License-Identifier: Apache-2.0 */
/* destroy: kill what is left in the cgroup, then rmdir it and the sub-cgroups made in it. */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cgv2.h"
#include "helpers.h"

#define MAX_NESTING 32
/* SIGKILLed tasks leave quickly, but exit can wait on I/O: give them this long. */
#define EMPTY_TIMEOUT_MS 5000

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

static int kill_pid(pid_t pid, void *data) {
  (void)data;
  if (kill(pid, SIGKILL) < 0 && errno != ESRCH)
    log_warn("cgroup-v2: kill %d: %s", (int)pid, strerror(errno));
  return 0;
}

/* Without cgroup.kill (kernel < 5.14): freeze, SIGKILL every listed pid, thaw, as runc's
 * signalAllProcesses; frozen, none of them can fork a newcomer meanwhile. */
static void kill_each(const struct berth_cgroup *cg) {
  bool frozen = write_at(cg->fd, "cgroup.freeze", "1") == 0 &&
                wait_event(cg->fd, "frozen", 1, EMPTY_TIMEOUT_MS) == 0;
  int r = for_each_process(cg->fd, kill_pid, NULL);
  if (r < 0)
    log_warn("cgroup-v2: destroy %s: list its processes: %s", cg->path, strerror(-r));
  if (frozen)
    write_at(cg->fd, "cgroup.freeze", "0");
}

/* " (pids 12, 34 (zombie) ...)" for the message when the cgroup will not empty. Since
 * Linux 6.x an exited task can stay in its cgroup until its parent reaps it: then it is the
 * parent's turn, not ours. */
struct pid_text {
  char text[160];
  size_t len;
};

static bool is_zombie(pid_t pid) {
  char path[64], buf[512];
  snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
  _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
  ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
  if (n <= 0)
    return false;
  buf[n] = '\0';
  const char *paren = strrchr(buf, ')');
  return paren != NULL && paren[1] == ' ' && paren[2] == 'Z';
}

static int list_pid(pid_t pid, void *data) {
  struct pid_text *t = data;
  size_t room = sizeof(t->text) - t->len;
  int n = snprintf(t->text + t->len, room, "%s%d%s)", t->len > 0 ? ", " : " (pids ", (int)pid,
                   is_zombie(pid) ? " (a zombie its parent has not reaped)" : "");
  if (n < 0 || (size_t)n >= room) {
    if (t->len > 0)
      t->text[t->len] = ')';
    t->text[t->len + 1] = '\0';
    return 1;
  }
  t->len += (size_t)n - 1; /* the ")" is overwritten by the next entry */
  return 0;
}

/* Wait for cgroup.events to say "populated 0" (no process in the cgroup or below). */
static int wait_empty(const struct berth_cgroup *cg, struct berth_error *err) {
  int r = wait_event(cg->fd, "populated", 0, EMPTY_TIMEOUT_MS);
  if (r == -ETIMEDOUT) {
    struct pid_text left = {0};
    for_each_process(cg->fd, list_pid, &left);
    return cg_error(err, EBUSY, "destroy %s: processes are still in it %d ms after SIGKILL%s",
                    cg->path, EMPTY_TIMEOUT_MS, left.text);
  }
  if (r < 0)
    return cg_error(err, -r, "read \"populated\" from cgroup.events in %s", cg->path);
  return 0;
}

static int kill_all(struct berth_cgroup *cg, struct berth_error *err) {
  int r = has_processes(cg->fd);
  if (r <= 0)
    return r < 0 ? cg_error(err, -r, "read cgroup.procs in %s", cg->path) : 0;
  r = write_at(cg->fd, "cgroup.kill", "1");
  if (r == -ENOENT)
    kill_each(cg);
  else if (r < 0)
    return cg_error(err, -r, "write cgroup.kill=1 in %s", cg->path);
  return wait_empty(cg, err);
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

static int remove_cgroup(struct berth_cgroup *cg, struct berth_error *err) {
  if (below_mount(cg->path, cg->mountpoint) == NULL)
    return cg_error(err, EINVAL, "refusing to remove %s: not a cgroup below %s", cg->path,
                    cg->mountpoint);
  _cleanup_close_ int parent = openat(cg->fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (parent < 0 && errno != ENOENT)
    return cg_error(err, errno, "open the parent of %s", cg->path);
  const char *name = base_name(cg->path);
  const size_t rounds = sizeof(retry_delays_ms) / sizeof(retry_delays_ms[0]);
  for (size_t round = 0; parent >= 0 && same_dir(parent, name, cg->fd); round++) {
    int r = remove_tree(parent, name, 0);
    if (r == 0)
      break;
    if (r != -EBUSY || round == rounds)
      return cg_error(err, -r, "rmdir %s", cg->path);
    sleep_ms(retry_delays_ms[round]);
  }
  closep(&cg->fd);
  cg->fd = -1;
  return 0;
}

int32_t cgv2_destroy(struct berth_cgroup *cg, struct berth_error *err) {
  if (cg->fd < 0)
    return 0; /* never made (rootless) or already gone */
  int r = kill_all(cg, err);
  if (r < 0)
    return r;
  return remove_cgroup(cg, err);
}

void remove_created(struct berth_cgroup *cg) {
  if (cg->fd < 0 || cg->created == 0)
    return;
  _cleanup_free_ char *path = strdup(cg->path);
  int cur = cg->fd;
  cg->fd = -1;
  for (size_t i = 0; path != NULL && i < cg->created; i++) {
    char *slash = strrchr(path, '/');
    int parent = openat(cur, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    close(cur);
    cur = parent;
    if (slash == NULL || parent < 0 || unlinkat(parent, slash + 1, AT_REMOVEDIR) < 0) {
      log_warn("cgroup-v2: rollback: rmdir %s: %s", path, strerror(errno));
      break;
    }
    *slash = '\0';
  }
  if (cur >= 0)
    close(cur);
  cg->created = 0;
}
