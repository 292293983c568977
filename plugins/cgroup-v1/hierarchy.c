/* SPDX-License-Identifier: Apache-2.0 */
/* Which hierarchies are mounted, and where berth's own cgroup is in each: from
 * /proc/self/mountinfo and /proc/self/cgroup, never from hard-coded paths. */
#include <fcntl.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/vfs.h>

#include "cgv1.h"
#include "helpers.h"

#define MAX_MOUNTS 256

struct cgroup_mount {
  char *root;       /* the mount's root inside its hierarchy */
  char *mountpoint; /* where it is mounted */
  char *options;    /* super options: "rw,cpu,cpuacct", "rw,xattr,name=systemd" ... */
  bool unified;
};

struct mount_table {
  size_t n;
  struct cgroup_mount list[MAX_MOUNTS];
};

static void mount_table_clear(struct mount_table *t) {
  for (size_t i = 0; i < t->n; i++) {
    free(t->list[i].root);
    free(t->list[i].mountpoint);
    free(t->list[i].options);
  }
  t->n = 0;
}
#define _cleanup_mount_table_ __attribute__((cleanup(mount_table_clear)))

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

bool has_controller(const char *controllers, const char *name) {
  size_t len = strlen(name);
  for (const char *p = controllers; p != NULL && *p != '\0';) {
    const char *comma = strchr(p, ',');
    size_t n = comma != NULL ? (size_t)(comma - p) : strlen(p);
    if (n == len && strncmp(p, name, len) == 0)
      return true;
    p = comma != NULL ? comma + 1 : NULL;
  }
  return false;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static char *unescape_octal(const char *s) {
  char *out = malloc(strlen(s) + 1), *o = out;
  if (out == NULL)
    return NULL;
  while (*s != '\0') {
    if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' &&
        s[3] <= '7') {
      *o++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
      s += 4;
    } else {
      *o++ = *s++;
    }
  }
  *o = '\0';
  return out;
}

/* "36 25 0:32 / /sys/fs/cgroup/memory rw,nosuid shared:15 - cgroup cgroup rw,memory" */
static int parse_mount_line(char *line, struct mount_table *t, struct failure *f) {
  char *fields[6], *save = NULL, *tok;
  size_t n = 0;
  for (tok = strtok_r(line, " \n", &save); tok != NULL && n < 6; tok = strtok_r(NULL, " \n", &save))
    fields[n++] = tok;
  /* Optional fields run until the "-" separator. */
  while (tok != NULL && strcmp(tok, "-") != 0)
    tok = strtok_r(NULL, " \n", &save);
  char *fstype = strtok_r(NULL, " \n", &save);
  char *source = strtok_r(NULL, " \n", &save);
  char *options = strtok_r(NULL, " \n", &save);
  if (n < 6 || fstype == NULL || source == NULL || options == NULL)
    return set_failure(f, EINVAL, "parse /proc/self/mountinfo: malformed line");
  bool unified = strcmp(fstype, "cgroup2") == 0;
  if (!unified && strcmp(fstype, "cgroup") != 0)
    return 0;
  if (t->n == MAX_MOUNTS)
    return 0;
  struct cgroup_mount *m = &t->list[t->n];
  m->root = unescape_octal(fields[3]);
  m->mountpoint = unescape_octal(fields[4]);
  m->options = strdup(options);
  m->unified = unified;
  t->n++;
  if (m->root == NULL || m->mountpoint == NULL || m->options == NULL)
    return set_failure(f, ENOMEM, "parse /proc/self/mountinfo");
  return 0;
}

static int read_mounts(struct mount_table *t, struct failure *f) {
  _cleanup_fclose_ FILE *in = fopen("/proc/self/mountinfo", "re");
  if (in == NULL)
    return set_failure(f, errno, "open /proc/self/mountinfo");
  _cleanup_free_ char *line = NULL;
  size_t cap = 0;
  while (getline(&line, &cap, in) > 0) {
    int r = parse_mount_line(line, t, f);
    if (r < 0)
      return r;
  }
  return 0;
}

/* The first mount of the hierarchy that carries every one of controllers. */
static const struct cgroup_mount *find_mount(const struct mount_table *t, const char *controllers,
                                             bool unified) {
  for (size_t i = 0; i < t->n; i++) {
    const struct cgroup_mount *m = &t->list[i];
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
      all = has_controller(m->options, c);
    if (all)
      return m;
  }
  return NULL;
}

/* berth's cgroup relative to the mount point, like runc's getCgroupPathHelper. A cgroup
 * outside what the mount shows (another cgroup namespace: "/../x") maps to the mount's root
 * rather than climbing out of it. */
static char *own_relative(const char *root, const char *cgroup) {
  size_t n = strcmp(root, "/") == 0 ? 0 : strlen(root);
  if (strncmp(cgroup, root, n) != 0 || (cgroup[n] != '\0' && cgroup[n] != '/'))
    return strdup("");
  const char *rel = cgroup + n;
  for (const char *p = strstr(rel, ".."); p != NULL; p = strstr(p + 2, ".."))
    if (p[-1] == '/' && (p[2] == '/' || p[2] == '\0'))
      return strdup("");
  bool absolute;
  return clean_path(rel, &absolute);
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
static int add_hierarchy(char *line, const struct mount_table *t, struct hierarchies *hs,
                         struct failure *f) {
  char *first = strchr(line, ':');
  char *second = first != NULL ? strchr(first + 1, ':') : NULL;
  if (second == NULL || second[1] != '/')
    return set_failure(f, EINVAL, "parse /proc/self/cgroup: malformed line \"%s\"", line);
  *first = *second = '\0';
  const char *controllers = first + 1, *cgroup = second + 1;
  bool unified = strcmp(line, "0") == 0 && *controllers == '\0';
  if (!unified && !joined_by_runc(controllers)) {
    log_debug("cgroup-v1: not joining named hierarchy %s", controllers);
    return 0;
  }
  const struct cgroup_mount *m = find_mount(t, controllers, unified);
  if (m == NULL || hs->n == MAX_HIERARCHIES)
    return 0; /* not mounted: nothing to join */
  struct hierarchy *h = &hs->list[hs->n];
  h->controllers = strdup(unified ? UNIFIED_KEY : controllers);
  h->mountpoint = strdup(m->mountpoint);
  h->own = own_relative(m->root, cgroup);
  h->unified = unified;
  hs->n++;
  if (h->controllers == NULL || h->mountpoint == NULL || h->own == NULL)
    return set_failure(f, ENOMEM, "read /proc/self/cgroup");
  return 0;
}

int discover_hierarchies(struct hierarchies *hs, struct failure *f) {
  _cleanup_mount_table_ struct mount_table mounts = {0};
  int r = read_mounts(&mounts, f);
  if (r < 0)
    return r;
  _cleanup_fclose_ FILE *in = fopen("/proc/self/cgroup", "re");
  if (in == NULL)
    return set_failure(f, errno, "open /proc/self/cgroup");
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

int open_mount(const char *mountpoint, bool unified, struct failure *f) {
  _cleanup_close_ int fd = open(mountpoint, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return set_failure(f, errno, "open %s", mountpoint);
  struct statfs st;
  if (fstatfs(fd, &st) < 0)
    return set_failure(f, errno, "statfs %s", mountpoint);
  if (st.f_type != (unified ? CGROUP2_SUPER_MAGIC : CGROUP_SUPER_MAGIC))
    return set_failure(f, EXDEV, "%s is not a cgroup%s mount", mountpoint, unified ? "2" : "");
  return take_fd(&fd);
}
