/* SPDX-License-Identifier: Apache-2.0 */
/* What /proc says about cgroups: the cgroup mounts (/proc/self/mountinfo), a process's
 * cgroups (/proc/PID/cgroup), and where berth's own cgroup is below a mount; never
 * hard-coded paths. */
#include <fcntl.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/vfs.h>

#include "cgc.h"
#include "helpers.h"

void cgc_mount_table_clear(struct cgc_mount_table *t) {
  for (size_t i = 0; i < t->n; i++) {
    free(t->list[i].root);
    free(t->list[i].mountpoint);
    free(t->list[i].options);
  }
  t->n = 0;
}

bool cgc_has_controller(const char *controllers, const char *name) {
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
static int parse_mount_line(char *line, struct cgc_mount_table *t, struct cgc_failure *f) {
  char *fields[5], *save = NULL, *tok;
  size_t n = 0;
  for (tok = strtok_r(line, " \n", &save); tok != NULL && n < 5; tok = strtok_r(NULL, " \n", &save))
    fields[n++] = tok;
  /* Optional fields run until the "-" separator. */
  while (tok != NULL && strcmp(tok, "-") != 0)
    tok = strtok_r(NULL, " \n", &save);
  char *fstype = strtok_r(NULL, " \n", &save);
  char *source = strtok_r(NULL, " \n", &save);
  char *options = strtok_r(NULL, " \n", &save);
  if (n < 5 || fstype == NULL)
    return cgc_set_failure(f, EINVAL, "parse /proc/self/mountinfo: malformed line");
  bool unified = strcmp(fstype, "cgroup2") == 0;
  if (!unified && strcmp(fstype, "cgroup") != 0)
    return 0;
  if (source == NULL || options == NULL)
    return cgc_set_failure(f, EINVAL, "parse /proc/self/mountinfo: malformed line");
  if (t->n == CGC_MAX_MOUNTS)
    return 0;
  struct cgc_mount *m = &t->list[t->n];
  m->id = strtoull(fields[0], NULL, 10);
  m->root = unescape_octal(fields[3]);
  m->mountpoint = unescape_octal(fields[4]);
  m->options = strdup(options);
  m->unified = unified;
  t->n++;
  if (m->root == NULL || m->mountpoint == NULL || m->options == NULL)
    return cgc_set_failure(f, ENOMEM, "parse /proc/self/mountinfo");
  return 0;
}

int cgc_read_mounts(struct cgc_mount_table *t, struct cgc_failure *f) {
  _cleanup_fclose_ FILE *in = fopen("/proc/self/mountinfo", "re");
  if (in == NULL)
    return cgc_set_failure(f, errno, "open /proc/self/mountinfo");
  _cleanup_free_ char *line = NULL;
  size_t cap = 0;
  while (getline(&line, &cap, in) > 0) {
    int r = parse_mount_line(line, t, f);
    if (r < 0)
      return r;
  }
  return 0;
}

/* A cgroup outside what the mount shows (another cgroup namespace: "/../x") maps to the
 * mount's root rather than climbing out of it. */
char *cgc_own_relative(const char *root, const char *cgroup) {
  size_t n = strcmp(root, "/") == 0 ? 0 : strlen(root);
  if (strncmp(cgroup, root, n) != 0 || (cgroup[n] != '\0' && cgroup[n] != '/'))
    return strdup("");
  const char *rel = cgroup + n;
  for (const char *p = strstr(rel, ".."); p != NULL; p = strstr(p + 2, ".."))
    if (p[-1] == '/' && (p[2] == '/' || p[2] == '\0'))
      return strdup("");
  bool absolute;
  return cgc_clean_path(rel, &absolute);
}

int cgc_open_mount(const char *mountpoint, bool unified, struct cgc_failure *f) {
  _cleanup_close_ int fd = open(mountpoint, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return cgc_set_failure(f, errno, "open %s", mountpoint);
  struct statfs st;
  if (fstatfs(fd, &st) < 0)
    return cgc_set_failure(f, errno, "statfs %s", mountpoint);
  if (st.f_type != (unified ? CGROUP2_SUPER_MAGIC : CGROUP_SUPER_MAGIC))
    return cgc_set_failure(f, EXDEV, "%s is not a cgroup%s mount", mountpoint, unified ? "2" : "");
  return take_fd(&fd);
}

char *cgc_proc_cgroup_of(const char *text, bool unified) {
  const char *fallback = NULL;
  size_t fallback_len = 0;
  for (const char *line = text; line != NULL && *line != '\0';) {
    const char *end = strchr(line, '\n');
    size_t len = end != NULL ? (size_t)(end - line) : strlen(line);
    /* "ID:CONTROLLERS:PATH"; cgroup2 is "0::PATH". */
    const char *colon = memchr(line, ':', len);
    if (colon != NULL) {
      const char *second = memchr(colon + 1, ':', len - (size_t)(colon + 1 - line));
      if (second != NULL) {
        size_t controllers = (size_t)(second - colon - 1);
        bool is_v2 = controllers == 0 && colon - line == 1 && line[0] == '0';
        bool is_systemd = controllers == strlen("name=systemd") &&
                          strncmp(colon + 1, "name=systemd", controllers) == 0;
        if ((unified && is_v2) || (!unified && is_systemd))
          return strndup(second + 1, len - (size_t)(second + 1 - line));
        if (!unified && is_v2) { /* hybrid without a name=systemd line: systemd uses cgroup2 */
          fallback = second + 1;
          fallback_len = len - (size_t)(second + 1 - line);
        }
      }
    }
    line = end != NULL ? end + 1 : NULL;
  }
  return fallback != NULL ? strndup(fallback, fallback_len) : NULL;
}
