/* SPDX-License-Identifier: Apache-2.0 */
/* What only the cgroup-v1 tests need: their own view of the hierarchies, memory hogs, and
 * the removal of the test cgroups from every hierarchy. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "fixture.h"

struct test_hierarchy hierarchies[32];
size_t n_hierarchies;

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
  name_test_root("cgv1");
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
  struct test_child *c = pid > 0 ? track_child(pid) : NULL;
  if (c != NULL) {
    c->go = go[1];
    c->ready = ready[0];
  }
  return pid;
}

void hog_start(pid_t pid) {
  struct test_child *c = find_child(pid);
  char go = 'g', ready = 0;
  if (c != NULL && c->go >= 0 && write(c->go, &go, 1) == 1 && read(c->ready, &ready, 1) == 1 &&
      ready != 'y')
    fprintf(stderr, "hog %d: mlock failed\n", (int)pid);
}

/* A frozen test cgroup is thawed first: its killed tasks cannot exit while frozen. */
static void thaw(const char *path) {
  int r = write_file(path, "freezer.state", "THAWED");
  if (r < 0 && r != -ENOENT)
    fprintf(stderr, "thaw %s: %s\n", path, strerror(-r));
}

void remove_test_cgroups(void) {
  if (!test_root_named())
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
        for_each_dir(relative, thaw);
      if (dir_exists(absolute))
        for_each_dir(absolute, thaw);
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
