/* SPDX-License-Identifier: Apache-2.0 */
/* What /proc says about cgroups: where a process is (to check that systemd really put the
 * container's init in its unit, runc #2313), and where the hierarchies are mounted. */
#include <fcntl.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/vfs.h>

#include "helpers.h"
#include "sd.h"

#define MAX_PROC_FILE (1 << 20)

int read_file(const char *path, char **out) {
  *out = NULL;
  _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return -errno;
  size_t size = 4096, len = 0;
  _cleanup_free_ char *buf = malloc(size);
  if (buf == NULL)
    return -ENOMEM;
  for (;;) {
    if (len + 1 == size) {
      if (size >= MAX_PROC_FILE)
        return -EFBIG;
      char *bigger = realloc(buf, size * 2);
      if (bigger == NULL)
        return -ENOMEM;
      buf = bigger;
      size *= 2;
    }
    ssize_t n = read(fd, buf + len, size - len - 1);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return -errno;
    if (n == 0)
      break;
    len += (size_t)n;
  }
  buf[len] = '\0';
  *out = steal_pointer(&buf);
  return 0;
}

char *proc_cgroup_of(const char *text, bool unified) {
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

/* The mount point field of a mountinfo line, with its octal escapes (\040) undone. */
static char *mount_point(const char *field, size_t len) {
  char *out = malloc(len + 1);
  size_t n = 0;
  for (size_t i = 0; out != NULL && i < len; i++) {
    if (field[i] == '\\' && i + 3 < len && field[i + 1] >= '0' && field[i + 1] <= '3') {
      out[n++] =
          (char)(((field[i + 1] - '0') << 6) | ((field[i + 2] - '0') << 3) | (field[i + 3] - '0'));
      i += 3;
    } else
      out[n++] = field[i];
  }
  if (out != NULL)
    out[n] = '\0';
  return out;
}

/* Does a mountinfo line (after " - ") describe the hierarchy asked for? */
static bool wanted_hierarchy(const char *tail, bool unified) {
  char fstype[32], source[256], options[1024];
  if (sscanf(tail, "%31s %255s %1023s", fstype, source, options) != 3)
    return false;
  if (unified)
    return strcmp(fstype, "cgroup2") == 0;
  if (strcmp(fstype, "cgroup") != 0)
    return false;
  for (char *save = NULL, *o = strtok_r(options, ",", &save); o != NULL;
       o = strtok_r(NULL, ",", &save))
    if (strcmp(o, "name=systemd") == 0)
      return true;
  return false;
}

int hierarchy_mount(bool unified, char **out) {
  _cleanup_free_ char *text = NULL;
  int r = read_file("/proc/self/mountinfo", &text);
  if (r < 0)
    return r;
  *out = NULL;
  for (char *save = NULL, *line = strtok_r(text, "\n", &save); line != NULL;
       line = strtok_r(NULL, "\n", &save)) {
    const char *dash = strstr(line, " - ");
    if (dash == NULL || !wanted_hierarchy(dash + 3, unified))
      continue;
    /* ID PARENT MAJ:MIN ROOT MOUNTPOINT ... */
    const char *field = line;
    for (int i = 0; i < 4 && field != NULL; i++) {
      field = strchr(field, ' ');
      field = field != NULL ? field + 1 : NULL;
    }
    const char *end = field != NULL ? strchr(field, ' ') : NULL;
    if (end == NULL)
      continue;
    char *mp = mount_point(field, (size_t)(end - field));
    if (mp == NULL)
      return -ENOMEM;
    /* The usual place wins over a later bind of the same hierarchy. */
    if (*out == NULL || strcmp(mp, "/sys/fs/cgroup") == 0 ||
        strcmp(mp, "/sys/fs/cgroup/systemd") == 0) {
      free(*out);
      *out = mp;
    } else
      free(mp);
  }
  return *out != NULL ? 0 : -ENOENT;
}

bool unified_host(void) {
  struct statfs st;
  return statfs("/sys/fs/cgroup", &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC;
}
