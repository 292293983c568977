/* SPDX-License-Identifier: Apache-2.0 */
#include "cgroup.h"

#include <errno.h>
#include <linux/magic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cleanup.h"
#include "json_util.h"
#include "log.h"
#include "plugin_crash.h"
#include "plugin_list.h"
#include "plugin_loader.h"

#define PLUGIN_PREFIX BERTH_CGROUP_PLUGIN_PREFIX
#define NO_RANK UINT32_MAX

bool berth_cgroup_unified_host(void) {
  struct statfs st;
  return statfs("/sys/fs/cgroup", &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC;
}

/* "slice:prefix:name" is the systemd form of cgroupsPath. */
static bool systemd_path(const char *path) {
  if (path == NULL || path[0] == '/')
    return false;
  const char *first = strchr(path, ':');
  return first != NULL && strchr(first + 1, ':') != NULL;
}

static uint32_t auto_rank(const struct berth_plugin *p) {
  const struct berth_cgroup_ops *ops = p->cgroup;
  if (ops->struct_size < offsetof(struct berth_cgroup_ops, auto_rank) + sizeof(ops->auto_rank))
    return NO_RANK;
  return ops->auto_rank;
}

static int load_driver(const char *driver, struct berth_cgroup_backend *cg,
                       struct berth_error *err) {
  if (strlen(driver) >= sizeof(cg->driver) - strlen(PLUGIN_PREFIX) || *driver == '\0' ||
      strspn(driver, "abcdefghijklmnopqrstuvwxyz0123456789_.-") != strlen(driver))
    return berth_error(err, 0, "invalid cgroup driver name \"%s\"", driver);
  snprintf(cg->driver, sizeof(cg->driver), "%s", driver);
  if (strcmp(driver, "none") == 0)
    return 0;
  char name[sizeof(cg->driver) + sizeof(PLUGIN_PREFIX)];
  snprintf(name, sizeof(name), PLUGIN_PREFIX "%s", driver);
  int r = berth_plugin_load(name, BERTH_PLUGIN_KIND_CGROUP, &cg->plugin, err);
  return r < 0 ? berth_error_prefix(err, "cgroup driver \"%s\"", driver) : 0;
}

static json_object *survey_one(const char *plugin) {
  json_object *o = json_object_new_object();
  json_object_object_add(o, "driver", json_object_new_string(plugin + strlen(PLUGIN_PREFIX)));
  json_object_object_add(o, "plugin", json_object_new_string(plugin));
  _cleanup_error_ struct berth_error err = {0};
  const struct berth_plugin *p = NULL;
  /* Probed: a plugin nobody named that crashes is one driver that does not apply. */
  bool applies = berth_plugin_load_probed(plugin, BERTH_PLUGIN_KIND_CGROUP, &p, &err) == 0;
  json_object_object_add(o, "applies", json_object_new_boolean(applies));
  if (!applies) {
    json_object_object_add(o, "reason", json_object_new_string(err.msg ? err.msg : "?"));
    return o;
  }
  json_object_object_add(o, "version", json_object_new_string(p->version ? p->version : ""));
  json_object_object_add(
      o, "unified", json_object_new_boolean((p->capabilities & BERTH_CGROUP_CAP_UNIFIED) != 0));
  json_object_object_add(o, "auto",
                         json_object_new_boolean((p->capabilities & BERTH_CGROUP_CAP_AUTO) != 0));
  json_object_object_add(
      o, "systemdPath",
      json_object_new_boolean((p->capabilities & BERTH_CGROUP_CAP_SYSTEMD_PATH) != 0));
  if (auto_rank(p) != NO_RANK)
    json_object_object_add(o, "autoRank", json_object_new_int64(auto_rank(p)));
  return o;
}

static int by_rank(const void *a, const void *b) {
  json_object *x = *(json_object *const *)a, *y = *(json_object *const *)b;
  int64_t rx = json_object_get_int64(json_get(x, "autoRank"));
  int64_t ry = json_object_get_int64(json_get(y, "autoRank"));
  rx = json_get(x, "autoRank") != NULL ? rx : (int64_t)NO_RANK + 1;
  ry = json_get(y, "autoRank") != NULL ? ry : (int64_t)NO_RANK + 1;
  if (rx != ry)
    return rx < ry ? -1 : 1;
  return strcmp(json_get_str(x, "driver"), json_get_str(y, "driver"));
}

json_object *berth_cgroup_survey(void) {
  _cleanup_json_ json_object *plugins = berth_plugin_names(PLUGIN_PREFIX);
  json_object *out = json_object_new_array();
  for (size_t i = 0; i < json_object_array_length(plugins); i++)
    json_object_array_add(
        out, survey_one(json_object_get_string(json_object_array_get_idx(plugins, i))));
  json_object_array_sort(out, by_rank);
  json_object *none = json_object_new_object();
  json_object_object_add(none, "driver", json_object_new_string("none"));
  json_object_object_add(none, "builtin", json_object_new_boolean(1));
  json_object_object_add(none, "applies", json_object_new_boolean(1));
  json_object_array_add(out, none);
  return out;
}

/* auto: the first driver in the survey's order that accepts this host and takes this kind of
 * cgroupsPath (cap); else one line with every plugin's reason. */
static int auto_select(uint64_t cap, struct berth_cgroup_backend *cg, struct berth_error *err) {
  const char *flag = cap == BERTH_CGROUP_CAP_AUTO ? "auto" : "systemdPath";
  _cleanup_json_ json_object *survey = berth_cgroup_survey();
  char why[2048] = "";
  size_t len = 0;
  for (size_t i = 0; i < json_object_array_length(survey); i++) {
    json_object *d = json_object_array_get_idx(survey, i);
    if (json_get(d, "plugin") == NULL)
      continue;
    if (json_get_bool(d, "applies", false) && json_get_bool(d, flag, false))
      return load_driver(json_get_str(d, "driver"), cg, err);
    if (!json_get_bool(d, "applies", false) && len < sizeof(why))
      len += (size_t)snprintf(why + len, sizeof(why) - len, "; %s", json_get_str(d, "reason"));
  }
  return berth_error(
      err, 0, "cgroup driver auto: no cgroup plugin in %s applies to this host%s%s",
      berth_plugin_search_path(),
      cap == BERTH_CGROUP_CAP_AUTO ? "" : " for --systemd-cgroup or a systemd-form cgroupsPath",
      why);
}

int berth_cgroup_select(const char *driver, bool systemd_flag, json_object *spec,
                        struct berth_cgroup_backend *cg, struct berth_error *err) {
  const char *path = json_get_str(json_get(spec, "linux"), "cgroupsPath");
  memset(cg, 0, sizeof(*cg));
  if (driver == NULL || strcmp(driver, "auto") == 0)
    return auto_select(systemd_flag || systemd_path(path) ? BERTH_CGROUP_CAP_SYSTEMD_PATH
                                                          : BERTH_CGROUP_CAP_AUTO,
                       cg, err);
  int r = 0;
  if (strcmp(driver, "cgroupfs") == 0) /* crun's --cgroup-manager=cgroupfs: auto, no systemd */
    r = systemd_path(path) ? 0 : auto_select(BERTH_CGROUP_CAP_AUTO, cg, err);
  else if (strcmp(driver, "disabled") == 0) /* crun's --cgroup-manager=disabled */
    r = load_driver("none", cg, err);
  else
    r = load_driver(driver, cg, err);
  if (r < 0)
    return r;
  if (systemd_path(path) &&
      (cg->plugin == NULL || (cg->plugin->capabilities & BERTH_CGROUP_CAP_SYSTEMD_PATH) == 0))
    return berth_error(err, 0,
                       "cgroupsPath %s has the systemd form slice:prefix:name but the "
                       "cgroup driver is \"%s\"",
                       path, driver);
  return 0;
}

int berth_cgroup_load(json_object *saved, struct berth_cgroup_backend *cg,
                      struct berth_error *err) {
  memset(cg, 0, sizeof(*cg));
  const char *driver = json_get_str(saved, "driver");
  if (driver == NULL)
    return berth_error(err, 0, "state.json: cgroup.driver missing");
  int r = load_driver(driver, cg, err);
  if (r < 0 || cg->plugin == NULL)
    return r;
  const char *blob = json_get_str(saved, "state");
  r = PLUGIN_CALL(cg->plugin, load,
                  cg->plugin->cgroup->load(blob != NULL ? blob : "{}", &cg->handle, err));
  return r < 0 ? berth_error_prefix(err, "cgroup driver \"%s\": load", driver) : 0;
}

int berth_cgroup_save(struct berth_cgroup_backend *cg, json_object **out, struct berth_error *err) {
  json_object *o = json_object_new_object();
  json_object_object_add(o, "driver", json_object_new_string(cg->driver));
  if (cg->plugin != NULL && cg->handle != NULL) {
    _cleanup_free_ char *blob = NULL;
    int r = PLUGIN_CALL(cg->plugin, save, cg->plugin->cgroup->save(cg->handle, &blob, err));
    if (r < 0) {
      json_object_put(o);
      return r;
    }
    json_object_object_add(o, "plugin", json_object_new_string(cg->plugin->name));
    json_object_object_add(o, "plugin_version", json_object_new_string(cg->plugin->version));
    json_object_object_add(o, "state", json_object_new_string(blob));
  }
  *out = o;
  return 0;
}

/* runc's AllowedDevices: what every container may use, after the spec's own rules. Nothing
 * else: linux.devices only creates nodes, and linux.resources.devices is the policy (a node
 * listed there without an allow rule is unusable, as with runc; allowing it here would
 * override an explicit deny). */
static const char *const default_device_rules[] = {
    "{\"allow\":true,\"type\":\"c\",\"access\":\"m\"}",
    "{\"allow\":true,\"type\":\"b\",\"access\":\"m\"}",
    "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"rwm\"}",
    "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":8,\"access\":\"rwm\"}",
    "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":7,\"access\":\"rwm\"}",
    "{\"allow\":true,\"type\":\"c\",\"major\":5,\"minor\":0,\"access\":\"rwm\"}",
    "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":5,\"access\":\"rwm\"}",
    "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":9,\"access\":\"rwm\"}",
    "{\"allow\":true,\"type\":\"c\",\"major\":5,\"minor\":1,\"access\":\"rwm\"}",
    "{\"allow\":true,\"type\":\"c\",\"major\":136,\"access\":\"rwm\"}",
    "{\"allow\":true,\"type\":\"c\",\"major\":5,\"minor\":2,\"access\":\"rwm\"}",
    "{\"allow\":true,\"type\":\"c\",\"major\":10,\"minor\":200,\"access\":\"rwm\"}",
};

json_object *berth_cgroup_resources(json_object *spec) {
  json_object *given = json_path(spec, "linux", "resources", NULL);
  json_object *res = NULL;
  if (given == NULL || json_object_deep_copy(given, &res, NULL) < 0)
    res = json_object_new_object();
  json_object *rules = json_object_new_array();
  json_object *spec_rules = json_get_array(res, "devices");
  for (size_t i = 0; spec_rules != NULL && i < json_object_array_length(spec_rules); i++)
    json_object_array_add(rules, json_object_get(json_object_array_get_idx(spec_rules, i)));
  for (size_t i = 0; i < sizeof(default_device_rules) / sizeof(default_device_rules[0]); i++)
    json_object_array_add(rules, json_tokener_parse(default_device_rules[i]));
  json_object_object_add(res, "devices", rules);
  return res;
}

int berth_cgroup_create(struct berth_cgroup_backend *cg, const char *id, json_object *spec,
                        bool rootless, struct berth_error *err) {
  if (cg->plugin == NULL)
    return 0;
  _cleanup_json_ json_object *res = berth_cgroup_resources(spec);
  json_object *annotations = json_get(spec, "annotations");
  struct berth_cgroup_request req = {
      .struct_size = sizeof(req),
      .flags = rootless ? BERTH_CGROUP_REQ_ROOTLESS : 0,
      .container_id = id,
      .cgroups_path = json_get_str(json_get(spec, "linux"), "cgroupsPath"),
      .resources_json = json_object_to_json_string_ext(res, JSON_C_TO_STRING_PLAIN),
      .annotations_json = annotations != NULL
                              ? json_object_to_json_string_ext(annotations, JSON_C_TO_STRING_PLAIN)
                              : NULL,
  };
  int r = PLUGIN_CALL(cg->plugin, create, cg->plugin->cgroup->create(&req, &cg->handle, err));
  return r < 0 ? berth_error_prefix(err, "cgroup driver \"%s\"", cg->driver) : 0;
}

#define CALL_OP(cg, op, err, ...)                                                                  \
  ({                                                                                               \
    int _r = 0;                                                                                    \
    if ((cg)->plugin != NULL && (cg)->handle != NULL && (cg)->plugin->cgroup->op != NULL) {        \
      _r = PLUGIN_CALL((cg)->plugin, op, (cg)->plugin->cgroup->op((cg)->handle, __VA_ARGS__));     \
      if (_r < 0)                                                                                  \
        berth_error_prefix(err, "cgroup driver \"%s\"", (cg)->driver);                             \
    }                                                                                              \
    _r;                                                                                            \
  })

/* An optional op appended after 1.0 (enter_sub since 1.1, kill_all since 1.3): an older
 * plugin's ops table ends before it, and what lies past its struct_size is not its. */
#define HAS_OP(ops, op)                                                                            \
  ((ops)->struct_size >= offsetof(struct berth_cgroup_ops, op) + sizeof((ops)->op) &&              \
   (ops)->op != NULL)

int berth_cgroup_enter(struct berth_cgroup_backend *cg, pid_t pid, struct berth_error *err) {
  return CALL_OP(cg, enter, err, pid, err);
}

int berth_cgroup_enter_sub(struct berth_cgroup_backend *cg, pid_t pid, json_object *subs,
                           struct berth_error *err) {
  const struct berth_cgroup_ops *ops = cg->plugin != NULL ? cg->plugin->cgroup : NULL;
  if (ops == NULL || cg->handle == NULL)
    return berth_error(err, 0, "--cgroup: the container has no cgroup (cgroup driver \"%s\")",
                       cg->driver);
  if (!HAS_OP(ops, enter_sub))
    return berth_error(err, 0, "--cgroup: plugin %s cannot enter sub-cgroups", cg->plugin->name);
  for (size_t i = 0; i < json_object_array_length(subs); i++) {
    json_object *sub = json_object_array_get_idx(subs, i);
    const char *controller = json_get_str(sub, "controller");
    int r =
        PLUGIN_CALL(cg->plugin, enter_sub,
                    ops->enter_sub(cg->handle, pid, controller, json_get_str(sub, "path"), err));
    if (r < 0)
      return berth_error_prefix(err, "cgroup driver \"%s\": --cgroup %s%s%s", cg->driver,
                                controller ? controller : "", controller ? ":" : "",
                                json_get_str(sub, "path"));
  }
  return 0;
}

bool berth_cgroup_kill_all(struct berth_cgroup_backend *cg) {
  const struct berth_cgroup_ops *ops = cg->plugin != NULL ? cg->plugin->cgroup : NULL;
  if (ops == NULL || cg->handle == NULL || !HAS_OP(ops, kill_all))
    return false;
  _cleanup_error_ struct berth_error why = {0};
  if (PLUGIN_CALL(cg->plugin, kill_all, ops->kill_all(cg->handle, &why)) == 0)
    return true;
  berth_log(BERTH_LOG_DEBUG, "cgroup driver \"%s\": no cgroup.kill: %s", cg->driver, why.msg);
  return false;
}

int berth_cgroup_apply(struct berth_cgroup_backend *cg, json_object *resources,
                       struct berth_error *err) {
  const char *text = json_object_to_json_string_ext(resources, JSON_C_TO_STRING_PLAIN);
  return CALL_OP(cg, apply, err, text, err);
}

int berth_cgroup_freeze(struct berth_cgroup_backend *cg, bool frozen, struct berth_error *err) {
  if (cg->plugin == NULL || cg->plugin->cgroup->freeze == NULL)
    return berth_error(err, 0, "cgroup driver \"%s\" cannot freeze containers", cg->driver);
  return CALL_OP(cg, freeze, err, frozen ? 1 : 0, err);
}

bool berth_cgroup_is_frozen(struct berth_cgroup_backend *cg) {
  int32_t frozen = 0;
  _cleanup_error_ struct berth_error ignored = {0};
  return CALL_OP(cg, is_frozen, &ignored, &frozen, &ignored) == 0 && frozen != 0;
}

struct pid_callback {
  berth_pid_fn fn;
  void *data;
};

/* The core's callback, run from inside the plugin's get_pids: its own code, not the plugin's. */
static int32_t core_pid_fn(int32_t pid, void *data) {
  struct pid_callback *cb = data;
  struct berth_plugin_call prev = berth_plugin_call_host();
  int32_t r = cb->fn(pid, cb->data);
  berth_plugin_call_leave(prev);
  return r;
}

int berth_cgroup_pids(struct berth_cgroup_backend *cg, berth_pid_fn fn, void *data,
                      struct berth_error *err) {
  struct pid_callback cb = {.fn = fn, .data = data};
  return CALL_OP(cg, get_pids, err, core_pid_fn, &cb, err);
}

int berth_cgroup_stats(struct berth_cgroup_backend *cg, char **json, struct berth_error *err) {
  *json = NULL;
  return CALL_OP(cg, stats, err, json, err);
}

int berth_cgroup_destroy(struct berth_cgroup_backend *cg, struct berth_error *err) {
  return CALL_OP(cg, destroy, err, err);
}

int berth_cgroup_fd(struct berth_cgroup_backend *cg) {
  if (cg->plugin == NULL || cg->handle == NULL || cg->plugin->cgroup->cgroup_fd == NULL)
    return -1;
  return PLUGIN_CALL(cg->plugin, cgroup_fd, cg->plugin->cgroup->cgroup_fd(cg->handle));
}

void berth_cgroup_release(struct berth_cgroup_backend *cg) {
  if (cg->plugin != NULL && cg->handle != NULL)
    PLUGIN_CALL_VOID(cg->plugin, release, cg->plugin->cgroup->release(cg->handle));
  cg->handle = NULL;
}
