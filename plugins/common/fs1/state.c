/* SPDX-License-Identifier: Apache-2.0 */
/* save/load: {"paths":{"memory":"/sys/fs/cgroup/memory/...", ..., "unified":"..."}}. The blob
 * comes back from state.json on disk, so load trusts none of it: every path must lie below
 * the mount point of the hierarchy that carries its controller, and is opened from that
 * mount point one component at a time without following symlinks. */
#include <string.h>

#include "fs1.h"
#include "helpers.h"

static int add_paths(json_object *paths, const struct cgroup_dir *d) {
  _cleanup_free_ char *copy = strdup(d->controllers);
  if (copy == NULL)
    return -ENOMEM;
  char *save = NULL;
  for (char *c = strtok_r(copy, ",", &save); c != NULL; c = strtok_r(NULL, ",", &save)) {
    json_object *v = json_object_new_string(d->path);
    if (v == NULL || json_object_object_add(paths, c, v) < 0) {
      json_object_put(v);
      return -ENOMEM;
    }
  }
  return 0;
}

int32_t fs1_save(struct fs1_cgroup *cg, char **state_json, struct berth_error *err) {
  _cleanup_json_ json_object *state = json_object_new_object();
  json_object *paths = json_object_new_object();
  if (state == NULL || paths == NULL || json_object_object_add(state, "paths", paths) < 0) {
    json_object_put(paths);
    return cg_error(err, ENOMEM, "save cgroup state");
  }
  for (size_t i = 0; i < cg->n; i++)
    if (add_paths(paths, &cg->dirs[i]) < 0)
      return cg_error(err, ENOMEM, "save cgroup state");
  if (json_object_object_add(state, "rootless", json_object_new_boolean(cg->rootless)) < 0)
    return cg_error(err, ENOMEM, "save cgroup state");
  const char *text = json_object_to_json_string_ext(state, JSON_C_TO_STRING_PLAIN);
  *state_json = text != NULL ? strdup(text) : NULL;
  if (*state_json == NULL)
    return cg_error(err, ENOMEM, "save cgroup state");
  return 0;
}

static const struct hierarchy *hierarchy_of(const struct hierarchies *hs, const char *key) {
  for (size_t i = 0; i < hs->n; i++)
    if (cgc_has_controller(hs->list[i].controllers, key))
      return &hs->list[i];
  return NULL;
}

static int load_path(struct fs1_cgroup *cg, const struct hierarchies *hs, const char *key,
                     json_object *value, struct berth_error *err) {
  if (!json_object_is_type(value, json_type_string))
    return cg_error(err, EINVAL, "load cgroup state: paths.%s is not a string", key);
  const char *path = json_object_get_string(value);
  const struct hierarchy *h = hierarchy_of(hs, key);
  if (h == NULL) {
    log_warn("cgroup-v1: load: %s is no longer mounted, ignoring %s", key, path);
    return 0;
  }
  const char *rel = cgc_below_mount(path, h->mountpoint);
  if (rel == NULL)
    return cg_error(err, EINVAL, "load cgroup state: %s path \"%s\" is not a clean path below %s",
                    key, path, h->mountpoint);
  for (size_t i = 0; i < cg->n; i++) {
    if (strcmp(cg->dirs[i].controllers, h->controllers) != 0)
      continue;
    if (strcmp(cg->dirs[i].path, path) == 0)
      return 0; /* co-mounted controllers (cpu,cpuacct) share one directory */
    return cg_error(err, EINVAL, "load cgroup state: %s path \"%s\" differs from %s", key, path,
                    cg->dirs[i].path);
  }

  struct cgc_failure f;
  _cleanup_close_ int mountfd = cgc_open_mount(h->mountpoint, h->unified, &f);
  if (mountfd < 0)
    return cgc_raise_failure(err, &f);
  struct cgc_walk w = {.create = false};
  int fd = cgc_walk_path(mountfd, h->mountpoint, rel, &w, &f);
  if (fd < 0 && fd != -ENOENT)
    return cgc_raise_failure(err, &f);
  struct cgroup_dir *d = &cg->dirs[cg->n++];
  d->fd = fd < 0 ? -1 : fd; /* gone already: destroy has nothing to do there */
  d->unified = h->unified;
  d->controllers = strdup(h->controllers);
  d->mountpoint = strdup(h->mountpoint);
  d->path = strdup(path);
  if (d->controllers == NULL || d->mountpoint == NULL || d->path == NULL)
    return cg_error(err, ENOMEM, "load cgroup state");
  return 0;
}

int32_t fs1_load(const char *state_json, struct fs1_cgroup **out, struct berth_error *err) {
  enum json_tokener_error jerr = json_tokener_success;
  _cleanup_json_ json_object *state =
      state_json != NULL ? json_tokener_parse_verbose(state_json, &jerr) : NULL;
  if (state == NULL)
    return cg_error(err, EINVAL, "load cgroup state: %s",
                    state_json == NULL ? "no state" : json_tokener_error_desc(jerr));
  json_object *paths = json_get(state, "paths");
  if (paths == NULL || !json_object_is_type(paths, json_type_object))
    return cg_error(err, EINVAL, "load cgroup state: no \"paths\" object");

  _cleanup_hierarchies_ struct hierarchies hs = {0};
  struct cgc_failure f;
  if (discover_hierarchies(&hs, &f) < 0)
    return cgc_raise_failure(err, &f);
  _cleanup_fs1_ struct fs1_cgroup *cg = fs1_handle_new();
  if (cg == NULL)
    return cg_error(err, ENOMEM, "load cgroup state");
  json_object *rootless = json_get(state, "rootless");
  cg->rootless = rootless != NULL && json_object_get_boolean(rootless);
  json_object_object_foreach(paths, key, value) {
    if (cg->n == MAX_HIERARCHIES)
      return cg_error(err, E2BIG, "load cgroup state: too many paths");
    int r = load_path(cg, &hs, key, value, err);
    if (r < 0)
      return r;
  }
  *out = steal_pointer(&cg);
  return 0;
}
