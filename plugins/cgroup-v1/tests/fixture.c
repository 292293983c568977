/* SPDX-License-Identifier: Apache-2.0 */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fixture.h"

const struct berth_plugin *plugin;
const struct berth_cgroup_ops *ops;
struct test_hierarchy hierarchies[32];
size_t n_hierarchies;
char test_root[64];

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
  snprintf(path, sizeof(path), "%s/cgroup-v1.so", dir);
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

/* Mount point of the first mount of type fstype whose super options hold option. */
static bool find_mountpoint(const char *fstype, const char *option, char *out, size_t size) {
  FILE *f = fopen("/proc/self/mountinfo", "re");
  char line[4096];
  bool found = false;
  while (f != NULL && !found && fgets(line, sizeof(line), f) != NULL) {
    char mp[256], root[256], type[64], opts[1024];
    const char *sep = strstr(line, " - ");
    if (sep == NULL || sscanf(line, "%*s %*s %*s %255s %255s", root, mp) != 2 ||
        sscanf(sep, " - %63s %*s %1023s", type, opts) != 2 || strcmp(type, fstype) != 0)
      continue;
    char padded[1100];
    snprintf(padded, sizeof(padded), ",%s,", opts);
    char needle[80];
    snprintf(needle, sizeof(needle), ",%s,", option);
    if (option == NULL || strstr(padded, needle) != NULL) {
      snprintf(out, size, "%s", mp);
      found = true;
    }
  }
  if (f != NULL)
    fclose(f);
  return found;
}

int discover_test_hierarchies(void) {
  FILE *f = fopen("/proc/self/cgroup", "re");
  char line[1024];
  n_hierarchies = 0;
  while (f != NULL && fgets(line, sizeof(line), f) != NULL && n_hierarchies < 32) {
    line[strcspn(line, "\n")] = '\0';
    char *c1 = strchr(line, ':'), *c2 = c1 != NULL ? strchr(c1 + 1, ':') : NULL;
    if (c2 == NULL)
      continue;
    *c1 = *c2 = '\0';
    const char *ctrls = c1 + 1, *own = c2 + 1;
    struct test_hierarchy *h = &hierarchies[n_hierarchies];
    bool unified = strcmp(line, "0") == 0;
    if (!unified && strncmp(ctrls, "name=", 5) == 0 && strcmp(ctrls, "name=systemd") != 0)
      continue;
    char first[64];
    snprintf(first, sizeof(first), "%.*s", (int)strcspn(ctrls, ","), ctrls);
    if (!find_mountpoint(unified ? "cgroup2" : "cgroup", unified ? NULL : first, h->mountpoint,
                         sizeof(h->mountpoint)))
      continue;
    snprintf(h->controllers, sizeof(h->controllers), "%s", unified ? "unified" : ctrls);
    snprintf(h->own, sizeof(h->own), "%s", strcmp(own, "/") == 0 ? "" : own);
    n_hierarchies++;
  }
  if (f != NULL)
    fclose(f);
  snprintf(test_root, sizeof(test_root), "berth-test-cgv1-%d", (int)getpid());
  return n_hierarchies > 0 ? 0 : -1;
}

const struct test_hierarchy *hierarchy_with(const char *controller) {
  for (size_t i = 0; i < n_hierarchies; i++) {
    char padded[80], needle[80];
    snprintf(padded, sizeof(padded), ",%s,", hierarchies[i].controllers);
    snprintf(needle, sizeof(needle), ",%s,", controller);
    if (strstr(padded, needle) != NULL)
      return &hierarchies[i];
  }
  return NULL;
}

void cgroup_path(const struct test_hierarchy *h, const char *rel, char *out, size_t size) {
  snprintf(out, size, "%s%s/%s", h->mountpoint, h->own, rel);
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

/* Children and, for hogs, the pipes that start them. */
static struct child {
  pid_t pid;
  int go, ready;
} children[64];

static struct child *track(pid_t pid) {
  for (size_t i = 0; i < 64; i++)
    if (children[i].pid == 0) {
      children[i] = (struct child){.pid = pid, .go = -1, .ready = -1};
      return &children[i];
    }
  return NULL;
}

pid_t spawn_sleeper(void) {
  pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    for (;;)
      pause();
  }
  if (pid > 0)
    track(pid);
  return pid;
}

