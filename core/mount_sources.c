/* SPDX-License-Identifier: Apache-2.0 */
#include "mount_sources.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "json_util.h"
#include "log.h"
#include "mount_idmap.h"
#include "mounts.h"
#include "sync.h"

/* mounts[i] is a bind mount with a source of its own (what mount_by_type binds from it). */
static bool own_bind_source(json_object *mounts, size_t i) {
  json_object *m = json_object_array_get_idx(mounts, i);
  const char *source = json_get_str(m, "source");
  return source != NULL && *source != '\0' && berth_mount_is_bind(m);
}

static bool has_user_namespace(json_object *spec) {
  bool userns = false;
  json_object *namespaces = json_get_array(json_get(spec, "linux"), "namespaces");
  for (size_t i = 0; namespaces != NULL && i < json_object_array_length(namespaces); i++) {
    const char *type = json_get_str(json_object_array_get_idx(namespaces, i), "type");
    userns = userns || (type != NULL && strcmp(type, "user") == 0);
  }
  return userns;
}

/* {"index": i, "error": why}: why the runtime could not make mounts[i]. */
static json_object *error_entry(size_t i, const char *why) {
  json_object *e = json_object_new_object();
  json_object_object_add(e, "index", json_object_new_int64((int64_t)i));
  json_object_object_add(e, "error", json_object_new_string(why != NULL ? why : "?"));
  return e;
}

bool berth_mount_sources_wanted(json_object *spec) {
  bool userns = has_user_namespace(spec);
  json_object *mounts = json_get_array(spec, "mounts");
  for (size_t i = 0; mounts != NULL && i < json_object_array_length(mounts); i++)
    if ((userns && own_bind_source(mounts, i)) ||
        berth_mount_idmapped(json_object_array_get_idx(mounts, i)))
      return true;
  return false;
}

/* Id-mapped entries: the user namespace of each one's mapping (its own, or the container's),
 * made before we join the init's mount namespace, where /proc may no longer be ours. */
static void make_mapping_namespaces(json_object *mounts, size_t n, int container_userns,
                                    int *userns, json_object *errors) {
  for (size_t i = 0; i < n; i++) {
    json_object *mount = json_object_array_get_idx(mounts, i);
    userns[i] = -1;
    if (!berth_mount_idmapped(mount))
      continue;
    _cleanup_error_ struct berth_error err = {0};
    int fd = berth_idmap_userns(mount, &err);
    if (fd == -ENOENT && container_userns >= 0)
      fd = fcntl(container_userns, F_DUPFD_CLOEXEC, 3);
    if (fd == -ENOENT || (fd < 0 && err.msg == NULL))
      berth_error(&err, fd == -ENOENT ? 0 : errno, "the container's user namespace");
    if (fd < 0)
      json_object_array_add(errors, error_entry(i, err.msg));
    userns[i] = fd;
  }
}

/* The helper, in the init's mount namespace: one message naming the entries, then their fds.
 * A source that cannot be opened is left to the init, whose error names the mount; an
 * id-mapped one the init cannot make, so the message carries why it failed. */
static int open_and_send(json_object *spec, const char *bundle, int ns, int ns_errno,
                         int container_userns, int sync_fd) {
  json_object *mounts = json_get_array(spec, "mounts");
  size_t n = mounts != NULL ? json_object_array_length(mounts) : 0;
  _cleanup_free_ int *fds = calloc(n + 1, sizeof(int));
  _cleanup_free_ int *userns = calloc(n + 1, sizeof(int));
  _cleanup_json_ json_object *msg = json_object_new_object();
  json_object *indexes = json_object_new_array();
  json_object *errors = json_object_new_array();
  json_object_object_add(msg, "type", json_object_new_string("mount-sources"));
  json_object_object_add(msg, "indexes", indexes);
  json_object_object_add(msg, "errors", errors);
  size_t count = 0;
  if (userns != NULL)
    make_mapping_namespaces(mounts, n, container_userns, userns, errors);
  const char *failed = ns < 0                          ? "open the init's mount namespace"
                       : setns(ns, CLONE_NEWNS) < 0    ? "join the init's mount namespace"
                       : chdir(bundle) < 0             ? "enter the bundle"
                       : fds == NULL || userns == NULL ? "allocate"
                                                       : NULL;
  if (ns < 0)
    errno = ns_errno; /* why the runtime could not open it, not what the fork left */
  if (failed != NULL) {
    char why[256];
    snprintf(why, sizeof(why), "%s: %s", failed, strerror(errno));
    json_object_object_add(msg, "error", json_object_new_string(why));
  }
  for (size_t i = 0; failed == NULL && i < n; i++) {
    json_object *mount = json_object_array_get_idx(mounts, i);
    if (!own_bind_source(mounts, i))
      continue;
    _cleanup_error_ struct berth_error err = {0};
    int fd = !berth_mount_idmapped(mount) ? open(json_get_str(mount, "source"), O_PATH | O_CLOEXEC)
             : userns[i] >= 0             ? berth_idmap_tree(mount, userns[i], &err)
                                          : -1;
    if (err.msg != NULL)
      json_object_array_add(errors, error_entry(i, err.msg));
    if (fd < 0)
      continue;
    fds[count++] = fd;
    json_object_array_add(indexes, json_object_new_int64((int64_t)i));
  }
  if (berth_sync_send(sync_fd, msg, NULL) < 0 || berth_sync_send_fds(sync_fd, fds, count) < 0)
    return -1;
  return 0;
}

