/* SPDX-License-Identifier: Apache-2.0 */
#include "device_classes.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <berth/plugin.h>

#include "cleanup.h"
#include "json_util.h"
#include "plugin_crash.h"
#include "plugin_loader.h"

#define VENDOR_CHARS "abcdefghijklmnopqrstuvwxyz0123456789_.-"
#define CLASS_CHARS VENDOR_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define MAX_VENDOR 40

/* What one resolve() call gathers: the devices of the class, or the first bad one. */
struct gathering {
  struct berth_error *err;
  const char *plugin;
  json_object *nodes; /* linux.devices entries */
  json_object *rules; /* linux.resources.devices entries */
  json_object *paths; /* for state.json */
  bool failed;
};

/* Below /dev/, with no "." or ".." component: a plugin cannot hand the container a node from
 * elsewhere on the host, nor create one outside the container's /dev. */
static bool path_in_dev(const char *path) {
  if (strncmp(path, "/dev/", 5) != 0 || strlen(path) >= PATH_MAX || path[5] == '\0')
    return false;
  for (const char *c = path + 4; c != NULL; c = strchr(c + 1, '/')) {
    const char *next = c + 1;
    size_t len = strcspn(next, "/");
    if (len == 0 || (len == 1 && next[0] == '.') || (len == 2 && strncmp(next, "..", 2) == 0))
      return false;
  }
  return true;
}

static json_object *node_entry(const char *path, const struct stat *st) {
  json_object *node = json_object_new_object();
  json_object_object_add(node, "path", json_object_new_string(path));
  json_object_object_add(node, "type", json_object_new_string(S_ISBLK(st->st_mode) ? "b" : "c"));
  json_object_object_add(node, "major", json_object_new_int64(major(st->st_rdev)));
  json_object_object_add(node, "minor", json_object_new_int64(minor(st->st_rdev)));
  json_object_object_add(node, "fileMode", json_object_new_int(st->st_mode & 0777));
  json_object_object_add(node, "uid", json_object_new_int64(st->st_uid));
  json_object_object_add(node, "gid", json_object_new_int64(st->st_gid));
  return node;
}

static json_object *allow_rule(const struct stat *st) {
  json_object *rule = json_object_new_object();
  json_object_object_add(rule, "allow", json_object_new_boolean(1));
  json_object_object_add(rule, "type", json_object_new_string(S_ISBLK(st->st_mode) ? "b" : "c"));
  json_object_object_add(rule, "major", json_object_new_int64(major(st->st_rdev)));
  json_object_object_add(rule, "minor", json_object_new_int64(minor(st->st_rdev)));
  json_object_object_add(rule, "access", json_object_new_string("rwm"));
  return rule;
}

/* berth_device_fn: each host device the plugin names, checked here, where the core trusts
 * nothing the plugin said. */
static int32_t gather_checked(const char *path, struct gathering *g) {
  struct stat st;
  int r = 0;
  if (path == NULL || !path_in_dev(path))
    r = berth_error(g->err, 0, "plugin %s.so named %s, which is not a path below /dev/", g->plugin,
                    path != NULL ? path : "(null)");
  else if (stat(path, &st) < 0)
    r = berth_error(g->err, errno, "plugin %s.so named %s", g->plugin, path);
  else if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))
    r = berth_error(g->err, 0, "plugin %s.so named %s, which is not a character or block device",
                    g->plugin, path);
  if (r < 0) {
    g->failed = true;
    return r;
  }
  json_object_array_add(g->nodes, node_entry(path, &st));
  json_object_array_add(g->rules, allow_rule(&st));
  json_object_array_add(g->paths, json_object_new_string(path));
  return 0;
}

/* The plugin's callback: the core's code again while it runs (plugin_crash.h). */
static int32_t gather(const char *path, void *data) {
  struct berth_plugin_call prev = berth_plugin_call_host();
  int32_t r = gather_checked(path, data);
  berth_plugin_call_leave(prev);
  return r;
}

static bool lists_path(json_object *devices, const char *path) {
  for (size_t i = 0; i < json_object_array_length(devices); i++) {
    const char *p = json_get_str(json_object_array_get_idx(devices, i), "path");
    if (p != NULL && strcmp(p, path) == 0)
      return true;
  }
  return false;
}

