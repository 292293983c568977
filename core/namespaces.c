/* SPDX-License-Identifier: Apache-2.0 */
#include "namespaces.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "json_util.h"
#include "spec.h"
#include "util.h"

static int add_join(struct berth_namespaces *ns, const char *path, int flag,
                    struct berth_error *err) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return berth_error(err, errno, "open namespace %s", path);
  if (flag == CLONE_NEWUSER && ns->join_count > 0) {
    /* The user namespace is joined before the others. */
    memmove(&ns->join_fds[1], &ns->join_fds[0], sizeof(int) * (size_t)ns->join_count);
    memmove(&ns->join_flags[1], &ns->join_flags[0], sizeof(int) * (size_t)ns->join_count);
    ns->join_fds[0] = fd;
    ns->join_flags[0] = flag;
  } else {
    ns->join_fds[ns->join_count] = fd;
    ns->join_flags[ns->join_count] = flag;
  }
  ns->join_count++;
  return 0;
}

int berth_namespaces_open(json_object *spec, struct berth_namespaces *ns, struct berth_error *err) {
  memset(ns, 0, sizeof(*ns));
  json_object *list = json_get_array(json_get(spec, "linux"), "namespaces");
  for (size_t i = 0; list != NULL && i < json_object_array_length(list); i++) {
    json_object *entry = json_object_array_get_idx(list, i);
    int flag = berth_namespace_flag(json_get_str(entry, "type"));
    const char *path = json_get_str(entry, "path");
    if (path == NULL || *path == '\0') {
      ns->new_flags |= flag;
      continue;
    }
    int r = add_join(ns, path, flag, err);
    if (r < 0) {
      berth_namespaces_close(ns);
      return berth_error_prefix(err, "linux.namespaces[%zu]", i);
    }
  }
  return 0;
}

void berth_namespaces_close(struct berth_namespaces *ns) {
  for (int i = 0; i < ns->join_count; i++)
    close(ns->join_fds[i]);
  ns->join_count = 0;
}

bool berth_spec_has_new_namespace(json_object *spec, int flag) {
  json_object *list = json_get_array(json_get(spec, "linux"), "namespaces");
  for (size_t i = 0; list != NULL && i < json_object_array_length(list); i++) {
    json_object *entry = json_object_array_get_idx(list, i);
    const char *path = json_get_str(entry, "path");
    if (berth_namespace_flag(json_get_str(entry, "type")) == flag && (path == NULL || !*path))
      return true;
  }
  return false;
}

int berth_write_id_map(pid_t pid, const char *file, json_object *maps, struct berth_error *err) {
  char text[4096] = "", path[64];
  size_t used = 0;
  for (size_t i = 0; maps != NULL && i < json_object_array_length(maps); i++) {
    json_object *m = json_object_array_get_idx(maps, i);
    int n =
        snprintf(text + used, sizeof(text) - used, "%lld %lld %lld\n",
                 (long long)json_get_int(m, "containerID", 0),
                 (long long)json_get_int(m, "hostID", 0), (long long)json_get_int(m, "size", 0));
    if (n < 0 || (size_t)n >= sizeof(text) - used)
      return berth_error(err, E2BIG, "write %s", file);
    used += (size_t)n;
  }
  snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
  return write_file_at(AT_FDCWD, path, text, err);
}

/* An unprivileged user may write one mapping of its own id, nothing more. */
static bool own_id_only(json_object *maps, unsigned own) {
  if (maps == NULL || json_object_array_length(maps) != 1)
    return false;
  json_object *m = json_object_array_get_idx(maps, 0);
  return json_get_int(m, "hostID", -1) == own && json_get_int(m, "size", 0) == 1;
}

