/* SPDX-License-Identifier: Apache-2.0 */
/* Lexical cleaning of cgroupsPath and the O_NOFOLLOW walk from a mount point to a cgroup. */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "cgc.h"
#include "helpers.h"

/* Deep enough for any real cgroup tree; deeper paths are refused, not truncated. */
#define MAX_DEPTH 64

char *cgc_clean_path(const char *path, bool *absolute) {
  *absolute = path[0] == '/';
  char *out = malloc(strlen(path) + 1);
  if (out == NULL)
    return NULL;
  size_t len = 0;
  for (const char *p = path; *p != '\0';) {
    while (*p == '/')
      p++;
    size_t n = strcspn(p, "/");
    if (n == 0 || (n == 1 && p[0] == '.')) {
      /* skip */
    } else if (n == 2 && p[0] == '.' && p[1] == '.') {
      /* Climb, but never above the root: "../../x" is "x", as runc's CleanPath. */
      while (len > 0 && out[len - 1] != '/')
        len--;
      if (len > 0)
        len--;
    } else {
      if (len > 0)
        out[len++] = '/';
      memcpy(out + len, p, n);
      len += n;
    }
    p += n;
  }
  out[len] = '\0';
  return out;
}

char *cgc_join_path(const char *a, const char *b) {
  char *out = NULL;
  if (*a == '\0' || *b == '\0')
    return strdup(*a != '\0' ? a : b);
  if (asprintf(&out, "%s/%s", a, b) < 0)
    return NULL;
  return out;
}

/* Remove the directories a failed walk made, deepest first. fds[i] is the directory that
 * holds component i. */
static void unwind(int *fds, char **names, size_t depth, size_t created) {
  for (size_t i = depth; created > 0 && i-- > 0; created--)
    if (unlinkat(fds[i], names[i], AT_REMOVEDIR) < 0)
      log_debug("%s: rollback rmdir %s: %s", cgc_name, names[i], strerror(errno));
}

static void close_fds(int *fds, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (fds[i] >= 0)
      close(fds[i]);
}

/* Open (or make, then open) one component below parent. */
static int open_component(int parent, const char *name, bool create, bool *made) {
  *made = false;
  int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd >= 0 || errno != ENOENT || !create)
    return fd >= 0 ? fd : -errno;
  if (mkdirat(parent, name, 0755) == 0)
    *made = true;
  else if (errno != EEXIST) /* EEXIST: made by someone else meanwhile */
    return -errno;
  fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd >= 0)
    return fd;
  int saved = errno;
  if (*made)
    unlinkat(parent, name, AT_REMOVEDIR);
  *made = false;
  return -saved;
}

int cgc_walk_path(int mountfd, const char *mountpoint, const char *rel, struct cgc_walk *w,
                  struct cgc_failure *f) {
  _cleanup_free_ char *copy = strdup(rel);
  if (copy == NULL)
    return cgc_set_failure(f, ENOMEM, "open %s/%s", mountpoint, rel);
  char *names[MAX_DEPTH];
  int fds[MAX_DEPTH + 1];
  size_t depth = 0;
  char *save = NULL;
  for (char *c = strtok_r(copy, "/", &save); c != NULL; c = strtok_r(NULL, "/", &save)) {
    if (depth == MAX_DEPTH)
      return cgc_set_failure(f, ENAMETOOLONG, "open %s/%s", mountpoint, rel);
    names[depth++] = c;
  }

  w->created = 0;
  fds[0] = dup(mountfd);
  if (fds[0] < 0)
    return cgc_set_failure(f, errno, "dup fd of %s", mountpoint);
  size_t opened = 1, prefix = 0;
  int r = 0;
  for (size_t i = 0; i < depth; i++) {
    bool made;
    prefix += strlen(names[i]) + (i > 0);
    int fd = open_component(fds[i], names[i], w->create, &made);
    if (fd < 0) {
      r = cgc_set_failure(f, -fd, "%s %s/%.*s", w->create ? "mkdir" : "open", mountpoint,
                          (int)prefix, rel);
      break;
    }
    fds[opened++] = fd;
    w->created = made ? w->created + 1 : 0;
    if (made && w->created == 1 && i + 1 < depth)
      log_debug("%s: created %s/%.*s", cgc_name, mountpoint, (int)prefix, rel);
    if (w->visit != NULL) {
      _cleanup_free_ char *path = NULL;
      if (asprintf(&path, "%s/%.*s", mountpoint, (int)prefix, rel) < 0) {
        r = cgc_set_failure(f, ENOMEM, "walk %s/%s", mountpoint, rel);
        break;
      }
      r = w->visit(fds[i], fd, path, i + 1 == depth, w->data, f);
      if (r < 0)
        break;
    }
  }
  if (r < 0) {
    unwind(fds, names, opened - 1, w->created);
    w->created = 0;
    close_fds(fds, opened);
    return r;
  }
  int leaf = fds[opened - 1];
  fds[opened - 1] = -1;
  close_fds(fds, opened);
  return leaf;
}

const char *cgc_below_mount(const char *path, const char *mountpoint) {
  size_t n = strlen(mountpoint);
  if (strncmp(path, mountpoint, n) != 0 || path[n] != '/')
    return NULL;
  const char *rel = path + n + 1;
  bool absolute;
  _cleanup_free_ char *clean = cgc_clean_path(rel, &absolute);
  if (clean == NULL || absolute || rel[0] == '\0' || strcmp(clean, rel) != 0)
    return NULL;
  return rel;
}

const char *cgc_base_name(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash != NULL ? slash + 1 : path;
}
