/* SPDX-License-Identifier: Apache-2.0 */
/* `berth features`: the OCI features document, plus the plugins installed here and
 * whether each loads (with its ABI version, or the reason it does not). */
#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "berth_seccomp.h"
#include "cgroup.h"
#include "cli.h"
#include "json_util.h"
#include "mounts.h"
#include "device_classes.h"
#include "plugin_describe.h"
#include "plugin_loader.h"
#include "process_attrs.h"
#include "rdt.h"

static json_object *strings(const char *const *list) {
  json_object *a = json_object_new_array();
  for (; *list != NULL; list++)
    json_object_array_add(a, json_object_new_string(*list));
  return a;
}

/* The OCI keys from what the installed cgroup drivers declare, not from their names: v2
 * when one that applies here drives the unified hierarchy, v1 when one drives v1's, systemd
 * when one takes the systemd form of cgroupsPath. */
static json_object *cgroup_features(void) {
  _cleanup_json_ json_object *drivers = berth_cgroup_survey();
  bool v1 = false, v2 = false, systemd = false;
  for (size_t i = 0; i < json_object_array_length(drivers); i++) {
    json_object *d = json_object_array_get_idx(drivers, i);
    if (json_get_bool(d, "builtin", false) || !json_get_bool(d, "applies", false))
      continue;
    v2 = v2 || json_get_bool(d, "unified", false);
    v1 = v1 || !json_get_bool(d, "unified", false);
    systemd = systemd || json_get_bool(d, "systemdPath", false);
  }
  json_object *cgroup = json_object_new_object();
  json_object_object_add(cgroup, "v1", json_object_new_boolean(v1));
  json_object_object_add(cgroup, "v2", json_object_new_boolean(v2));
  json_object_object_add(cgroup, "systemd", json_object_new_boolean(systemd));
  return cgroup;
}

/* Whether the LSM plugin that labels field enforces here, from the plugins' own descriptions
 * (each asked once, in its child): the first by name that loads and declares the field, as
 * create chooses; the first directory of the path holds the one the loader uses. */
static bool lsm_enabled(json_object *plugin_list, const char *field) {
  const char *best = NULL;
  bool enabled = false;
  for (size_t i = 0; i < json_object_array_length(plugin_list); i++) {
    json_object *p = json_object_array_get_idx(plugin_list, i);
    const char *name = json_get_str(p, "name");
    if (name == NULL || (best != NULL && strcmp(name, best) >= 0) ||
        !json_get_bool(p, "loadable", false) || json_get_array(p, "fields") == NULL)
      continue;
    json_object *fields = json_get_array(p, "fields");
    for (size_t j = 0; j < json_object_array_length(fields); j++)
      if (strcmp(json_object_get_string(json_object_array_get_idx(fields, j)), field) == 0) {
        best = name;
        enabled = json_get_bool(p, "enabled", false);
      }
  }
  return enabled;
}

/* Whether the plugin called name loads and says it is enabled here (its description). */
static bool plugin_enabled(json_object *plugin_list, const char *name) {
  for (size_t i = 0; i < json_object_array_length(plugin_list); i++) {
    json_object *p = json_object_array_get_idx(plugin_list, i);
    const char *n = json_get_str(p, "name");
    if (n != NULL && strcmp(n, name) == 0)
      return json_get_bool(p, "loadable", false) && json_get_bool(p, "enabled", false);
  }
  return false;
}

static json_object *linux_features(json_object *plugin_list) {
  static const char *const namespaces[] = {"cgroup", "ipc",  "mount", "network", "pid",
                                           "time",   "user", "uts",   NULL};
  json_object *l = json_object_new_object();
  json_object_object_add(l, "namespaces", strings(namespaces));
  /* From core/seccomp.c's own tables: what it lists is what it accepts. */
  json_object_object_add(l, "seccomp", berth_seccomp_features());
  json_object_object_add(l, "cgroup", cgroup_features());
  json_object *apparmor = json_object_new_object();
  json_object_object_add(
      apparmor, "enabled",
      json_object_new_boolean(lsm_enabled(plugin_list, "process.apparmorProfile")));
  json_object_object_add(l, "apparmor", apparmor);
  /* features-linux.md: whether berth uses mounts[].uidMappings/gidMappings, "irrespective of
   * the availability of the features on the host" (a kernel without mount_setattr gets a
   * refusal naming the mount, never a mount without its mapping). */
  json_object *idmap = json_object_new_object();
  json_object_object_add(idmap, "enabled", json_object_new_boolean(1));
  json_object *extensions = json_object_new_object();
  json_object_object_add(extensions, "idmap", idmap);
  json_object_object_add(l, "mountExtensions", extensions);
  /* runtime-spec's features: linux.intelRdt is applied when the RDT plugin is installed and
   * finds resctrl on this host (as its own description, from its child, says). */
  json_object *intel_rdt = json_object_new_object();
  json_object_object_add(intel_rdt, "enabled",
                         json_object_new_boolean(plugin_enabled(plugin_list, BERTH_RDT_PLUGIN)));
  json_object_object_add(l, "intelRdt", intel_rdt);
  /* From the plugin that labels process.selinuxLabel: selinux.so refuses a host without
   * SELinux, so true means installed, loaded and the host enforces or logs (permissive). */
  json_object *selinux = json_object_new_object();
  json_object_object_add(selinux, "enabled",
                         json_object_new_boolean(lsm_enabled(plugin_list, "process.selinuxLabel")));
  json_object_object_add(l, "selinux", selinux);
  return l;
}

