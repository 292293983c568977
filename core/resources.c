/* SPDX-License-Identifier: Apache-2.0 */
#include "resources.h"

#include <errno.h>
#include <string.h>

#include "cgroup.h"
#include "cleanup.h"
#include "json_util.h"
#include "spec.h"

/* Objects merge key by key (update --memory keeps the cpu limits); anything else replaces. */
static void merge(json_object *into, json_object *delta) {
  json_object_object_foreach(delta, key, value) {
    json_object *old = json_get(into, key);
    if (old != NULL && json_object_is_type(old, json_type_object) &&
        json_object_is_type(value, json_type_object) && strcmp(key, "unified") != 0)
      merge(old, value);
    else
      json_object_object_add(into, key, json_object_get(value));
  }
}

static json_object *linux_resources(json_object *spec) {
  json_object *linux_obj = json_get(spec, "linux");
  json_object *res = json_get(linux_obj, "resources");
  if (res == NULL) {
    res = json_object_new_object();
    json_object_object_add(linux_obj, "resources", res);
  }
  return res;
}

/* The memory limit and memory+swap reach the plugin together, as runc's update sets both from
 * the merged config: v2 and systemd write swap as memory+swap minus the limit, which a lone
 * --memory-swap could not compute and a lone --memory would leave stale. */
static void pair_memory(json_object *apply, json_object *spec) {
  json_object *delta = json_get(apply, "memory");
  if (delta == NULL || (json_get(delta, "limit") == NULL && json_get(delta, "swap") == NULL))
    return;
  json_object *merged = json_get(linux_resources(spec), "memory");
  static const char *const keys[] = {"limit", "swap"};
  for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
    json_object *saved = json_get(merged, keys[i]);
    if (saved != NULL && json_get(delta, keys[i]) == NULL)
      json_object_object_add(delta, keys[i], json_object_get(saved));
  }
}

int berth_container_update_rdt(struct berth_container *c, json_object *delta,
                               struct berth_error *err) {
  if (berth_container_status(c) == BERTH_STOPPED)
    return berth_error(err, 0, "update %s: the container is stopped", c->id);
  json_object *spec = NULL;
  if (json_object_deep_copy(c->spec, &spec, NULL) < 0)
    return berth_error(err, ENOMEM, "update %s", c->id);
  _cleanup_json_ json_object *owned = spec;
  json_object *intel_rdt = json_path(spec, "linux", "intelRdt", NULL);
  if (intel_rdt == NULL || c->rdt.plugin == NULL)
    return berth_error(err, 0, "update %s: the container has no linux.intelRdt", c->id);
  json_object_object_foreach(delta, key, value) {
    json_object_object_add(intel_rdt, key, json_object_get(value));
  }
  int r = berth_rdt_update(&c->rdt, intel_rdt, err);
  if (r < 0)
    return berth_error_prefix(err, "update %s", c->id);
  json_object_object_add(c->state, "config", json_object_get(spec));
  c->spec = spec;
  return berth_state_write(c->dir_fd, c->state, err);
}

int berth_container_update(struct berth_container *c, json_object *delta, struct berth_error *err) {
  if (c->cg.plugin == NULL)
    return berth_error(err, 0, "update %s: the container has no cgroup (cgroup driver \"%s\")",
                       c->id, c->cg.driver);
  enum berth_status s = berth_container_status(c);
  if (s == BERTH_STOPPED)
    return berth_error(err, 0, "update %s: the container is stopped", c->id);
  /* Validate the merged config as create would have. */
  json_object *spec = NULL;
  if (json_object_deep_copy(c->spec, &spec, NULL) < 0)
    return berth_error(err, ENOMEM, "update %s", c->id);
  _cleanup_json_ json_object *owned = spec;
  merge(linux_resources(spec), delta);
  int r = berth_spec_validate(spec, err);
  if (r < 0)
    return berth_error_prefix(err, "update %s", c->id);
  /* Device rules go in whole, completed with the defaults, as at create. */
  _cleanup_json_ json_object *apply = NULL;
  json_object_deep_copy(delta, &apply, NULL);
  pair_memory(apply, spec);
  if (json_get(delta, "devices") != NULL) {
    _cleanup_json_ json_object *full = berth_cgroup_resources(spec);
    json_object_object_add(apply, "devices", json_object_get(json_get(full, "devices")));
  }
  r = berth_cgroup_apply(&c->cg, apply, err);
  if (r < 0)
    return berth_error_prefix(err, "update %s", c->id);
  json_object_object_add(c->state, "config", json_object_get(spec));
  c->spec = spec;
  return berth_state_write(c->dir_fd, c->state, err);
}
