/* SPDX-License-Identifier: Apache-2.0 */
/* What only the cgroup-v2 tests need: their own view of cgroup2, a private mount namespace
 * with it at /sys/fs/cgroup, spinners, and the removal of the test cgroups. */
#include <errno.h>
#include <linux/magic.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "fixture.h"

char cg_mount[256];
char cg_base[512];

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

/* Thaw and empty a test cgroup (only ever ours: the caller checks the name). */
static void empty(const char *path) {
  write_file(path, "cgroup.freeze", "0");
  write_file(path, "cgroup.kill", "1");
}

void remove_test_cgroups(void) {
  if (!test_root_named() || cg_mount[0] == '\0')
    return; /* never touch anything but the tests' own cgroups */
  char paths[4][1024];
  snprintf(paths[0], sizeof(paths[0]), "%s/%s", cg_base, test_root);
  snprintf(paths[1], sizeof(paths[1]), "%s/%s-id", cg_base, test_root);
  snprintf(paths[2], sizeof(paths[2]), "%s/%s", cg_mount, test_root);
  snprintf(paths[3], sizeof(paths[3]), "%s/%s-id", cg_mount, test_root);
  for (size_t i = 0; i < 4; i++)
    if (dir_exists(paths[i]))
      for_each_dir(paths[i], empty);
  kill_children();
  for (size_t i = 0; i < 4; i++)
    if (dir_exists(paths[i]))
      rmdir_tree(paths[i]);
}