pid_t spawn_hog(size_t bytes) {
  int go[2], ready[2];
  if (pipe2(go, O_CLOEXEC) < 0 || pipe2(ready, O_CLOEXEC) < 0)
    return -1;
  pid_t pid = fork();
  if (pid == 0) {
    char c;
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (read(go[0], &c, 1) != 1)
      _exit(1);
    /* Charged to the cgroup it was moved into, and unreclaimable. */
    char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
      _exit(1);
    memset(p, 0x5a, bytes);
    c = mlock(p, bytes) == 0 ? 'y' : 'n';
    if (write(ready[1], &c, 1) != 1)
      _exit(1);
    for (;;)
      pause();
  }
  close(go[0]);
  close(ready[1]);
  struct child *c = pid > 0 ? track(pid) : NULL;
  if (c != NULL) {
    c->go = go[1];
    c->ready = ready[0];
  }
  return pid;
}

void hog_start(pid_t pid) {
  for (size_t i = 0; i < 64; i++) {
    if (children[i].pid != pid || children[i].go < 0)
      continue;
    char c = 'g';
    if (write(children[i].go, &c, 1) == 1 && read(children[i].ready, &c, 1) == 1 && c != 'y')
      fprintf(stderr, "hog %d: mlock failed\n", (int)pid);
  }
}

void kill_child(pid_t pid) {
  for (size_t i = 0; i < 64; i++) {
    if (children[i].pid != pid)
      continue;
    kill(pid, SIGKILL);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
      ;
    if (children[i].go >= 0)
      close(children[i].go);
    if (children[i].ready >= 0)
      close(children[i].ready);
    children[i] = (struct child){0};
  }
}

void kill_children(void) {
  for (size_t i = 0; i < 64; i++)
    if (children[i].pid > 0)
      kill_child(children[i].pid);
}

/* Thaw a frozen test cgroup first: its killed tasks cannot exit while frozen. */
static void thaw_tree(const char *path) {
  char state[4096];
  snprintf(state, sizeof(state), "%s/freezer.state", path);
  int fd = open(state, O_WRONLY | O_CLOEXEC);
  if (fd >= 0) {
    if (write(fd, "THAWED", 6) < 0)
      fprintf(stderr, "thaw %s: %s\n", path, strerror(errno));
    close(fd);
  }
  DIR *d = opendir(path);
  struct dirent *e;
  while (d != NULL && (e = readdir(d)) != NULL) {
    if (e->d_type != DT_DIR || e->d_name[0] == '.')
      continue;
    char sub[4096];
    snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
    thaw_tree(sub);
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
  for (int i = 0; i < 100 && rmdir(path) < 0 && errno == EBUSY; i++) {
    struct timespec ts = {.tv_nsec = 10 * 1000000};
    nanosleep(&ts, NULL);
  }
  if (dir_exists(path))
    fprintf(stderr, "cleanup: could not remove %s: %s\n", path, strerror(errno));
}

void remove_test_cgroups(void) {
  if (strncmp(test_root, "berth-test-cgv1-", 16) != 0)
    return; /* never touch anything but the tests' own cgroups */
  char names[2][96];
  snprintf(names[0], sizeof(names[0]), "%s", test_root);
  snprintf(names[1], sizeof(names[1]), "%s-id", test_root);
  for (size_t i = 0; i < n_hierarchies; i++)
    for (size_t n = 0; n < 2; n++) {
      char relative[4096], absolute[4096];
      cgroup_path(&hierarchies[i], names[n], relative, sizeof(relative));
      snprintf(absolute, sizeof(absolute), "%s/%s", hierarchies[i].mountpoint, names[n]);
      if (dir_exists(relative))
        thaw_tree(relative);
      if (dir_exists(absolute))
        thaw_tree(absolute);
    }
  kill_children();
  for (size_t i = 0; i < n_hierarchies; i++)
    for (size_t n = 0; n < 2; n++) {
      char relative[4096], absolute[4096];
      cgroup_path(&hierarchies[i], names[n], relative, sizeof(relative));
      snprintf(absolute, sizeof(absolute), "%s/%s", hierarchies[i].mountpoint, names[n]);
      if (dir_exists(relative))
        rmdir_tree(relative);
      if (dir_exists(absolute))
        rmdir_tree(absolute);
    }
}
