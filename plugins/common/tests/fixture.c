/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fixture.h"

#define MAX_HANDLES 16
#define MAX_CHILDREN 64

const struct berth_plugin *plugin;
const struct berth_cgroup_ops *ops;
struct berth_error err;
char test_root[64];

static int32_t host_error(struct berth_error *e, int32_t errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int32_t host_error(struct berth_error *e, int32_t errnum, const char *fmt, ...) {
  if (e != NULL && e->msg == NULL) {
    char buf[8192];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (errnum != 0 && n >= 0 && (size_t)n < sizeof(buf))
      snprintf(buf + n, sizeof(buf) - (size_t)n, ": %s", strerror(errnum));
    e->msg = strdup(buf);
    e->code = errnum != 0 ? errnum : EIO;
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

void error_clear(struct berth_error *e) {
  free(e->msg);
  e->msg = NULL;
  e->code = 0;
}

static berth_plugin_entry_fn entry;

berth_plugin_entry_fn plugin_entry(void) {
  return entry;
}

const struct berth_plugin *load_plugin(const char *name, const char **why) {
  static char msg[8192];
  const char *dir = getenv("BERTH_PLUGIN_PATH");
  if (dir == NULL) {
    *why = "BERTH_PLUGIN_PATH is not set";
    return NULL;
  }
  char path[4096];
  snprintf(path, sizeof(path), "%s/%s.so", dir, name);
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

void name_test_root(const char *tag) {
  snprintf(test_root, sizeof(test_root), "berth-test-%s-%d", tag, (int)getpid());
}

bool test_root_named(void) {
  return strncmp(test_root, "berth-test-", 11) == 0;
}

const char *rel(const char *name) {
  static char buf[8][256];
  static int next;
  char *out = buf[next++ % 8];
  snprintf(out, 256, "%s/%s", test_root, name);
  return out;
}

static struct berth_cgroup *handles[MAX_HANDLES];

struct berth_cgroup *track_handle(struct berth_cgroup *cg) {
  for (size_t i = 0; i < MAX_HANDLES; i++)
    if (handles[i] == NULL) {
      handles[i] = cg;
      break;
    }
  return cg;
}

void release_handle(struct berth_cgroup *cg) {
  for (size_t i = 0; i < MAX_HANDLES; i++)
    if (handles[i] == cg) {
      handles[i] = NULL;
      ops->release(cg);
    }
}

void release_handles(void) {
  for (size_t i = 0; i < MAX_HANDLES; i++)
    if (handles[i] != NULL) {
      ops->release(handles[i]);
      handles[i] = NULL;
    }
}

int try_create(const char *id, const char *cgroups_path, const char *resources, uint32_t flags,
               struct berth_cgroup **out) {
  struct berth_cgroup_request req = {
      .struct_size = sizeof(req),
      .flags = flags,
      .container_id = id,
      .cgroups_path = cgroups_path,
      .resources_json = resources,
  };
  *out = NULL;
  int r = ops->create(&req, out, &err);
  if (*out != NULL)
    track_handle(*out);
  return r;
}

struct berth_cgroup *create(const char *name, const char *resources) {
  struct berth_cgroup *cg = NULL;
  int r = try_create("c1", rel(name), resources, 0, &cg);
  if (r != 0)
    fail_msg("create %s: %d %s", name, r, err.msg);
  assert_non_null(cg);
  return cg;
}

void expect_mention(const char *fragment) {
  assert_non_null(err.msg);
  if (strstr(err.msg, fragment) == NULL)
    fail_msg("error \"%s\" does not mention \"%s\"", err.msg, fragment);
}

void expect_error(int r, const char *fragment) {
  if (r >= 0)
    fail_msg("succeeded (%d), expected an error mentioning \"%s\"", r, fragment);
  expect_mention(fragment);
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

/* Whether the file, split at any of delims, holds want as one piece. */
static bool file_has_piece(const char *dir, const char *name, const char *delims,
                           const char *want) {
  char buf[65536];
  read_trimmed(dir, name, buf, sizeof(buf));
  char *save = NULL;
  for (char *p = strtok_r(buf, delims, &save); p != NULL; p = strtok_r(NULL, delims, &save))
    if (strcmp(p, want) == 0)
      return true;
  return false;
}

bool file_has_line(const char *dir, const char *name, const char *want) {
  return file_has_piece(dir, name, "\n", want);
}

bool file_has_word(const char *dir, const char *name, const char *word) {
  return file_has_piece(dir, name, " \n", word);
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

static struct test_child children[MAX_CHILDREN];

struct test_child *track_child(pid_t pid) {
  for (size_t i = 0; i < MAX_CHILDREN; i++)
    if (children[i].pid == 0) {
      children[i] = (struct test_child){.pid = pid, .go = -1, .ready = -1};
      return &children[i];
    }
  return NULL;
}

struct test_child *find_child(pid_t pid) {
  for (size_t i = 0; i < MAX_CHILDREN; i++)
    if (children[i].pid == pid)
      return &children[i];
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
    track_child(pid);
  return pid;
}

int reap_child(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
    ;
  struct test_child *c;
  while (pid > 0 && (c = find_child(pid)) != NULL) {
    if (c->go >= 0)
      close(c->go);
    if (c->ready >= 0)
      close(c->ready);
    *c = (struct test_child){0};
  }
  return status;
}

void kill_child(pid_t pid) {
  kill(pid, SIGKILL);
  reap_child(pid);
}

void kill_children(void) {
  for (size_t i = 0; i < MAX_CHILDREN; i++)
    if (children[i].pid > 0)
      kill_child(children[i].pid);
}

void for_each_dir(const char *path, void (*fn)(const char *dir)) {
  fn(path);
  DIR *d = opendir(path);
  struct dirent *e;
  while (d != NULL && (e = readdir(d)) != NULL) {
    if (e->d_type != DT_DIR || e->d_name[0] == '.')
      continue;
    char sub[4096];
    snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
    for_each_dir(sub, fn);
  }
  if (d != NULL)
    closedir(d);
}

void rmdir_tree(const char *path) {
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