/* newuidmap/newgidmap (setuid, from shadow's uidmap) write what /etc/subuid allows. */
static int run_id_helper(const char *helper, pid_t pid, json_object *maps,
                         struct berth_error *err) {
  /* On the heap: the number of mappings comes from the config (spec.c bounds it at 340). */
  size_t n = maps != NULL ? json_object_array_length(maps) : 0;
  _cleanup_free_ char **argv = calloc(3 + 3 * n, sizeof(char *));
  _cleanup_free_ char(*numbers)[24] = calloc(1 + 3 * n, sizeof(*numbers));
  if (argv == NULL || numbers == NULL)
    return berth_error(err, ENOMEM, "run %s", helper);
  argv[0] = (char *)helper;
  snprintf(numbers[0], sizeof(numbers[0]), "%d", (int)pid);
  argv[1] = numbers[0];
  static const char *const keys[] = {"containerID", "hostID", "size"};
  for (size_t i = 0; i < 3 * n; i++) {
    json_object *m = json_object_array_get_idx(maps, i / 3);
    snprintf(numbers[1 + i], sizeof(numbers[1 + i]), "%lld",
             (long long)json_get_int(m, keys[i % 3], 0));
    argv[2 + i] = numbers[1 + i];
  }
  argv[2 + 3 * n] = NULL;
  pid_t child = fork();
  if (child < 0)
    return berth_error(err, errno, "fork %s", helper);
  if (child == 0) {
    execvp(helper, argv);
    _exit(127);
  }
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR)
    ;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return berth_error(err, 0,
                       "%s %d failed (exit %d): is %s installed (package uidmap) and "
                       "does /etc/sub%cid allow the mappings?",
                       helper, (int)pid, WIFEXITED(status) ? WEXITSTATUS(status) : -1, helper,
                       helper[3] == 'u' ? 'u' : 'g');
  return 0;
}

int berth_write_id_maps(pid_t pid, json_object *spec, struct berth_error *err) {
  json_object *linux_obj = json_get(spec, "linux");
  json_object *uids = json_get_array(linux_obj, "uidMappings");
  json_object *gids = json_get_array(linux_obj, "gidMappings");
  int r;
  if (geteuid() == 0) {
    r = berth_write_id_map(pid, "uid_map", uids, err);
    if (r == 0)
      r = berth_write_id_map(pid, "gid_map", gids, err);
  } else if (own_id_only(uids, geteuid()) && own_id_only(gids, getegid())) {
    /* Without CAP_SETGID in our namespace the kernel wants setgroups denied first. */
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/setgroups", (int)pid);
    r = write_file_at(AT_FDCWD, path, "deny", err);
    if (r == 0)
      r = berth_write_id_map(pid, "uid_map", uids, err);
    if (r == 0)
      r = berth_write_id_map(pid, "gid_map", gids, err);
  } else {
    r = run_id_helper("newuidmap", pid, uids, err);
    if (r == 0)
      r = run_id_helper("newgidmap", pid, gids, err);
  }
  return r < 0 ? berth_error_prefix(err, "user namespace") : 0;
}

int berth_write_time_offsets(json_object *spec, struct berth_error *err) {
  json_object *offsets = json_get(json_get(spec, "linux"), "timeOffsets");
  char text[256] = "";
  size_t used = 0;
  static const char *const clocks[] = {"monotonic", "boottime"};
  for (size_t i = 0; offsets != NULL && i < 2; i++) {
    json_object *o = json_get(offsets, clocks[i]);
    if (o == NULL)
      continue;
    int n =
        snprintf(text + used, sizeof(text) - used, "%s %lld %lld\n", clocks[i],
                 (long long)json_get_int(o, "secs", 0), (long long)json_get_int(o, "nanosecs", 0));
    if (n > 0 && (size_t)n < sizeof(text) - used)
      used += (size_t)n;
  }
  if (used == 0)
    return 0;
  int r = write_file_at(AT_FDCWD, "/proc/self/timens_offsets", text, err);
  return r < 0 ? berth_error_prefix(err, "linux.timeOffsets") : 0;
}
