/* SPDX-License-Identifier: Apache-2.0 */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fixture.h"

const struct berth_plugin *plugin;
const struct berth_cgroup_ops *ops;
char test_root[64];
char cg_mount[256];
char cg_base[512];

static int32_t host_error(struct berth_error *err, int32_t errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int32_t host_error(struct berth_error *err, int32_t errnum, const char *fmt, ...) {
  if (err != NULL && err->msg == NULL) {
    char buf[8192];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (errnum != 0 && n >= 0 && (size_t)n < sizeof(buf))
      snprintf(buf + n, sizeof(buf) - (size_t)n, ": %s", strerror(errnum));
    err->msg = strdup(buf);
    err->code = errnum != 0 ? errnum : EIO;
  }
  return errnum != 0 ? -errnum : -EIO;
}

static void host_log(int32_t level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void host_log(int32_t level, const char *fmt, ...) {
  if (level > BERTH_LOG_WARN && getenv("BERTH_TEST_VERBOSE") == NULL)
    return;
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "[plugin log %d] ", level);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

const struct berth_host_api fake_host = {
    .struct_size = sizeof(struct berth_host_api),
    .abi_major = BERTH_ABI_MAJOR,
    .abi_minor = BERTH_ABI_MINOR,
    .error = host_error,
    .log = host_log,
};

void error_clear(struct berth_error *err) {
  free(err->msg);
  err->msg = NULL;
  err->code = 0;
}

static berth_plugin_entry_fn entry;

berth_plugin_entry_fn plugin_entry(void) {
  return entry;
}

const struct berth_plugin *load_plugin(const char **why) {
  static char msg[8192];
  const char *dir = getenv("BERTH_PLUGIN_PATH");
  if (dir == NULL) {
    *why = "BERTH_PLUGIN_PATH is not set";
    return NULL;
  }
  char path[4096];
  snprintf(path, sizeof(path), "%s/cgroup-v2.so", dir);
  void *so = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (so == NULL) {
    snprintf(msg, sizeof(msg), "dlopen %s: %s", path, dlerror());
    *why = msg;
    return NULL;
  }
  *(void **)&entry = dlsym(so, BERTH_PLUGIN_ENTRY_SYMBOL);
  if (entry == NULL) {
    *why = "no berth_plugin_entry";
    return NULL;
  }
  plugin = entry(&fake_host);
  ops = plugin != NULL ? plugin->cgroup : NULL;
  *why = plugin == NULL ? "berth_plugin_entry refused this host" : NULL;
  return plugin;
}

void name_test_root(void) {
  snprintf(test_root, sizeof(test_root), "berth-test-cgv2-%d", (int)getpid());
}

static bool is_cgroup2(const char *path) {
  struct statfs st;
  return statfs(path, &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC;
}

/* /sys/fs/cgroup when it is cgroup2, else the last cgroup2 mount that still is one. */
static bool find_cgroup2(char *mp, size_t size, char *root, size_t root_size) {
  FILE *f = fopen("/proc/self/mountinfo", "re");
  char line[4096];
  bool found = false;
  while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
    char point[256], mroot[256], type[64];
    const char *sep = strstr(line, " - ");
    if (sep == NULL || sscanf(line, "%*s %*s %*s %255s %255s", mroot, point) != 2 ||
        sscanf(sep, " - %63s", type) != 1 || strcmp(type, "cgroup2") != 0 || !is_cgroup2(point))
      continue;
    if (found && strcmp(mp, "/sys/fs/cgroup") == 0 && strcmp(point, "/sys/fs/cgroup") != 0)
      continue;
    snprintf(mp, size, "%s", point);
    snprintf(root, root_size, "%s", mroot);
    found = true;
  }
  if (f != NULL)
    fclose(f);
  return found;
}

int discover_test_unified(void) {
  char root[256] = "/", own[512] = "/";
  if (!find_cgroup2(cg_mount, sizeof(cg_mount), root, sizeof(root)))
    return -1;
  FILE *f = fopen("/proc/self/cgroup", "re");
  char line[1024];
  while (f != NULL && fgets(line, sizeof(line), f) != NULL)
    if (strncmp(line, "0::", 3) == 0) {
      line[strcspn(line, "\n")] = '\0';
      snprintf(own, sizeof(own), "%.500s", line + 3);
    }
  if (f != NULL)
    fclose(f);
  /* Below the mount's root; runc's rule puts relative paths below the parent of own. */
  size_t n = strcmp(root, "/") == 0 ? 0 : strlen(root);
  const char *rel = strncmp(own, root, n) == 0 ? own + n : "";
  char parent[512];
  snprintf(parent, sizeof(parent), "%s", rel);
  char *slash = strrchr(parent, '/');
  if (slash != NULL)
    *slash = '\0';
  snprintf(cg_base, sizeof(cg_base), "%.250s%.250s", cg_mount, parent);
  return 0;
}

int enter_unified_view(void) {
  if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
    fprintf(stderr, "private mount namespace: %s\n", strerror(errno));
    return -errno;
  }
  if (!is_cgroup2("/sys/fs/cgroup") &&
      mount("cgroup2", "/sys/fs/cgroup", "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
    fprintf(stderr, "mount cgroup2 on /sys/fs/cgroup: %s\n", strerror(errno));
    return -errno;
  }
  return 0;
}

void cgroup_path(const char *rel, char *out, size_t size) {
  snprintf(out, size, "%s/%s", cg_base, rel);
}

bool dir_exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

void read_trimmed(const char *dir, const char *name, char *out, size_t size) {
  char path[4096];
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  out[0] = '\0';
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return;
  ssize_t n = read(fd, out, size - 1);
  close(fd);
  out[n > 0 ? n : 0] = '\0';
  while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == ' '))
    out[--n] = '\0';
}

