/* SPDX-License-Identifier: Apache-2.0 */
#include "plugin_describe.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "json_util.h"
#include "lsm.h"
#include "plugin_loader.h"
#include "plugin_probe.h"
#include "rdt.h"

/* A device plugin's classes (berth_device_ops.classes, optional): [] without them. */
static json_object *device_classes(const struct berth_device_ops *ops) {
  json_object *out = json_object_new_array();
  const char *const *c =
      ops->struct_size >= offsetof(struct berth_device_ops, classes) + sizeof(ops->classes)
          ? ops->classes
          : NULL;
  /* Bounded: a list a plugin forgot to end with NULL is cut, not overrun for ever. */
  for (size_t i = 0; c != NULL && i < 256 && c[i] != NULL; i++)
    json_object_array_add(out, json_object_new_string(c[i]));
  return out;
}

/* Runs in the probe's child: what the plugin is, as JSON text. */
static int describe(void *data, char **answer, struct berth_error *err) {
  const char *name = data;
  const struct berth_plugin *p = NULL;
  int r = berth_plugin_load(name, BERTH_PLUGIN_KIND_ANY, &p, err);
  if (r < 0)
    return r;
  _cleanup_json_ json_object *o = json_object_new_object();
  char abi[32];
  snprintf(abi, sizeof(abi), "%u.%u", p->abi_major, p->abi_minor);
  json_object_object_add(o, "kind", json_object_new_string(berth_plugin_kind_name(p->kind)));
  json_object_object_add(o, "version", json_object_new_string(p->version));
  json_object_object_add(o, "abi", json_object_new_string(abi));
  if (p->kind == BERTH_PLUGIN_KIND_LSM) {
    json_object_object_add(o, "fields", berth_lsm_fields(p));
    json_object_object_add(o, "enabled", json_object_new_boolean(berth_lsm_plugin_enabled(p)));
  }
  if (p->kind == BERTH_PLUGIN_KIND_RDT)
    json_object_object_add(o, "enabled", json_object_new_boolean(berth_rdt_plugin_enabled(p)));
  if (p->kind == BERTH_PLUGIN_KIND_DEVICE)
    json_object_object_add(o, "classes", device_classes(p->device));
  *answer = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
  return *answer != NULL ? 0 : berth_error(err, ENOMEM, "plugin %s.so", name);
}

int berth_plugin_describe(const char *name, const char *what, json_object **out,
                          struct berth_error *err) {
  _cleanup_free_ char *answer = NULL;
  int r =
      berth_probe_run(what, BERTH_PLUGIN_PROBE_TIMEOUT_MS, describe, (void *)name, &answer, err);
  if (r < 0)
    return r;
  json_object *described = json_tokener_parse(answer);
  if (!json_object_is_type(described, json_type_object)) {
    json_object_put(described);
    return berth_error(err, 0, "%s: unreadable description", what);
  }
  *out = described;
  return 0;
}
