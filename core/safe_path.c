/* SPDX-License-Identifier: Apache-2.0 */
#include "safe_path.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"

/* The kernel's own limit (MAXSYMLINKS). */
#define MAX_SYMLINKS 40

/* The state of one walk. fds[] holds the directories below the root that the walk descended
 * into, so ".." pops one instead of trusting openat("..") (which a concurrent rename or a
 * mount could redirect). path is the in-rootfs path of the current directory, for messages. */
struct walk {
  int root_fd;
  int flags;
  int *fds;
  size_t depth, cap;
  char path[PATH_MAX];
  size_t path_len;
  char *rest;                         /* what is left to resolve (malloc()ed) */
  size_t pos;                         /* offset of the next component in rest */
  size_t link_end;                    /* rest[0..link_end) came from a symlink's target */
  char link[PATH_MAX + NAME_MAX + 2]; /* the symlink being expanded, for messages */
  int links;
};

static void walk_clear(struct walk *w) {
  for (size_t i = 0; i < w->depth; i++)
    close(w->fds[i]);
  free(w->fds);
  free(w->rest);
}

static int walk_current(const struct walk *w) {
  return w->depth > 0 ? w->fds[w->depth - 1] : w->root_fd;
}

/* The current directory as a prefix for "PREFIX/name" messages: "" at the root. */
static const char *prefix(const struct walk *w) {
  return w->path_len > 1 ? w->path : "";
}

static void walk_to_root(struct walk *w) {
  for (size_t i = 0; i < w->depth; i++)
    close(w->fds[i]);
  w->depth = 0;
  strcpy(w->path, "/");
  w->path_len = 1;
}

/* Descend into the directory fd (ownership moves to the walk), named name. */
static int walk_push(struct walk *w, int fd, const char *name, struct berth_error *err) {
  _cleanup_close_ int owned = fd;
  size_t len = strlen(name);
  if (w->path_len + len + 2 > sizeof(w->path))
    return berth_error(err, ENAMETOOLONG, "%s/%s", w->path, name);
  if (w->depth == w->cap) {
    size_t cap = w->cap ? w->cap * 2 : 16;
    int *fds = realloc(w->fds, cap * sizeof(*fds));
    if (fds == NULL)
      return berth_error(err, ENOMEM, "resolve %s", w->path);
    w->fds = fds;
    w->cap = cap;
  }
  w->fds[w->depth++] = take_fd(&owned);
  if (w->path_len > 1)
    w->path[w->path_len++] = '/';
  memcpy(w->path + w->path_len, name, len + 1);
  w->path_len += len;
  return 0;
}

static void walk_pop(struct walk *w) {
  close(w->fds[--w->depth]);
  char *slash = strrchr(w->path, '/');
  w->path_len = slash == w->path ? 1 : (size_t)(slash - w->path);
  w->path[w->path_len] = '\0';
}

/* The next component of rest into name; false at the end. *from_link tells whether it came
 * from a symlink's target, *last whether nothing but slashes follows. */
static bool walk_next(struct walk *w, char *name, bool *from_link, bool *last) {
  while (w->rest[w->pos] == '/')
    w->pos++;
  if (w->rest[w->pos] == '\0')
    return false;
  size_t start = w->pos, len = strcspn(w->rest + start, "/");
  memcpy(name, w->rest + start, len);
  name[len] = '\0';
  w->pos = start + len;
  *from_link = start < w->link_end;
  *last = w->rest[w->pos + strspn(w->rest + w->pos, "/")] == '\0';
  return true;
}

/* The plain procfs symlinks: "self" -> "PID", "thread-self" -> "PID/task/TID", and
 * "mounts" -> "self/mounts" style links. */