/* VENDOR/CLASS -> the plugin's answer, in g; nothing of the spec changes here. */
static int resolve_class(const char *entry, struct gathering *g, json_object *record,
                         struct berth_error *err) {
  const char *slash = strchr(entry, '/');
  size_t vendor_len = slash != NULL ? (size_t)(slash - entry) : 0;
  if (vendor_len == 0 || vendor_len > MAX_VENDOR || strspn(entry, VENDOR_CHARS) != vendor_len ||
      slash[1] == '\0' || strspn(slash + 1, CLASS_CHARS) != strlen(slash + 1))
    return berth_error(err, 0, "not VENDOR/CLASS (vendor: lower-case letters, digits, _.-)");
  char plugin[sizeof(BERTH_DEVICE_PLUGIN_PREFIX) + MAX_VENDOR];
  snprintf(plugin, sizeof(plugin), BERTH_DEVICE_PLUGIN_PREFIX "%.*s", (int)vendor_len, entry);
  const struct berth_plugin *p = NULL;
  int r = berth_plugin_load(plugin, BERTH_PLUGIN_KIND_DEVICE, &p, err);
  if (r < 0)
    return r;
  g->plugin = p->name;
  size_t before = json_object_array_length(g->paths);
  r = PLUGIN_CALL(p, resolve, p->device->resolve(slash + 1, gather, g, err));
  if (r >= 0 && g->failed)
    r = -(err->code != 0 ? err->code : EIO); /* a plugin that ignored fn's refusal */
  if (r < 0 && !g->failed)
    return berth_error_prefix(err, "plugin %s.so %s", p->name, p->version);
  if (r < 0)
    return r;
  if (json_object_array_length(g->paths) == before)
    return berth_error(err, 0, "plugin %s.so %s: the class has no device", p->name, p->version);
  json_object *o = json_object_new_object();
  json_object_object_add(o, "class", json_object_new_string(entry));
  json_object_object_add(o, "plugin", json_object_new_string(p->name));
  json_object_object_add(o, "plugin_version", json_object_new_string(p->version));
  json_object *paths = json_object_new_array();
  for (size_t i = before; i < json_object_array_length(g->paths); i++)
    json_object_array_add(paths, json_object_get(json_object_array_get_idx(g->paths, i)));
  json_object_object_add(o, "devices", paths);
  json_object_array_add(record, o);
  return 0;
}

/* The object at key of parent, made when absent. */
static json_object *child(json_object *parent, const char *key, json_type type) {
  json_object *o = json_get_type(parent, key, type);
  if (o == NULL) {
    o = type == json_type_array ? json_object_new_array() : json_object_new_object();
    json_object_object_add(parent, key, o);
  }
  return o;
}

/* Nodes the spec lists already are the spec's (its mode and owner win); the allow rules go
 * after the spec's own, past its usual deny-all, as runc orders linux.resources.devices. */
static void merge(json_object *spec, struct gathering *g) {
  json_object *linux_spec = child(spec, "linux", json_type_object);
  json_object *devices = child(linux_spec, "devices", json_type_array);
  json_object *rules =
      child(child(linux_spec, "resources", json_type_object), "devices", json_type_array);
  for (size_t i = 0; i < json_object_array_length(g->nodes); i++) {
    json_object *node = json_object_array_get_idx(g->nodes, i);
    if (!lists_path(devices, json_get_str(node, "path")))
      json_object_array_add(devices, json_object_get(node));
    json_object_array_add(rules, json_object_get(json_object_array_get_idx(g->rules, i)));
  }
}

int berth_device_classes_apply(json_object *spec, json_object **record, struct berth_error *err) {
  *record = NULL;
  const char *value = json_get_str(json_get(spec, "annotations"), BERTH_DEVICES_ANNOTATION);
  if (value == NULL)
    return 0;
  _cleanup_free_ char *list = strdup(value);
  if (list == NULL)
    return berth_error(err, ENOMEM, "annotation " BERTH_DEVICES_ANNOTATION);
  _cleanup_json_ json_object *nodes = json_object_new_array();
  _cleanup_json_ json_object *rules = json_object_new_array();
  _cleanup_json_ json_object *paths = json_object_new_array();
  _cleanup_json_ json_object *out = json_object_new_array();
  struct gathering g = {.err = err, .nodes = nodes, .rules = rules, .paths = paths};
  char *save = NULL;
  for (char *entry = strtok_r(list, ",", &save); entry != NULL;
       entry = strtok_r(NULL, ",", &save)) {
    int r = resolve_class(entry, &g, out, err);
    if (r < 0)
      return berth_error_prefix(err, "annotation " BERTH_DEVICES_ANNOTATION " \"%s\"", entry);
  }
  if (json_object_array_length(out) == 0)
    return berth_error(err, 0, "annotation " BERTH_DEVICES_ANNOTATION " \"%s\": no class", value);
  merge(spec, &g);
  *record = steal_pointer(&out);
  return 0;
}
