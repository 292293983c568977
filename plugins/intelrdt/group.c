/* SPDX-License-Identifier: Apache-2.0 */
/* The container's resctrl group: create (validate, name), add (the first one makes the group and
 * writes its schemata), destroy, and the state blob. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "group.h"

static int open_dir(int dirfd, const char *name) {
  return openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

int rdt_open_root(const struct berth_rdt *g, struct berth_error *err) {
  int fd = open(g->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  return fd >= 0 ? fd : rdt_error(err, errno, "open resctrl %s", g->root);
}

/* A group's name is one directory entry of the resctrl root, and not one resctrl uses. */
static int check_closid(const char *closid, struct berth_error *err) {
  if (*closid == '\0' || strcmp(closid, ".") == 0 || strcmp(closid, "..") == 0 ||
      strchr(closid, '/') != NULL || strlen(closid) > NAME_MAX)
    return rdt_error(err, 0, "linux.intelRdt.closID \"%s\": not a resctrl group name", closid);
  if (strcmp(closid, "info") == 0 || strcmp(closid, "mon_groups") == 0 ||
      strcmp(closid, "mon_data") == 0)
    return rdt_error(err, 0, "linux.intelRdt.closID \"%s\": a name resctrl uses itself", closid);
  return 0;
}

/* Each line of text (a field may hold several, "L3CODE:...\nL3DATA:..."), checked and
 * appended to out. */
