/* SPDX-License-Identifier: Apache-2.0 */
/* destroy: kill what is left in the cgroup, then rmdir it and the sub-cgroups made in it. */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "fs2.h"
#include "helpers.h"

/* SIGKILLed tasks leave quickly, but exit can wait on I/O: give them this long. */
#define EMPTY_TIMEOUT_MS 5000

static int kill_pid(pid_t pid, void *data) {
  (void)data;
  if (kill(pid, SIGKILL) < 0 && errno != ESRCH)
    log_warn("cgroup-v2: kill %d: %s", (int)pid, strerror(errno));
  return 0;
}

/* Without cgroup.kill (kernel < 5.14): freeze, SIGKILL every listed pid, thaw, as runc's
 * signalAllProcesses; frozen, none of them can fork a newcomer meanwhile. */
static void kill_each(const struct fs2_cgroup *cg) {
  bool frozen = cgc_write_at(cg->fd, "cgroup.freeze", "1") == 0 &&
                fs2_wait_event(cg->fd, "frozen", 1, EMPTY_TIMEOUT_MS) == 0;
  int r = cgc_for_each_process(cg->fd, 0, kill_pid, NULL);
  if (r < 0)
    log_warn("cgroup-v2: destroy %s: list its processes: %s", cg->path, strerror(-r));
  if (frozen)
    cgc_write_at(cg->fd, "cgroup.freeze", "0");
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
static int wait_empty(const struct fs2_cgroup *cg, struct berth_error *err) {
  int r = fs2_wait_event(cg->fd, "populated", 0, EMPTY_TIMEOUT_MS);
  if (r == -ETIMEDOUT) {
    struct pid_text left = {0};
    cgc_for_each_process(cg->fd, 0, list_pid, &left);
    return cg_error(err, EBUSY, "destroy %s: processes are still in it %d ms after SIGKILL%s",
                    cg->path, EMPTY_TIMEOUT_MS, left.text);
  }
  if (r < 0)
    return cg_error(err, -r, "read \"populated\" from cgroup.events in %s", cg->path);
  return 0;
}

static int kill_all(struct fs2_cgroup *cg, struct berth_error *err) {
  int r = cgc_has_processes(cg->fd, 0);
  if (r <= 0)
    return r < 0 ? cg_error(err, -r, "read cgroup.procs in %s", cg->path) : 0;
  r = fs2_write_cgroup_kill(cg);
  if (r == -ENOENT)
    kill_each(cg);
  else if (r < 0)
    return cg_error(err, -r, "write cgroup.kill=1 in %s", cg->path);
  return wait_empty(cg, err);
}

static int remove_cgroup(struct fs2_cgroup *cg, struct berth_error *err) {
  if (cgc_below_mount(cg->path, cg->mountpoint) == NULL)
    return cg_error(err, EINVAL, "refusing to remove %s: not a cgroup below %s", cg->path,
                    cg->mountpoint);
  _cleanup_close_ int parent = openat(cg->fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (parent < 0 && errno != ENOENT)
    return cg_error(err, errno, "open the parent of %s", cg->path);
  const char *name = cgc_base_name(cg->path);
  const size_t rounds = CGC_RETRY_ROUNDS;
  for (size_t round = 0; parent >= 0 && cgc_same_dir(parent, name, cg->fd); round++) {
    int r = cgc_remove_tree(parent, name);
    if (r == 0)
      break;
    if (r != -EBUSY || round == rounds)
      return cg_error(err, -r, "rmdir %s", cg->path);
    cgc_sleep_ms(cgc_retry_delays_ms[round]);
  }
  closep(&cg->fd);
  cg->fd = -1;
  return 0;
}

int32_t fs2_destroy(struct fs2_cgroup *cg, struct berth_error *err) {
  if (cg->fd < 0)
    return 0; /* never made (rootless) or already gone */
  int r = kill_all(cg, err);
  if (r < 0)
    return r;
  return remove_cgroup(cg, err);
}