/* Each plugin's code runs in a child of its own (core/plugin_describe.h), never here: one that
 * crashes or hangs is listed with that as its error and the others are listed as usual.
 * Reading what the plugin is from its file instead (an ELF note) would not run its code at
 * all, but could not say what this listing is for: whether the plugin works on this host and
 * why not, which only its entry point knows. */
static json_object *probe(const char *dir, const char *file) {
  char name[256], what[4400];
  snprintf(name, sizeof(name), "%.*s", (int)(strlen(file) - 3), file);
  snprintf(what, sizeof(what), "plugin %s/%s", dir, file);
  json_object *o = json_object_new_object();
  json_object_object_add(o, "name", json_object_new_string(name));
  _cleanup_error_ struct berth_error err = {0};
  _cleanup_json_ json_object *described = NULL;
  bool ok = berth_plugin_describe(name, what, &described, &err) == 0;
  json_object_object_add(o, "loadable", json_object_new_boolean(ok));
  if (!ok) {
    json_object_object_add(o, "error", json_object_new_string(err.msg ? err.msg : "?"));
    return o;
  }
  json_object_object_foreach(described, key, value) {
    json_object_object_add(o, key, json_object_get(value));
  }
  return o;
}

static json_object *plugins(void) {
  json_object *list = json_object_new_array();
  _cleanup_free_ char *dirs = strdup(berth_plugin_search_path());
  char *save = NULL;
  for (char *dir = strtok_r(dirs, ":", &save); dir != NULL; dir = strtok_r(NULL, ":", &save)) {
    _cleanup_closedir_ DIR *d = opendir(dir);
    for (struct dirent *e = d ? readdir(d) : NULL; e != NULL; e = readdir(d)) {
      size_t n = strlen(e->d_name);
      if (n > 3 && strcmp(e->d_name + n - 3, ".so") == 0)
        json_object_array_add(list, probe(dir, e->d_name));
    }
  }
  return list;
}

int cmd_features(struct berth_globals *g, int argc, char **argv) {
  static const char *const hooks[] = {
      "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
      NULL};
  (void)g;
  if (argc > 1)
    return cli_usage("features: takes no arguments");
  (void)argv;
  _cleanup_json_ json_object *f = json_object_new_object();
  json_object_object_add(f, "ociVersionMin", json_object_new_string("1.0.0"));
  json_object_object_add(f, "ociVersionMax", json_object_new_string("1.2.0"));
  json_object_object_add(f, "hooks", strings(hooks));
  /* From core/mount_options.c's tables: what it lists is what the parser takes. */
  json_object_object_add(f, "mountOptions", berth_mount_options_features());
  json_object *plugin_list = plugins();
  json_object_object_add(f, "linux", linux_features(plugin_list));
  json_object *berth = json_object_new_object();
  berth_process_attrs_features(json_get(f, "linux"), berth);
  char abi[32];
  snprintf(abi, sizeof(abi), "%u.%u", BERTH_ABI_MAJOR, BERTH_ABI_MINOR);
  json_object_object_add(berth, "pluginAbi", json_object_new_string(abi));
  json_object_object_add(berth, "pluginPath", json_object_new_string(berth_plugin_search_path()));
  json_object_object_add(berth, "plugins", plugin_list);
  json_object *annotations = json_object_new_object();
  json_object_object_add(f, "annotations", annotations);
  /* runtime-spec 1.2: the annotations that change what berth does, so that an engine can keep
   * them from untrusted users; a trailing "." is a prefix. org.systemd.property.* become unit
   * properties (cgroup-systemd.so), berth.devices loads a vendor's device plugin and gives the
   * container host devices (core/device_classes.c). */
  static const char *const unsafe[] = {"org.systemd.property.", BERTH_DEVICES_ANNOTATION, NULL};
  json_object_object_add(f, "potentiallyUnsafeConfigAnnotations", strings(unsafe));
  json_object_object_add(f, "org.berth", berth);
  printf("%s\n",
         json_object_to_json_string_ext(f, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                                               JSON_C_TO_STRING_NOSLASHESCAPE));
  return 0;
}
