/* SPDX-License-Identifier: Apache-2.0 */
/* Which hierarchies are mounted, and where berth's own cgroup is in each: from
 * /proc/self/mountinfo and /proc/self/cgroup, never from hard-coded paths. */
#include <string.h>

#include "fs1.h"
#include "helpers.h"

void hierarchies_clear(struct hierarchies *hs) {
  for (size_t i = 0; i < hs->n; i++) {
    free(hs->list[i].controllers);
    free(hs->list[i].mountpoint);
    free(hs->list[i].own);
  }
  hs->n = 0;
}

size_t count_v1(const struct hierarchies *hs) {
  size_t n = 0;
  for (size_t i = 0; i < hs->n; i++)
    n += !hs->list[i].unified;
  return n;
}

/* The first mount of the hierarchy that carries every one of controllers. */
static const struct cgc_mount *find_mount(const struct cgc_mount_table *t, const char *controllers,
                                          bool unified) {
  for (size_t i = 0; i < t->n; i++) {
    const struct cgc_mount *m = &t->list[i];
    if (m->unified != unified)
      continue;
    if (unified)
      return m;
    _cleanup_free_ char *copy = strdup(controllers);
    if (copy == NULL)
      return NULL;
    bool all = true;
    char *save = NULL;
    for (char *c = strtok_r(copy, ",", &save); c != NULL && all; c = strtok_r(NULL, ",", &save))
      all = cgc_has_controller(m->options, c);
    if (all)
      return m;
  }
  return NULL;
}

/* Only the hierarchies runc joins: every controller, and of the named ones name=systemd. */
static bool joined_by_runc(const char *controllers) {
  _cleanup_free_ char *copy = strdup(controllers);
  char *save = NULL;
  if (copy == NULL)
    return true;
  for (char *c = strtok_r(copy, ",", &save); c != NULL; c = strtok_r(NULL, ",", &save))
    if (strncmp(c, "name=", 5) != 0 || strcmp(c, "name=systemd") == 0)
      return true;
  return false;
}

/* "4:memory:/user.slice" or "0::/init.scope". */
static int add_hierarchy(char *line, const struct cgc_mount_table *t, struct hierarchies *hs,
                         struct cgc_failure *f) {
  char *first = strchr(line, ':');
  char *second = first != NULL ? strchr(first + 1, ':') : NULL;
  if (second == NULL || second[1] != '/')
    return cgc_set_failure(f, EINVAL, "parse /proc/self/cgroup: malformed line \"%s\"", line);
  *first = *second = '\0';
  const char *controllers = first + 1, *cgroup = second + 1;
  bool unified = strcmp(line, "0") == 0 && *controllers == '\0';
  if (!unified && !joined_by_runc(controllers)) {
    log_debug("cgroup-v1: not joining named hierarchy %s", controllers);
    return 0;
  }
  const struct cgc_mount *m = find_mount(t, controllers, unified);
  if (m == NULL || hs->n == MAX_HIERARCHIES)
    return 0; /* not mounted: nothing to join */
  struct hierarchy *h = &hs->list[hs->n];
  h->controllers = strdup(unified ? UNIFIED_KEY : controllers);
  h->mountpoint = strdup(m->mountpoint);
  h->own = cgc_own_relative(m->root, cgroup);
  h->unified = unified;
  hs->n++;
  if (h->controllers == NULL || h->mountpoint == NULL || h->own == NULL)
    return cgc_set_failure(f, ENOMEM, "read /proc/self/cgroup");
  return 0;
}

int discover_hierarchies(struct hierarchies *hs, struct cgc_failure *f) {
  _cleanup_mount_table_ struct cgc_mount_table mounts = {0};
  int r = cgc_read_mounts(&mounts, f);
  if (r < 0)
    return r;
  _cleanup_fclose_ FILE *in = fopen("/proc/self/cgroup", "re");
  if (in == NULL)
    return cgc_set_failure(f, errno, "open /proc/self/cgroup");
  _cleanup_free_ char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  while ((len = getline(&line, &cap, in)) > 0) {
    if (line[len - 1] == '\n')
      line[len - 1] = '\0';
    r = add_hierarchy(line, &mounts, hs, f);
    if (r < 0) {
      hierarchies_clear(hs);
      return r;
    }
  }
  return 0;
}
