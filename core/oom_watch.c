/* SPDX-License-Identifier: Apache-2.0 */
#include "oom_watch.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "cleanup.h"
#include "mounts.h"
#include "test_delay.h"
#include "util.h"

static bool list_has(const char *list, const char *word) {
  size_t n = strlen(word);
  for (const char *p = list; p != NULL && *p != '\0';
       p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
    if (strncmp(p, word, n) == 0 && (p[n] == ',' || p[n] == '\0'))
      return true;
  return false;
}

/* pid's cgroup in the v1 memory hierarchy, else its cgroup2 one (*v2 set): malloc()ed. */
static char *memory_cgroup_of(pid_t pid, bool *v2) {
  char path[64];
  snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
  _cleanup_free_ char *text = NULL;
  if (read_file_at(AT_FDCWD, path, &text, NULL) < 0)
    return NULL;
  char *unified = NULL, *save = NULL;
  for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    char *controllers = strchr(line, ':');
    char *cgroup = controllers != NULL ? strchr(controllers + 1, ':') : NULL;
    if (cgroup == NULL)
      continue;
    *cgroup++ = '\0';
    *controllers++ = '\0'; /* line is now the hierarchy id alone: "0" for cgroup2 */
    if (list_has(controllers, "memory")) {
      *v2 = false;
      return strdup(cgroup);
    }
    if (strcmp(line, "0") == 0 && *controllers == '\0')
      unified = cgroup;
  }
  *v2 = true;
  return unified != NULL ? strdup(unified) : NULL;
}

/* The directory of cgroup (a path in the hierarchy) below a mount of that hierarchy. */
static int open_cgroup_dir(const char *cgroup, bool v2, char **dir_path, struct berth_error *err) {
  struct berth_mountinfo *table = NULL;
  size_t n = 0;
  int r = berth_mountinfo_read(&table, &n, err);
  if (r < 0)
    return r;
  int fd = -ENOENT;
  for (size_t i = 0; i < n && fd == -ENOENT; i++) {
    const struct berth_mountinfo *e = &table[i];
    bool hierarchy = v2 ? strcmp(e->fstype, "cgroup2") == 0
                        : strcmp(e->fstype, "cgroup") == 0 && list_has(e->super_options, "memory");
    size_t root_len = strcmp(e->root, "/") == 0 ? 0 : strlen(e->root);
    if (!hierarchy || strncmp(cgroup, e->root, root_len) != 0 ||
        (cgroup[root_len] != '/' && cgroup[root_len] != '\0'))
      continue;
    if (asprintf(dir_path, "%s%s", e->mountpoint, cgroup + root_len) < 0) {
      *dir_path = NULL; /* asprintf leaves it undefined */
      fd = -ENOMEM;
      break;
    }
    fd = open(*dir_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
      fd = -errno;
      free(*dir_path);
      *dir_path = NULL;
    }
  }
  berth_mountinfo_free(table, n);
  if (fd < 0)
    return berth_error(err, -fd, "open the memory cgroup %s", cgroup);
  return fd;
}

/* memory.events' oom_kill, or -1 when it cannot be read (the cgroup is gone). */
static long long read_oom_kills(int dir) {
  _cleanup_close_ int fd = openat(dir, "memory.events", O_RDONLY | O_CLOEXEC);
  _cleanup_free_ char *text = NULL;
  if (fd < 0 || read_all(fd, &text, NULL) < 0)
    return -1;
  const char *p = strstr(text, "oom_kill ");
  return p != NULL ? strtoll(p + 9, NULL, 10) : 0;
}

static int watch_v1(struct berth_oom_watch *w, const char *dir_path, struct berth_error *err) {
  _cleanup_close_ int oom = openat(w->dir, "memory.oom_control", O_RDONLY | O_CLOEXEC);
  _cleanup_close_ int control = openat(w->dir, "cgroup.event_control", O_WRONLY | O_CLOEXEC);
  if (oom < 0 || control < 0)
    return berth_error(err, errno, "open %s/memory.oom_control and cgroup.event_control", dir_path);
  w->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (w->fd < 0)
    return berth_error(err, errno, "eventfd");
  char line[32];
  int len = snprintf(line, sizeof(line), "%d %d", w->fd, oom);
  if (write(control, line, (size_t)len) != len)
    return berth_error(err, errno, "write %s/cgroup.event_control", dir_path);
  return 0;
}

