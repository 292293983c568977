/* SPDX-License-Identifier: Apache-2.0 */
/* save/load: {"path":"/sys/fs/cgroup/...","rootless":false,"bpf_prog_id":42}. The blob
 * comes back from state.json on disk, so load trusts none of it: the path must be clean and
 * lie below today's cgroup2 mount, and is opened from that mount point one component at a
 * time without following symlinks. */
#include <string.h>

#include "fs2.h"
#include "helpers.h"

int32_t fs2_save(struct fs2_cgroup *cg, char **state_json, struct berth_error *err) {
  _cleanup_json_ json_object *state = json_object_new_object();
  if (state == NULL ||
      json_object_object_add(state, "path", json_object_new_string(cg->path)) < 0 ||
      json_object_object_add(state, "rootless", json_object_new_boolean(cg->rootless)) < 0)
    return cg_error(err, ENOMEM, "save cgroup state");
  if (cg->bpf_prog_id != 0 &&
      json_object_object_add(state, "bpf_prog_id", json_object_new_int64(cg->bpf_prog_id)) < 0)
    return cg_error(err, ENOMEM, "save cgroup state");
  const char *text = json_object_to_json_string_ext(state, JSON_C_TO_STRING_PLAIN |
                                                               JSON_C_TO_STRING_NOSLASHESCAPE);
  *state_json = text != NULL ? strdup(text) : NULL;
  if (*state_json == NULL)
    return cg_error(err, ENOMEM, "save cgroup state");
  return 0;
}

static int parse_state(const char *state_json, json_object **out, const char **path,
                       struct berth_error *err) {
  enum json_tokener_error jerr = json_tokener_success;
  json_object *state = state_json != NULL ? json_tokener_parse_verbose(state_json, &jerr) : NULL;
  *out = state;
  if (state == NULL)
    return cg_error(err, EINVAL, "load cgroup state: %s",
                    state_json == NULL ? "no state" : json_tokener_error_desc(jerr));
  json_object *p = json_get(state, "path");
  if (p == NULL || !json_object_is_type(p, json_type_string))
    return cg_error(err, EINVAL, "load cgroup state: no \"path\" string");
  *path = json_object_get_string(p);
  json_object *id = json_get(state, "bpf_prog_id");
  if (id != NULL && (!json_object_is_type(id, json_type_int) || json_object_get_int64(id) < 0 ||
                     json_object_get_int64(id) > UINT32_MAX))
    return cg_error(err, EINVAL, "load cgroup state: bpf_prog_id is not a program id");
  json_object *rootless = json_get(state, "rootless");
  if (rootless != NULL && !json_object_is_type(rootless, json_type_boolean))
    return cg_error(err, EINVAL, "load cgroup state: rootless is not a boolean");
  return 0;
}

int32_t fs2_load(const char *state_json, struct fs2_cgroup **out, struct berth_error *err) {
  _cleanup_json_ json_object *state = NULL;
  const char *path = NULL;
  int r = parse_state(state_json, &state, &path, err);
  if (r < 0 || path == NULL)
    return r < 0 ? r : -EINVAL;

  _cleanup_unified_ struct unified u = {0};
  struct cgc_failure f = {0};
  if (discover_unified(&u, &f) < 0)
    return cgc_raise_failure(err, &f);
  const char *rel = cgc_below_mount(path, u.mountpoint);
  if (rel == NULL)
    return cg_error(err, EINVAL, "load cgroup state: path \"%s\" is not a clean path below %s",
                    path, u.mountpoint);

  _cleanup_fs2_ struct fs2_cgroup *cg = fs2_handle_new();
  if (cg == NULL || (cg->mountpoint = strdup(u.mountpoint)) == NULL ||
      (cg->path = strdup(path)) == NULL)
    return cg_error(err, ENOMEM, "load cgroup state");
  json_object *rootless = json_get(state, "rootless"), *id = json_get(state, "bpf_prog_id");
  cg->rootless = rootless != NULL && json_object_get_boolean(rootless);
  cg->bpf_prog_id = id != NULL ? (uint32_t)json_object_get_int64(id) : 0;

  _cleanup_close_ int mountfd = cgc_open_mount(u.mountpoint, true, &f);
  if (mountfd < 0)
    return cgc_raise_failure(err, &f);
  struct cgc_walk w = {.create = false};
  int fd = cgc_walk_path(mountfd, u.mountpoint, rel, &w, &f);
  if (fd < 0 && fd != -ENOENT)
    return cgc_raise_failure(err, &f);
  cg->fd = fd; /* -ENOENT: gone already, destroy has nothing to do */
  if (cg->fd < 0)
    cg->fd = -1;
  *out = steal_pointer(&cg);
  return 0;
}