bool file_has_line(const char *dir, const char *name, const char *want) {
  char buf[65536];
  read_trimmed(dir, name, buf, sizeof(buf));
  char *save = NULL;
  for (char *line = strtok_r(buf, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save))
    if (strcmp(line, want) == 0)
      return true;
  return false;
}

bool file_has_word(const char *dir, const char *name, const char *word) {
  char buf[4096];
  read_trimmed(dir, name, buf, sizeof(buf));
  char *save = NULL;
  for (char *w = strtok_r(buf, " \n", &save); w != NULL; w = strtok_r(NULL, " \n", &save))
    if (strcmp(w, word) == 0)
      return true;
  return false;
}

int write_file(const char *dir, const char *name, const char *value) {
  char path[4096];
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return -errno;
  ssize_t n = write(fd, value, strlen(value));
  int r = n < 0 ? -errno : 0;
  close(fd);
  return r;
}

static pid_t children[64];

void track_child(pid_t pid) {
  for (size_t i = 0; i < 64; i++)
    if (children[i] == 0) {
      children[i] = pid;
      return;
    }
}

pid_t spawn_sleeper(void) {
  pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    for (;;)
      pause();
  }
  if (pid > 0)
    track_child(pid);
  return pid;
}

pid_t spawn_spinner(volatile unsigned long **counter) {
  void *shared =
      mmap(NULL, sizeof(unsigned long), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (shared == MAP_FAILED)
    return -1;
  volatile unsigned long *count = shared;
  *counter = count;
  pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    for (;;)
      (*count)++;
  }
  if (pid > 0)
    track_child(pid);
  return pid;
}

int reap_child(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
    ;
  for (size_t i = 0; i < 64; i++)
    if (children[i] == pid)
      children[i] = 0;
  return status;
}

void kill_child(pid_t pid) {
  kill(pid, SIGKILL);
  reap_child(pid);
}

void kill_children(void) {
  for (size_t i = 0; i < 64; i++)
    if (children[i] > 0)
      kill_child(children[i]);
}

/* Thaw and empty a test cgroup tree (only ever ours: the caller checks the name). */
static void empty_tree(const char *path) {
  write_file(path, "cgroup.freeze", "0");
  write_file(path, "cgroup.kill", "1");
  DIR *d = opendir(path);
  struct dirent *e;
  while (d != NULL && (e = readdir(d)) != NULL) {
    if (e->d_type != DT_DIR || e->d_name[0] == '.')
      continue;
    char sub[4096];
    snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
    empty_tree(sub);
  }
  if (d != NULL)
    closedir(d);
}

static void rmdir_tree(const char *path) {
  DIR *d = opendir(path);
  struct dirent *e;
  while (d != NULL && (e = readdir(d)) != NULL) {
    if (e->d_type != DT_DIR || e->d_name[0] == '.')
      continue;
    char sub[4096];
    snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
    rmdir_tree(sub);
  }
  if (d != NULL)
    closedir(d);
  for (int i = 0; i < 200 && rmdir(path) < 0 && errno == EBUSY; i++) {
    struct timespec ts = {.tv_nsec = 10 * 1000000};
    nanosleep(&ts, NULL);
  }
  if (dir_exists(path))
    fprintf(stderr, "cleanup: could not remove %s: %s\n", path, strerror(errno));
}

void remove_test_cgroups(void) {
  if (strncmp(test_root, "berth-test-cgv2-", 16) != 0 || cg_mount[0] == '\0')
    return; /* never touch anything but the tests' own cgroups */
  char paths[4][1024];
  snprintf(paths[0], sizeof(paths[0]), "%s/%s", cg_base, test_root);
  snprintf(paths[1], sizeof(paths[1]), "%s/%s-id", cg_base, test_root);
  snprintf(paths[2], sizeof(paths[2]), "%s/%s", cg_mount, test_root);
  snprintf(paths[3], sizeof(paths[3]), "%s/%s-id", cg_mount, test_root);
  for (size_t i = 0; i < 4; i++)
    if (dir_exists(paths[i]))
      empty_tree(paths[i]);
  kill_children();
  for (size_t i = 0; i < 4; i++)
    if (dir_exists(paths[i]))
      rmdir_tree(paths[i]);
}