static int watch_v2(struct berth_oom_watch *w, const char *dir_path, struct berth_error *err) {
  /* The parent counts its descendants' kills too (memory.events is hierarchical) and outlives
   * the container's cgroup. */
  w->parent = openat(w->dir, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  w->parent_kills = w->parent >= 0 ? read_oom_kills(w->parent) : -1;
  w->kills = read_oom_kills(w->dir);
  if (w->kills < 0)
    return berth_error(err, ENOENT, "read %s/memory.events", dir_path);
  w->fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  if (w->fd < 0)
    return berth_error(err, errno, "inotify_init1");
  /* cgroup.events too: its "populated 0" says the last process is gone, and with it any
   * OOM kill to come (a removed cgroup's files need not say anything). */
  static const char *const files[] = {"memory.events", "cgroup.events"};
  for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
    _cleanup_free_ char *path = NULL;
    if (asprintf(&path, "%s/%s", dir_path, files[i]) < 0)
      return berth_error(err, ENOMEM, "watch %s", dir_path);
    int wd = inotify_add_watch(w->fd, path, IN_MODIFY);
    if (wd < 0)
      return berth_error(err, errno, "inotify_add_watch %s", path);
    if (i == 0)
      w->events_wd = wd;
  }
  return 0;
}

int berth_oom_watch_open(pid_t pid, struct berth_oom_watch *w, struct berth_error *err) {
  _cleanup_free_ char *cgroup = memory_cgroup_of(pid, &w->v2);
  if (cgroup == NULL)
    return berth_error(err, ENOENT, "pid %d has no memory cgroup", (int)pid);
  _cleanup_free_ char *dir_path = NULL;
  w->dir = open_cgroup_dir(cgroup, w->v2, &dir_path, err);
  if (w->dir < 0)
    return w->dir;
  int r = w->v2 ? watch_v2(w, dir_path, err) : watch_v1(w, dir_path, err);
  if (r < 0)
    berth_oom_watch_close(w);
  return r;
}

static int check_v1(struct berth_oom_watch *w, bool *gone) {
  uint64_t count = 0;
  if (read(w->fd, &count, sizeof(count)) != (ssize_t)sizeof(count))
    return 0;
  /* The removal of the cgroup signals the eventfd too (runc tells the two apart so). */
  if (faccessat(w->dir, "cgroup.event_control", F_OK, 0) < 0) {
    *gone = true;
    return count > 1 ? (int)(count - 1) : 0;
  }
  return (int)count;
}

/* When the cgroup is gone before the change that woke us is read (a systemd scope goes as
 * soon as its last process), a kill is one its parent counted since the last read: only a
 * sibling's kill in the same moment could be mistaken for it. (runc reports an OOM for every
 * change of memory.events that it cannot read.) */
static int check_v2(struct berth_oom_watch *w, bool *gone) {
  char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
  bool changed = false;
  ssize_t n;
  while ((n = read(w->fd, buf, sizeof(buf))) > 0)
    for (char *p = buf; p < buf + n;
         p += sizeof(struct inotify_event) + ((struct inotify_event *)p)->len) {
      const struct inotify_event *ev = (const struct inotify_event *)p;
      if (ev->mask & IN_IGNORED)
        *gone = true;
      else if (ev->wd == w->events_wd)
        changed = true;
    }
  /* The parent first: a kill between the two reads is then counted twice, never missed. */
  long long parent_kills = w->parent >= 0 ? read_oom_kills(w->parent) : -1;
  long long kills = read_oom_kills(w->dir);
  if (kills < 0) {
    *gone = true;
    return changed && w->parent_kills >= 0 && parent_kills > w->parent_kills ? 1 : 0;
  }
  w->parent_kills = parent_kills;
  _cleanup_close_ int fd = openat(w->dir, "cgroup.events", O_RDONLY | O_CLOEXEC);
  _cleanup_free_ char *events = NULL;
  if (fd < 0 || read_all(fd, &events, NULL) < 0 || strstr(events, "populated 0") != NULL)
    *gone = true;
  int new_kills = kills > w->kills ? (int)(kills - w->kills) : 0;
  w->kills = kills;
  return new_kills;
}

int berth_oom_watch_check(struct berth_oom_watch *w, bool *gone) {
  *gone = false;
  berth_test_delay("oom-check");
  return w->v2 ? check_v2(w, gone) : check_v1(w, gone);
}

void berth_oom_watch_close(struct berth_oom_watch *w) {
  closep(&w->fd);
  closep(&w->dir);
  closep(&w->parent);
  w->fd = w->dir = w->parent = -1;
}