int berth_mount_sources_send(json_object *spec, const char *bundle, pid_t init_pid, int sync_fd,
                             struct berth_error *err) {
  char path[64];
  snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)init_pid);
  /* The init waits for our answer: its pid is still its own. Its user namespace holds the
   * container's mappings, for idmap without mappings of its own. */
  _cleanup_close_ int userns = has_user_namespace(spec) ? open(path, O_RDONLY | O_CLOEXEC) : -1;
  snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)init_pid);
  _cleanup_close_ int ns = open(path, O_RDONLY | O_CLOEXEC);
  int ns_errno = errno;
  /* A helper joins the namespace: setns() would move our own root and cwd (and refuses a
   * process that shares them with a thread). */
  pid_t helper = fork();
  if (helper < 0)
    return berth_error(err, errno, "fork to open the bind mount sources");
  if (helper == 0)
    _exit(open_and_send(spec, bundle, ns, ns_errno, userns, sync_fd) < 0 ? 1 : 0);
  int status = 0;
  while (waitpid(helper, &status, 0) < 0)
    if (errno != EINTR)
      return berth_error(err, errno, "wait for the helper that opens the bind mount sources");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return berth_error(err, 0, "pass the bind mount sources to init: it is gone");
  return 0;
}

int berth_mount_sources_receive(int sync_fd, json_object *spec, struct berth_mount_sources *out,
                                struct berth_error *err) {
  json_object *mounts = json_get_array(spec, "mounts");
  out->n = mounts != NULL ? json_object_array_length(mounts) : 0;
  out->fds = malloc((out->n + 1) * sizeof(int));
  out->errors = calloc(out->n + 1, sizeof(char *));
  if (out->fds == NULL || out->errors == NULL)
    return berth_error(err, ENOMEM, "bind mount sources");
  for (size_t i = 0; i < out->n; i++)
    out->fds[i] = -1;
  _cleanup_json_ json_object *reply = NULL;
  int r = berth_sync_send_type(sync_fd, "mount-sources", err);
  if (r == 0 && (r = berth_sync_recv(sync_fd, &reply, err)) == -ECONNRESET)
    r = berth_error(err, 0, "parent gone while opening the bind mount sources");
  if (r < 0)
    return r;
  const char *why = json_get_str(reply, "error");
  if (why != NULL) /* an unprivileged runtime may not join: then we open them ourselves */
    berth_log(BERTH_LOG_DEBUG, "bind mount sources not opened by the runtime: %s", why);
  if (why != NULL && (out->error = strdup(why)) == NULL)
    return berth_error(err, ENOMEM, "bind mount sources");
  json_object *errors = json_get_array(reply, "errors");
  for (size_t k = 0; errors != NULL && k < json_object_array_length(errors); k++) {
    json_object *e = json_object_array_get_idx(errors, k);
    int64_t i = json_get_int(e, "index", -1);
    const char *what = json_get_str(e, "error");
    if (i < 0 || (size_t)i >= out->n || what == NULL || out->errors[i] != NULL)
      continue;
    if ((out->errors[i] = strdup(what)) == NULL)
      return berth_error(err, ENOMEM, "bind mount sources");
  }
  json_object *indexes = json_get_array(reply, "indexes");
  size_t count = indexes != NULL ? json_object_array_length(indexes) : 0;
  if (count > out->n)
    return berth_error(err, EPROTO, "bind mount sources: %zu for %zu mounts", count, out->n);
  _cleanup_free_ int *fds = malloc((count + 1) * sizeof(int));
  if (fds == NULL)
    return berth_error(err, ENOMEM, "bind mount sources");
  if ((r = berth_sync_recv_fds(sync_fd, fds, count)) < 0)
    return berth_error(err, -r, "receive the bind mount sources");
  for (size_t k = 0; k < count; k++) {
    json_object *index = json_object_array_get_idx(indexes, k);
    int64_t i = json_object_is_type(index, json_type_int) ? json_object_get_int64(index) : -1;
    if (i < 0 || (size_t)i >= out->n || out->fds[i] >= 0) {
      close(fds[k]);
      continue;
    }
    out->fds[i] = fds[k];
  }
  return 0;
}

void berth_mount_sources_close(struct berth_mount_sources *s) {
  for (size_t i = 0; i < s->n; i++) {
    if (s->fds != NULL && s->fds[i] >= 0)
      close(s->fds[i]);
    if (s->errors != NULL)
      free(s->errors[i]);
  }
  free(s->fds);
  free(s->errors);
  free(s->error);
  s->fds = NULL;
  s->errors = NULL;
  s->error = NULL;
  s->n = 0;
}
