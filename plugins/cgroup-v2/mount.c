/* SPDX-License-Identifier: Apache-2.0 */
/* Where the cgroup2 hierarchy is mounted and where berth's own cgroup is in it: from
 * /proc/self/mountinfo and /proc/self/cgroup, never from a hard-coded path. */
#include <fcntl.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include "cgv2.h"
#include "helpers.h"

#define MAX_MOUNTS 64
/* runc's UnifiedMountpoint: preferred when a cgroup2 is mounted there. */
#define DEFAULT_MOUNTPOINT "/sys/fs/cgroup"

struct cgroup2_mount {
  uint64_t id;
  char *root;       /* the mount's root inside the hierarchy */
  char *mountpoint; /* where it is mounted */
};

struct mount_table {
  size_t n;
  struct cgroup2_mount list[MAX_MOUNTS];
};

static void mount_table_clear(struct mount_table *t) {
  for (size_t i = 0; i < t->n; i++) {
    free(t->list[i].root);
    free(t->list[i].mountpoint);
  }
  t->n = 0;
}
#define _cleanup_mount_table_ __attribute__((cleanup(mount_table_clear)))

void unified_clear(struct unified *u) {
  free(u->mountpoint);
  free(u->own);
  u->mountpoint = u->own = NULL;
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

/* "73 47 0:38 / /sys/fs/cgroup rw,relatime shared:9 - cgroup2 cgroup2 rw" */
static int parse_mount_line(char *line, struct mount_table *t, struct failure *f) {
  char *fields[5], *save = NULL, *tok;
  size_t n = 0;
  for (tok = strtok_r(line, " \n", &save); tok != NULL && n < 5; tok = strtok_r(NULL, " \n", &save))
    fields[n++] = tok;
  /* Optional fields run until the "-" separator. */
  while (tok != NULL && strcmp(tok, "-") != 0)
    tok = strtok_r(NULL, " \n", &save);
  char *fstype = strtok_r(NULL, " \n", &save);
  if (n < 5 || fstype == NULL)
    return set_failure(f, EINVAL, "parse /proc/self/mountinfo: malformed line");
  if (strcmp(fstype, "cgroup2") != 0 || t->n == MAX_MOUNTS)
    return 0;
  struct cgroup2_mount *m = &t->list[t->n];
  m->id = strtoull(fields[0], NULL, 10);
  m->root = unescape_octal(fields[3]);
  m->mountpoint = unescape_octal(fields[4]);
  t->n++;
  if (m->root == NULL || m->mountpoint == NULL)
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

int open_mount(const char *mountpoint, struct failure *f) {
  _cleanup_close_ int fd = open(mountpoint, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return set_failure(f, errno, "open %s", mountpoint);
  struct statfs st;
  if (fstatfs(fd, &st) < 0)
    return set_failure(f, errno, "statfs %s", mountpoint);
  if (st.f_type != CGROUP2_SUPER_MAGIC)
    return set_failure(f, EXDEV, "%s is not a cgroup2 mount", mountpoint);
  return take_fd(&fd);
}

/* Is m what its mount point shows now? A later mount can hide it: on a hybrid host,
 * mounting cgroup2 over /sys/fs/cgroup hides /sys/fs/cgroup/unified, whose path then
 * names a (missing, or unrelated) directory inside the new mount. */
static bool reachable(const struct cgroup2_mount *m) {
  struct failure ignored = {0};
  _cleanup_close_ int fd = open_mount(m->mountpoint, &ignored);
  if (fd < 0)
    return false;
  struct statx sx;
  if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &sx) < 0 || !(sx.stx_mask & STATX_MNT_ID))
    return true; /* kernel < 5.8: the cgroup2 check above is all there is */
  return sx.stx_mnt_id == m->id;
}

static const struct cgroup2_mount *pick_mount(const struct mount_table *t) {
  /* Of several mounts at one place, the last one in mountinfo is on top. */
  for (size_t i = t->n; i-- > 0;)
    if (strcmp(t->list[i].mountpoint, DEFAULT_MOUNTPOINT) == 0 && reachable(&t->list[i]))
      return &t->list[i];
  for (size_t i = t->n; i-- > 0;)
    if (reachable(&t->list[i]))
      return &t->list[i];
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

/* The "0::/path" line; "/" when there is none (no cgroup2 membership to speak of). */
static int read_own_cgroup(char **out, struct failure *f) {
  _cleanup_fclose_ FILE *in = fopen("/proc/self/cgroup", "re");
  if (in == NULL)
    return set_failure(f, errno, "open /proc/self/cgroup");
  _cleanup_free_ char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  while ((len = getline(&line, &cap, in)) > 0) {
    if (line[len - 1] == '\n')
      line[len - 1] = '\0';
    if (strncmp(line, "0::", 3) == 0) {
      *out = strdup(line + 3);
      return *out != NULL ? 0 : set_failure(f, ENOMEM, "read /proc/self/cgroup");
    }
  }
  *out = strdup("/");
  return *out != NULL ? 0 : set_failure(f, ENOMEM, "read /proc/self/cgroup");
}

int discover_unified(struct unified *u, struct failure *f) {
  _cleanup_mount_table_ struct mount_table mounts = {0};
  int r = read_mounts(&mounts, f);
  if (r < 0)
    return r;
  const struct cgroup2_mount *m = pick_mount(&mounts);
  if (m == NULL)
    return set_failure(f, ENOENT, "no cgroup2 file system is mounted (/proc/self/mountinfo)");
  _cleanup_free_ char *own = NULL;
  if ((r = read_own_cgroup(&own, f)) < 0 || own == NULL)
    return r < 0 ? r : -ENOMEM;
  u->mountpoint = strdup(m->mountpoint);
  u->own = own_relative(m->root, own);
  if (u->mountpoint == NULL || u->own == NULL) {
    unified_clear(u);
    return set_failure(f, ENOMEM, "find the cgroup2 mount");
  }
  return 0;
}