static bool is_plain_proc_link(const char *target) {
  size_t digits = strspn(target, "0123456789");
  if (digits > 0 && target[digits] == '\0')
    return true;
  if (digits > 0 && strncmp(target + digits, "/task/", 6) == 0) {
    const char *tid = target + digits + 6;
    return *tid != '\0' && tid[strspn(tid, "0123456789")] == '\0';
  }
  return strncmp(target, "self/", 5) == 0 && strstr(target, "..") == NULL;
}

/* Magic links exist only on procfs. Ask the kernel whether following this one would be a
 * magic-link jump (openat2 RESOLVE_NO_MAGICLINKS says ELOOP); kernels before 5.6 (and
 * valgrind) lack openat2, there only the plain links pass. */
static bool is_magic_link(int dir_fd, const char *name, const char *target) {
  struct statfs sfs;
  if (fstatfs(dir_fd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC)
    return false;
  struct open_how how = {.flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_NO_MAGICLINKS};
  int fd = (int)syscall(SYS_openat2, dir_fd, name, &how, sizeof(how));
  if (fd >= 0) {
    close(fd);
    return false;
  }
  if (errno != ENOSYS)
    return errno == ELOOP;
  return !is_plain_proc_link(target);
}

/* Replace the component just read (a symlink, open as fd) by its target. */
static int walk_expand(struct walk *w, int fd, const char *name, struct berth_error *err) {
  char target[PATH_MAX];
  if (++w->links > MAX_SYMLINKS)
    return berth_error(err, ELOOP, "%s", w->rest);
  ssize_t n = readlinkat(fd, "", target, sizeof(target) - 1);
  if (n < 0)
    return berth_error(err, errno, "readlink %s/%s", prefix(w), name);
  target[n] = '\0';
  snprintf(w->link, sizeof(w->link), "%s/%s", prefix(w), name);
  if (is_magic_link(walk_current(w), name, target)) {
    berth_error(err, 0, "%s is a magic link, refusing to follow it", w->link);
    err->code = ELOOP;
    return -ELOOP;
  }
  if (n == 0)
    return berth_error(err, ENOENT, "symlink %s has an empty target", w->link);
  const char *tail = w->rest + w->pos;
  size_t link_left = w->link_end > w->pos ? w->link_end - w->pos : 0;
  char *rest = NULL;
  /* tail is empty or starts with the "/" that ended the component. */
  if (asprintf(&rest, "%s%s", target, tail) < 0)
    return berth_error(err, ENOMEM, "resolve %s", w->link);
  free(w->rest);
  w->rest = rest;
  w->pos = 0;
  w->link_end = (size_t)n + link_left;
  if (target[0] == '/')
    walk_to_root(w);
  return 0;
}

/* Create the missing component name in the current directory; EEXIST means somebody else was
 * faster, which the caller's next lookup sorts out. */
static int walk_create(struct walk *w, const char *name, bool last, struct berth_error *err) {
  int dir = walk_current(w);
  if (last && (w->flags & BERTH_SAFE_MKFILE)) {
    int fd = openat(dir, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0755);
    if (fd >= 0)
      close(fd);
    else if (errno != EEXIST)
      return berth_error(err, errno, "create %s/%s", prefix(w), name);
    return 0;
  }
  if (mkdirat(dir, name, 0755) < 0 && errno != EEXIST)
    return berth_error(err, errno, "mkdir %s/%s", prefix(w), name);
  return 0;
}

/* Open name in the current directory without following it, creating it when asked. */
static int walk_lookup(struct walk *w, const char *name, bool last, struct berth_error *err) {
  for (int attempt = 0; attempt < 2; attempt++) {
    int fd = openat(walk_current(w), name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0 || errno != ENOENT || !(w->flags & (BERTH_SAFE_MKDIR | BERTH_SAFE_MKFILE)))
      return fd >= 0 ? fd : berth_error(err, errno, "%s/%s", prefix(w), name);
    int r = walk_create(w, name, last, err);
    if (r < 0)
      return r;
  }
  return berth_error(err, ENOENT, "%s/%s", prefix(w), name);
}

/* Handle "..": pop, or at the root stay (a literal "..", as chroot) or refuse (a symlink's). */
static int walk_dotdot(struct walk *w, bool from_link, struct berth_error *err) {
  if (w->depth > 0) {
    walk_pop(w);
    return 0;
  }
  if (!from_link)
    return 0;
  berth_error(err, 0, "symlink %s in the rootfs leads out of it", w->link);
  err->code = EXDEV;
  return -EXDEV;
}

/* One step; returns 1 with *result set when the walk ended on a non-directory. */
static int walk_step(struct walk *w, const char *name, bool from_link, bool last, int *result,
                     struct berth_error *err) {
  if (strcmp(name, ".") == 0)
    return 0;
  if (strcmp(name, "..") == 0)
    return walk_dotdot(w, from_link, err);
  _cleanup_close_ int fd = walk_lookup(w, name, last, err);
  if (fd < 0)
    return fd;
  struct stat st;
  if (fstat(fd, &st) < 0)
    return berth_error(err, errno, "stat %s/%s", prefix(w), name);
  if (S_ISLNK(st.st_mode) && last && (w->flags & BERTH_SAFE_NOFOLLOW))
    return berth_error(err, ELOOP, "%s/%s is a symlink", prefix(w), name);
  if (S_ISLNK(st.st_mode))
    return walk_expand(w, fd, name, err);
  if (S_ISDIR(st.st_mode))
    return walk_push(w, take_fd(&fd), name, err);
  if (!last)
    return berth_error(err, ENOTDIR, "%s/%s", prefix(w), name);
  /* Record the file's name in path (for the caller's resolved path) without a directory fd. */
  if (w->path_len + strlen(name) + 2 > sizeof(w->path))
    return berth_error(err, ENAMETOOLONG, "%s/%s", w->path, name);
  snprintf(w->path + w->path_len, sizeof(w->path) - w->path_len, "%s%s", w->path_len > 1 ? "/" : "",
           name);
  *result = take_fd(&fd);
  return 1;
}

static int walk_run(struct walk *w, struct berth_error *err) {
  char name[NAME_MAX + 1];
  bool from_link, last;
  while (w->rest[w->pos] != '\0') {
    while (w->rest[w->pos] == '/')
      w->pos++;
    if (strcspn(w->rest + w->pos, "/") > NAME_MAX)
      return berth_error(err, ENAMETOOLONG, "%s", w->rest + w->pos);
    if (!walk_next(w, name, &from_link, &last))
      break;
    int result = -1;
    int r = walk_step(w, name, from_link, last, &result, err);
    if (r < 0)
      return r;
    if (r == 1) {
      /* A trailing component that is not a directory ends the walk, but "file/" or a symlink
       * target continuing after it ("file/x") must not resolve to the file. */
      if (w->rest[w->pos] != '\0') {
        close(result);
        return berth_error(err, ENOTDIR, "%s/%s", prefix(w), name);
      }
      return result;
    }
  }
  if (w->depth > 0)
    return w->fds[--w->depth];
  int fd = openat(w->root_fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  return fd >= 0 ? fd : berth_error(err, errno, "open the root");
}

static bool openat2_enabled = true;

void berth_safe_path_use_openat2(bool enabled) {
  openat2_enabled = enabled;
}

/* The in-rootfs path of fd: its path on the host less root_fd's. NULL when that cannot be told
 * (no procfs, a deleted or unreachable directory), and the walk then tells. */
static char *path_below(int root_fd, int fd) {
  char root[PATH_MAX], object[PATH_MAX];
  struct berth_fd_path link = {0};
  ssize_t n = readlink(berth_fd_path(&link, root_fd), root, sizeof(root) - 1);
  ssize_t m = readlink(berth_fd_path(&link, fd), object, sizeof(object) - 1);
  if (n <= 0 || m <= 0 || root[0] != '/' || object[0] != '/')
    return NULL;
  root[n] = object[m] = '\0';
  size_t len = strcmp(root, "/") == 0 ? 0 : (size_t)n;
  if (strncmp(object, root, len) != 0 || (object[len] != '/' && object[len] != '\0'))
    return NULL;
  return strdup(object[len] != '\0' ? object + len : "/");
}

/* The kernel's resolution: openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS), where symlinks
 * and ".." resolve as under chroot and magic links fail. Returns the fd, or -1 when the walk
 * must answer instead: a kernel without openat2 (before 5.6: ENOSYS, or E2BIG/EINVAL for this
 * open_how), and every failure, so that missing components are created and the message names
 * the component at fault. Unlike the walk, a symlink's ".." above the root stays at the root
 * (as runc and crun resolve) when the rest exists. */
static int resolve_in_root(int root_fd, const char *path, int flags, char **resolved) {
  if (!openat2_enabled)
    return -1;
  struct open_how how = {.flags = O_PATH | O_CLOEXEC,
                         .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
  if (flags & BERTH_SAFE_NOFOLLOW)
    how.flags |= O_NOFOLLOW;
  _cleanup_close_ int fd = (int)syscall(SYS_openat2, root_fd, path, &how, sizeof(how));
  if (fd < 0)
    return -1;
  struct stat st;
  /* O_PATH|O_NOFOLLOW opens a symlink itself: the walk refuses it with its message. */
  if (fstat(fd, &st) < 0 || S_ISLNK(st.st_mode))
    return -1;
  if (resolved != NULL && (*resolved = path_below(root_fd, fd)) == NULL)
    return -1;
  return take_fd(&fd);
}

int berth_safe_resolve(int root_fd, const char *path, int flags, char **resolved,
                       struct berth_error *err) {
  int fd = resolve_in_root(root_fd, path, flags, resolved);
  if (fd >= 0)
    return fd;
  struct walk w = {.root_fd = root_fd, .flags = flags, .path = "/", .path_len = 1};
  w.rest = strdup(path);
  if (w.rest == NULL)
    return berth_error(err, ENOMEM, "resolve %s", path);
  int r = walk_run(&w, err);
  if (r >= 0 && resolved != NULL && (*resolved = strdup(w.path)) == NULL) {
    close(r);
    r = berth_error(err, ENOMEM, "resolve %s", path);
  }
  walk_clear(&w);
  return r;
}

int berth_safe_open(int root_fd, const char *path, int flags, struct berth_error *err) {
  return berth_safe_resolve(root_fd, path, flags, NULL, err);
}

int berth_safe_open_parent(int root_fd, const char *path, int flags, char **name,
                           struct berth_error *err) {
  _cleanup_free_ char *copy = strdup(path);
  if (copy == NULL)
    return berth_error(err, ENOMEM, "resolve %s", path);
  size_t len = strlen(copy);
  while (len > 1 && copy[len - 1] == '/')
    copy[--len] = '\0';
  char *slash = strrchr(copy, '/');
  const char *base = slash != NULL ? slash + 1 : copy;
  if (*base == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
    return berth_error(err, EINVAL, "%s: not a path to a file", path);
  _cleanup_free_ char *last = strdup(base);
  if (last == NULL)
    return berth_error(err, ENOMEM, "resolve %s", path);
  if (slash != NULL)
    slash[1] = '\0';
  else
    copy[0] = '\0';
  int parent_flags = flags & (BERTH_SAFE_MKDIR | BERTH_SAFE_MKFILE) ? BERTH_SAFE_MKDIR : 0;
  int fd = berth_safe_open(root_fd, copy, parent_flags, err);
  if (fd < 0)
    return fd;
  *name = steal_pointer(&last);
  return fd;
}

const char *berth_fd_path(struct berth_fd_path *buf, int fd) {
  snprintf(buf->path, sizeof(buf->path), "/proc/self/fd/%d", fd);
  return buf->path;
}