static int add_lines(const struct rdt_info *info, const char *field, const char *text, char *out,
                     size_t size, struct berth_error *err) {
  _cleanup_free_ char *copy = strdup(text);
  if (copy == NULL)
    return rdt_error(err, ENOMEM, "linux.intelRdt.%s", field);
  char *save = NULL;
  for (char *line = strtok_r(copy, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
    char why[512];
    if (line[strspn(line, " \t")] == '\0')
      continue;
    if (rdt_check_line(info, line, why, sizeof(why)) < 0)
      return rdt_error(err, 0, "linux.intelRdt.%s: schemata line \"%s\": %s", field, line, why);
    size_t len = strlen(out);
    if (len + strlen(line) + 2 > size)
      return rdt_error(err, E2BIG, "linux.intelRdt.%s", field);
    snprintf(out + len, size - len, "%s\n", line);
  }
  return 0;
}

static int schemata_of(json_object *spec, const struct rdt_info *info, char *out, size_t size,
                       struct berth_error *err) {
  out[0] = '\0';
  static const char *const fields[] = {"l3CacheSchema", "memBwSchema"};
  for (size_t i = 0; i < 2; i++) {
    json_object *v = json_get(spec, fields[i]);
    if (v == NULL)
      continue;
    if (!json_object_is_type(v, json_type_string))
      return rdt_error(err, 0, "linux.intelRdt.%s: not a string", fields[i]);
    int r = add_lines(info, fields[i], json_object_get_string(v), out, size, err);
    if (r < 0)
      return r;
  }
  json_object *lines = json_get(spec, "schemata");
  if (lines != NULL && !json_object_is_type(lines, json_type_array))
    return rdt_error(err, 0, "linux.intelRdt.schemata: not an array");
  for (size_t i = 0; lines != NULL && i < json_object_array_length(lines); i++) {
    json_object *v = json_object_array_get_idx(lines, i);
    char field[32];
    snprintf(field, sizeof(field), "schemata[%zu]", i);
    if (!json_object_is_type(v, json_type_string))
      return rdt_error(err, 0, "linux.intelRdt.%s: not a string", field);
    int r = add_lines(info, field, json_object_get_string(v), out, size, err);
    if (r < 0)
      return r;
  }
  return 0;
}

/* Groups in use: the default (root) group and every other control group. */
static int count_groups(int root_fd, uint32_t *n, struct berth_error *err) {
  int fd = dup(root_fd);
  _cleanup_closedir_ DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
  if (d == NULL) {
    closep(&fd);
    return rdt_error(err, errno, "read the resctrl root");
  }
  *n = 1;
  for (struct dirent *e = readdir(d); e != NULL; e = readdir(d))
    if (e->d_type == DT_DIR && e->d_name[0] != '.' && strcmp(e->d_name, "info") != 0 &&
        strcmp(e->d_name, "mon_groups") != 0 && strcmp(e->d_name, "mon_data") != 0)
      (*n)++;
  return 0;
}

/* The kernel's reason for a refused write, when it kept one. */
static void last_cmd_status(int root_fd, char *out, size_t size) {
  out[0] = '\0';
  _cleanup_close_ int fd = openat(root_fd, "info/last_cmd_status", O_RDONLY | O_CLOEXEC);
  ssize_t n = fd >= 0 ? read(fd, out, size - 1) : -1;
  n = n < 0 ? 0 : n;
  while (n > 0 && out[n - 1] == '\n')
    n--;
  out[n] = '\0';
}

/* One write, as resctrl takes a schemata file: each write(2) is parsed whole. O_CREAT only
 * matters for a directory laid out by hand (berth's tests): resctrl makes the file itself. */
static int write_file(int root_fd, int dirfd, const char *dir, const char *file, const char *text,
                      int flags, struct berth_error *err) {
  _cleanup_close_ int fd =
      openat(dirfd, file, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | flags, 0644);
  if (fd < 0)
    return rdt_error(err, errno, "open resctrl %s/%s", dir, file);
  ssize_t n = write(fd, text, strlen(text));
  if (n == (ssize_t)strlen(text))
    return 0;
  int saved = n < 0 ? errno : EIO;
  char status[256];
  last_cmd_status(root_fd, status, sizeof(status));
  return rdt_error(err, saved, "write resctrl %s/%s%s%s", dir, file, status[0] ? ": " : "", status);
}

/* err NULL: the caller reports another error and only wants this one's errno. */
#define tree_error(err, errnum, ...)                                                               \
  ((err) != NULL ? rdt_error((err), (errnum), __VA_ARGS__) : -((errnum) > 0 ? (errnum) : EIO))

/* rmdir, as runc's RemoveAll: on resctrl the files go with the directory; a directory that
 * holds ordinary files (laid out by hand) is emptied first. A missing one is no error. */
int rdt_remove_tree(int parent_fd, const char *name, struct berth_error *err) {
  if (unlinkat(parent_fd, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
    return 0;
  if (errno != ENOTEMPTY && errno != EEXIST)
    return tree_error(err, errno, "remove resctrl group %s", name);
  int fd = open_dir(parent_fd, name);
  _cleanup_closedir_ DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
  if (d == NULL) {
    closep(&fd);
    return tree_error(err, errno, "open resctrl group %s", name);
  }
  for (struct dirent *e = readdir(d); e != NULL; e = readdir(d)) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    int r = e->d_type == DT_DIR ? rdt_remove_tree(dirfd(d), e->d_name, err)
                                : (unlinkat(dirfd(d), e->d_name, 0) == 0 ? 0 : -errno);
    if (r < 0)
      return r == -ENOENT ? 0 : tree_error(err, -r, "remove resctrl %s/%s", name, e->d_name);
  }
  if (unlinkat(parent_fd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
    return tree_error(err, errno, "remove resctrl group %s", name);
  return 0;
}

/* A new group needs a free CLOSID: refused at create, before anything is made. */
static int check_free_closid(const struct berth_rdt *g, int root_fd, uint32_t max,
                             struct berth_error *err) {
  if (g->shared && faccessat(root_fd, g->group, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
    return 0;
  uint32_t used = 0;
  int r = count_groups(root_fd, &used, err);
  if (r < 0)
    return r;
  if (max > 0 && used >= max)
    return rdt_error(err, ENOSPC,
                     "resctrl group %s: %u groups in use and num_closids is %u: no CLOSID is free",
                     g->group, used, max);
  return 0;
}

/* resctrl itself refuses a mkdir with no CLOSID free (ENOSPC). */
static int make_group(struct berth_rdt *g, int root_fd, struct berth_error *err) {
  if (g->shared && faccessat(root_fd, g->group, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
    return 0;
  if (mkdirat(root_fd, g->group, 0755) == 0)
    g->made = true;
  else if (errno != EEXIST)
    return rdt_error(err, errno, "create resctrl group %s", g->group);
  return 0;
}

static int make_monitoring(struct berth_rdt *g, int root_fd, struct berth_error *err) {
  _cleanup_close_ int group_fd = open_dir(root_fd, g->group);
  if (group_fd < 0)
    return rdt_error(err, errno, "open resctrl group %s", g->group);
  /* resctrl makes mon_groups with every control group; made here only where it is missing (a
   * directory laid out by hand). */
  if (mkdirat(group_fd, "mon_groups", 0755) < 0 && errno != EEXIST)
    return rdt_error(err, errno, "create resctrl %s/mon_groups", g->group);
  _cleanup_close_ int mon_fd = open_dir(group_fd, "mon_groups");
  if (mon_fd < 0 || mkdirat(mon_fd, g->monitor, 0755) < 0)
    return rdt_error(err, errno, "create resctrl monitoring group %s/mon_groups/%s", g->group,
                     g->monitor);
  return 0;
}

/* Whatever the first add made, for an add that fails (its error is the one reported): a
 * closID group too when this add made it, as nobody has joined it yet. */
static void undo(struct berth_rdt *g, int root_fd) {
  if (g->monitor[0] != '\0') {
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/mon_groups", g->group);
    _cleanup_close_ int mon_fd = openat(root_fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (mon_fd >= 0)
      rdt_remove_tree(mon_fd, g->monitor, NULL);
  }
  if (g->made)
    rdt_remove_tree(root_fd, g->group, NULL);
}

/* For create and update: find resctrl (its mount into mount, PATH_MAX bytes, and mba_MBps),
 * open g's root as *root_fd, read info/ and turn spec's schemata lines, checked against it,
 * into the text to write. */
static int checked_schemata(struct berth_rdt *g, json_object *spec, char *mount, int *root_fd,
                            struct rdt_info *info, char *schemata, size_t size,
                            struct berth_error *err) {
  bool mba_mbps = false;
  int r = rdt_find_mount(mount, &mba_mbps, err);
  if (r < 0)
    return r;
  *root_fd = rdt_open_root(g, err);
  if (*root_fd < 0)
    return *root_fd;
  if ((r = rdt_read_info(*root_fd, mba_mbps, info, err)) < 0)
    return r;
  return schemata_of(spec, info, schemata, size, err);
}

int rdt_group_create(const struct berth_rdt_request *req, struct berth_rdt **out,
                     struct berth_error *err) {
  if (req == NULL ||
      req->struct_size <
          offsetof(struct berth_rdt_request, intel_rdt_json) + sizeof(req->intel_rdt_json) ||
      req->intel_rdt_json == NULL || req->container_id == NULL)
    return rdt_error(err, EINVAL, "intelrdt: incomplete request");
  _cleanup_json_ json_object *spec = json_tokener_parse(req->intel_rdt_json);
  if (!json_object_is_type(spec, json_type_object))
    return rdt_error(err, EINVAL, "linux.intelRdt: not a JSON object");
  _cleanup_free_ struct berth_rdt *g = calloc(1, sizeof(*g));
  if (g == NULL)
    return rdt_error(err, ENOMEM, "intelrdt");
  json_object *closid = json_get(spec, "closID");
  if (closid != NULL && !json_object_is_type(closid, json_type_string))
    return rdt_error(err, 0, "linux.intelRdt.closID: not a string");
  int r = closid != NULL ? check_closid(json_object_get_string(closid), err) : 0;
  if (r < 0)
    return r;
  g->shared = closid != NULL;
  snprintf(g->group, sizeof(g->group), "%s",
           closid != NULL ? json_object_get_string(closid) : req->container_id);
  _cleanup_close_ int root_fd = -1;
  struct rdt_info info;
  char schemata[8192];
  if ((r = checked_schemata(g, spec, g->root, &root_fd, &info, schemata, sizeof(schemata), err)) <
      0)
    return r;
  bool monitoring = json_object_get_boolean(json_get(spec, "enableMonitoring"));
  if (monitoring && !info.monitoring)
    return rdt_error(err, 0,
                     "linux.intelRdt.enableMonitoring: this host's resctrl cannot monitor (no "
                     "info/L3_MON)");
  if ((r = check_free_closid(g, root_fd, rdt_num_closids(&info), err)) < 0)
    return r;
  if (monitoring)
    snprintf(g->monitor, sizeof(g->monitor), "%s", req->container_id);
  g->schemata = strdup(schemata);
  if (g->schemata == NULL)
    return rdt_error(err, ENOMEM, "intelrdt");
  g->pending = true;
  *out = steal_pointer(&g);
  return 0;
}

/* The group create named, its schemata and its monitoring group, made now that the host has
 * recorded the handle. */
static int make_pending(struct berth_rdt *g, int root_fd, struct berth_error *err) {
  int r = make_group(g, root_fd, err);
  if (r < 0)
    return r;
  _cleanup_close_ int group_fd = open_dir(root_fd, g->group);
  if (group_fd < 0)
    r = rdt_error(err, errno, "open resctrl group %s", g->group);
  if (r == 0 && g->schemata[0] != '\0')
    r = write_file(root_fd, group_fd, g->group, "schemata", g->schemata, O_TRUNC, err);
  if (r == 0 && g->monitor[0] != '\0')
    r = make_monitoring(g, root_fd, err);
  if (r < 0) {
    undo(g, root_fd);
    return r;
  }
  g->pending = false;
  return 0;
}

int rdt_group_update(struct berth_rdt *g, const char *intel_rdt_json, struct berth_error *err) {
  _cleanup_json_ json_object *spec = json_tokener_parse(intel_rdt_json ? intel_rdt_json : "");
  if (!json_object_is_type(spec, json_type_object))
    return rdt_error(err, EINVAL, "linux.intelRdt: not a JSON object");
  char mount[PATH_MAX];
  _cleanup_close_ int root_fd = -1;
  struct rdt_info info;
  char schemata[8192];
  int r = checked_schemata(g, spec, mount, &root_fd, &info, schemata, sizeof(schemata), err);
  if (r < 0)
    return r;
  _cleanup_close_ int group_fd = open_dir(root_fd, g->group);
  if (group_fd < 0)
    return rdt_error(err, errno, "open resctrl group %s", g->group);
  return schemata[0] != '\0'
             ? write_file(root_fd, group_fd, g->group, "schemata", schemata, O_TRUNC, err)
             : 0;
}

int rdt_group_add(struct berth_rdt *g, int32_t pid, struct berth_error *err) {
  _cleanup_close_ int root_fd = rdt_open_root(g, err);
  if (root_fd < 0)
    return root_fd;
  int r = g->pending ? make_pending(g, root_fd, err) : 0;
  if (r < 0)
    return r;
  _cleanup_close_ int group_fd = open_dir(root_fd, g->group);
  if (group_fd < 0)
    return rdt_error(err, errno, "open resctrl group %s", g->group);
  char text[32];
  snprintf(text, sizeof(text), "%d\n", (int)pid);
  /* The kernel moves a task into a monitoring group only from its parent control group. */
  r = write_file(root_fd, group_fd, g->group, "tasks", text, O_APPEND, err);
  if (r < 0 || g->monitor[0] == '\0')
    return r;
  char path[PATH_MAX];
  snprintf(path, sizeof(path), "mon_groups/%s", g->monitor);
  _cleanup_close_ int mon_fd = openat(group_fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (mon_fd < 0)
    return rdt_error(err, errno, "open resctrl %s/%s", g->group, path);
  snprintf(path, sizeof(path), "%s/mon_groups/%s", g->group, g->monitor);
  return write_file(root_fd, mon_fd, path, "tasks", text, O_APPEND, err);
}

int rdt_group_destroy(struct berth_rdt *g, struct berth_error *err) {
  _cleanup_close_ int root_fd = open(g->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root_fd < 0)
    return errno == ENOENT ? 0 : rdt_error(err, errno, "open resctrl %s", g->root);
  if (g->monitor[0] != '\0') {
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/mon_groups", g->group);
    _cleanup_close_ int mon_fd = openat(root_fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int r = mon_fd >= 0 ? rdt_remove_tree(mon_fd, g->monitor, err) : 0;
    if (r < 0)
      return r;
  }
  /* A group named by closID is shared (other containers, or whoever made it): never ours to
   * remove, as with runc. */
  return g->shared ? 0 : rdt_remove_tree(root_fd, g->group, err);
}

void rdt_group_free(struct berth_rdt *g) {
  if (g != NULL)
    free(g->schemata);
  free(g);
}

int rdt_group_save(struct berth_rdt *g, char **state_json, struct berth_error *err) {
  _cleanup_json_ json_object *o = json_object_new_object();
  json_object_object_add(o, "format", json_object_new_int(1));
  json_object_object_add(o, "root", json_object_new_string(g->root));
  json_object_object_add(o, "group", json_object_new_string(g->group));
  json_object_object_add(o, "shared", json_object_new_boolean(g->shared));
  if (g->monitor[0] != '\0')
    json_object_object_add(o, "monitor", json_object_new_string(g->monitor));
  *state_json = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
  return *state_json != NULL ? 0 : rdt_error(err, ENOMEM, "intelrdt: save");
}

int rdt_group_load(const char *state_json, struct berth_rdt **out, struct berth_error *err) {
  _cleanup_json_ json_object *o = json_tokener_parse(state_json);
  json_object *format = json_get(o, "format");
  if (format == NULL || !json_object_is_type(format, json_type_int) ||
      json_object_get_int(format) != 1)
    return rdt_error(err, 0, "intelrdt: state of unknown format %s",
                     format ? json_object_to_json_string(format) : "(none)");
  json_object *root = json_get(o, "root"), *group = json_get(o, "group");
  json_object *monitor = json_get(o, "monitor");
  if (!json_object_is_type(root, json_type_string) ||
      !json_object_is_type(group, json_type_string) ||
      strchr(json_object_get_string(group), '/') != NULL ||
      (monitor != NULL && (!json_object_is_type(monitor, json_type_string) ||
                           strchr(json_object_get_string(monitor), '/') != NULL)))
    return rdt_error(err, 0, "intelrdt: state without a valid root and group");
  _cleanup_free_ struct berth_rdt *g = calloc(1, sizeof(*g));
  if (g == NULL)
    return rdt_error(err, ENOMEM, "intelrdt: load");
  snprintf(g->root, sizeof(g->root), "%s", json_object_get_string(root));
  snprintf(g->group, sizeof(g->group), "%s", json_object_get_string(group));
  if (monitor != NULL)
    snprintf(g->monitor, sizeof(g->monitor), "%s", json_object_get_string(monitor));
  g->shared = json_object_get_boolean(json_get(o, "shared"));
  *out = steal_pointer(&g);
  return 0;
}
