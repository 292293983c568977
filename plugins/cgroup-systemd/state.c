/* SPDX-License-Identifier: Apache-2.0 */
/* save/load: {"unit":"berth-c1.scope","slice":"system.slice","path":"/sys/fs/cgroup/...",
 * "cgroup":"/system.slice/berth-c1.scope","layout":"v2","rootless":false,"id":"c1",
 * "fs":{...the fs core's own state...}}. The blob comes back from state.json on disk: names are
 * checked with systemd's rules again, and the fs core checks its paths itself. */
#include <string.h>

#include "helpers.h"
#include "sd.h"

static int add_string(json_object *o, const char *key, const char *value) {
  if (value == NULL)
    return 0;
  json_object *v = json_object_new_string(value);
  if (v == NULL || json_object_object_add(o, key, v) < 0) {
    json_object_put(v);
    return -ENOMEM;
  }
  return 0;
}

static int add_fs_state(struct berth_cgroup *cg, json_object *state, struct berth_error *err) {
  _cleanup_free_ char *text = NULL;
  int r = 0;
  if (cg->v2 != NULL)
    r = fs2_save(cg->v2, &text, err);
  else if (cg->v1 != NULL)
    r = fs1_save(cg->v1, &text, err);
  if (r < 0 || text == NULL)
    return r;
  json_object *fs = json_tokener_parse(text);
  if (fs == NULL || json_object_object_add(state, "fs", fs) < 0) {
    json_object_put(fs);
    return cg_error(err, ENOMEM, "save unit %s", cg->names.unit);
  }
  return 0;
}

int32_t cgsd_save(struct berth_cgroup *cg, char **state_json, struct berth_error *err) {
  _cleanup_json_ json_object *state = json_object_new_object();
  if (state == NULL || add_string(state, "unit", cg->names.unit) < 0 ||
      add_string(state, "slice", cg->names.slice) < 0 || add_string(state, "path", cg->path) < 0 ||
      add_string(state, "cgroup", cg->cgroup) < 0 ||
      add_string(state, "layout", cg->unified ? "v2" : "v1") < 0 ||
      add_string(state, "id", cg->id) < 0 ||
      json_object_object_add(state, "rootless", json_object_new_boolean(cg->rootless)) < 0)
    return cg_error(err, ENOMEM, "save unit %s", cg->names.unit);
  int r = add_fs_state(cg, state, err);
  if (r < 0)
    return r;
  const char *text = json_object_to_json_string_ext(state, JSON_C_TO_STRING_PLAIN);
  *state_json = text != NULL ? strdup(text) : NULL;
  if (*state_json == NULL)
    return cg_error(err, ENOMEM, "save unit %s", cg->names.unit);
  return 0;
}

static int get_string(json_object *state, const char *key, bool required, const char **out,
                      struct berth_error *err) {
  json_object *v = json_get(state, key);
  *out = NULL;
  if (v == NULL && !required)
    return 0;
  if (v == NULL || !json_object_is_type(v, json_type_string))
    return cg_error(err, EINVAL, "load cgroup state: \"%s\" is %s", key,
                    v == NULL ? "missing" : "not a string");
  *out = json_object_get_string(v);
  return 0;
}

static int load_names(struct berth_cgroup *cg, json_object *state, struct berth_error *err) {
  const char *unit, *slice;
  int r;
  if ((r = get_string(state, "unit", true, &unit, err)) < 0 ||
      (r = get_string(state, "slice", true, &slice, err)) < 0)
    return r;
  bool is_slice = str_ends_with(unit, ".slice");
  if (!(is_slice ? slice_name_valid(unit) : unit_name_valid(unit, ".scope")) ||
      !slice_name_valid(slice))
    return cg_error(err, EINVAL, "load cgroup state: \"%s\" in \"%s\" is not a valid unit", unit,
                    slice);
  snprintf(cg->names.unit, sizeof(cg->names.unit), "%s", unit);
  snprintf(cg->names.slice, sizeof(cg->names.slice), "%s", slice);
  cg->names.is_slice = is_slice;
  return 0;
}

static int load_fields(struct berth_cgroup *cg, json_object *state, struct berth_error *err) {
  const char *layout, *path, *cgroup, *id;
  int r;
  if ((r = get_string(state, "layout", true, &layout, err)) < 0 ||
      (r = get_string(state, "path", false, &path, err)) < 0 ||
      (r = get_string(state, "cgroup", false, &cgroup, err)) < 0 ||
      (r = get_string(state, "id", false, &id, err)) < 0)
    return r;
  if (strcmp(layout, "v1") != 0 && strcmp(layout, "v2") != 0)
    return cg_error(err, EINVAL, "load cgroup state: layout \"%s\" is neither v1 nor v2", layout);
  cg->unified = strcmp(layout, "v2") == 0;
  if (cg->unified != unified_host())
    return cg_error(err, EINVAL,
                    "load cgroup state: unit %s was made on a cgroup %s host, this one is %s",
                    cg->names.unit, layout, cg->unified ? "v1" : "v2");
  json_object *rootless = json_get(state, "rootless");
  cg->rootless = rootless != NULL && json_object_get_boolean(rootless);
  cg->path = path != NULL ? strdup(path) : NULL;
  cg->cgroup = cgroup != NULL ? strdup(cgroup) : NULL;
  cg->id = strdup(id != NULL ? id : "");
  if ((path != NULL && cg->path == NULL) || (cgroup != NULL && cg->cgroup == NULL) ||
      cg->id == NULL)
    return cg_error(err, ENOMEM, "load cgroup state");
  return 0;
}

static int load_fs(struct berth_cgroup *cg, json_object *state, struct berth_error *err) {
  json_object *fs = json_get(state, "fs");
  if (fs == NULL)
    return 0; /* saved before the unit ran: nothing of the fs core's */
  if (!json_object_is_type(fs, json_type_object))
    return cg_error(err, EINVAL, "load cgroup state: \"fs\" is not an object");
  const char *text = json_object_to_json_string_ext(fs, JSON_C_TO_STRING_PLAIN);
  return cg->unified ? fs2_load(text, &cg->v2, err) : fs1_load(text, &cg->v1, err);
}

int32_t cgsd_load(const char *state_json, struct berth_cgroup **out, struct berth_error *err) {
  _cleanup_json_ json_object *state = NULL;
  int r = cgc_parse_object(state_json, "load cgroup state", &state, err);
  if (r < 0)
    return r;
  if (state == NULL)
    return cg_error(err, EINVAL, "load cgroup state: no state");
  _cleanup_handle_ struct berth_cgroup *cg = handle_new();
  if (cg == NULL)
    return cg_error(err, ENOMEM, "load cgroup state");
  if ((r = load_names(cg, state, err)) < 0 || (r = load_fields(cg, state, err)) < 0 ||
      (r = load_fs(cg, state, err)) < 0)
    return r;
  cg->started = true; /* state.json is written after enter: the unit is (or was) ours */
  *out = steal_pointer(&cg);
  return 0;
}
