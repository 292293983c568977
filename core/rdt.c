/* SPDX-License-Identifier: Apache-2.0 */
#include "rdt.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

#include "cleanup.h"
#include "json_util.h"
#include "plugin_crash.h"
#include "plugin_loader.h"

int berth_rdt_select(json_object *spec, struct berth_rdt_backend *rdt, struct berth_error *err) {
  rdt->plugin = NULL;
  rdt->handle = NULL;
  if (json_get(json_get(spec, "linux"), "intelRdt") == NULL)
    return 0;
  int r = berth_plugin_load(BERTH_RDT_PLUGIN, BERTH_PLUGIN_KIND_RDT, &rdt->plugin, err);
  return r < 0 ? berth_error_prefix(err, "linux.intelRdt") : 0;
}

int berth_rdt_create(struct berth_rdt_backend *rdt, const char *id, json_object *spec,
                     struct berth_error *err) {
  if (rdt->plugin == NULL)
    return 0;
  json_object *intel_rdt = json_get(json_get(spec, "linux"), "intelRdt");
  struct berth_rdt_request req = {
      .struct_size = sizeof(req),
      .container_id = id,
      .intel_rdt_json = json_object_to_json_string_ext(intel_rdt, JSON_C_TO_STRING_PLAIN),
  };
  int r = PLUGIN_CALL(rdt->plugin, create, rdt->plugin->rdt->create(&req, &rdt->handle, err));
  return r < 0 ? berth_error_prefix(err, "linux.intelRdt") : 0;
}

int berth_rdt_save(struct berth_rdt_backend *rdt, json_object **out, struct berth_error *err) {
  *out = NULL;
  if (rdt->plugin == NULL || rdt->handle == NULL)
    return 0;
  _cleanup_free_ char *blob = NULL;
  int r = PLUGIN_CALL(rdt->plugin, save, rdt->plugin->rdt->save(rdt->handle, &blob, err));
  if (r < 0)
    return berth_error_prefix(err, "plugin %s: save", rdt->plugin->name);
  json_object *o = json_object_new_object();
  json_object_object_add(o, "plugin", json_object_new_string(rdt->plugin->name));
  json_object_object_add(o, "plugin_version", json_object_new_string(rdt->plugin->version));
  json_object_object_add(o, "state", json_object_new_string(blob));
  *out = o;
  return 0;
}

int berth_rdt_load(json_object *saved, struct berth_rdt_backend *rdt, struct berth_error *err) {
  rdt->plugin = NULL;
  rdt->handle = NULL;
  if (saved == NULL)
    return 0;
  const char *name = json_get_str(saved, "plugin");
  const char *blob = json_get_str(saved, "state");
  if (name == NULL || blob == NULL)
    return berth_error(err, 0, "intel_rdt: plugin or state missing");
  int r = berth_plugin_load(name, BERTH_PLUGIN_KIND_RDT, &rdt->plugin, err);
  if (r < 0 ||
      (r = PLUGIN_CALL(rdt->plugin, load, rdt->plugin->rdt->load(blob, &rdt->handle, err))) < 0)
    return berth_error_prefix(err, "intel_rdt: plugin %s", name);
  return 0;
}

int berth_rdt_add(struct berth_rdt_backend *rdt, pid_t pid, struct berth_error *err) {
  if (rdt == NULL || rdt->plugin == NULL || rdt->handle == NULL)
    return 0;
  int r = PLUGIN_CALL(rdt->plugin, add, rdt->plugin->rdt->add(rdt->handle, pid, err));
  return r < 0 ? berth_error_prefix(err, "linux.intelRdt: add pid %d", (int)pid) : 0;
}

int berth_rdt_stats(struct berth_rdt_backend *rdt, char **json, struct berth_error *err) {
  *json = NULL;
  if (rdt->plugin == NULL || rdt->handle == NULL || rdt->plugin->rdt->stats == NULL)
    return 0;
  int r = PLUGIN_CALL(rdt->plugin, stats, rdt->plugin->rdt->stats(rdt->handle, json, err));
  return r < 0 ? berth_error_prefix(err, "intel_rdt stats") : 0;
}

int berth_rdt_update(struct berth_rdt_backend *rdt, json_object *intel_rdt,
                     struct berth_error *err) {
  const struct berth_rdt_ops *ops = rdt->plugin != NULL ? rdt->plugin->rdt : NULL;
  if (ops == NULL || rdt->handle == NULL)
    return berth_error(err, 0, "the container has no linux.intelRdt");
  if (ops->struct_size < offsetof(struct berth_rdt_ops, update) + sizeof(ops->update) ||
      ops->update == NULL)
    return berth_error(err, 0, "plugin %s cannot update linux.intelRdt", rdt->plugin->name);
  int r = PLUGIN_CALL(rdt->plugin, update,
                      ops->update(rdt->handle,
                                  json_object_to_json_string_ext(intel_rdt, JSON_C_TO_STRING_PLAIN),
                                  err));
  return r < 0 ? berth_error_prefix(err, "linux.intelRdt") : 0;
}

int berth_rdt_destroy(struct berth_rdt_backend *rdt, struct berth_error *err) {
  if (rdt->plugin == NULL || rdt->handle == NULL)
    return 0;
  int r = PLUGIN_CALL(rdt->plugin, destroy, rdt->plugin->rdt->destroy(rdt->handle, err));
  return r < 0 ? berth_error_prefix(err, "linux.intelRdt: remove its resctrl group") : 0;
}

void berth_rdt_release(struct berth_rdt_backend *rdt) {
  if (rdt->plugin != NULL && rdt->handle != NULL)
    PLUGIN_CALL_VOID(rdt->plugin, release, rdt->plugin->rdt->release(rdt->handle));
  rdt->handle = NULL;
}

bool berth_rdt_plugin_enabled(const struct berth_plugin *p) {
  _cleanup_error_ struct berth_error err = {0};
  int32_t enabled = 0;
  if (p->kind != BERTH_PLUGIN_KIND_RDT || p->rdt == NULL || p->rdt->enabled == NULL)
    return false;
  int r = PLUGIN_CALL(p, enabled, p->rdt->enabled(&enabled, &err));
  return r >= 0 && enabled != 0;
}
