/* SPDX-License-Identifier: Apache-2.0 */
/* `berth features`: the OCI features document, plus the plugins installed here and
 * whether each loads (with its ABI version, or the reason it does not). */
#include <dirent.h>
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"
#include "cli.h"
#include "json_util.h"
#include "lsm.h"
#include "plugin_loader.h"
#include "plugin_probe.h"
#include "process_attrs.h"

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

static json_object *linux_features(void) {
  static const char *const namespaces[] = {"cgroup", "ipc",  "mount", "network", "pid",
                                           "time",   "user", "uts",   NULL};
  static const char *const actions[] = {"SCMP_ACT_ALLOW",       "SCMP_ACT_ERRNO",
                                        "SCMP_ACT_KILL",        "SCMP_ACT_KILL_PROCESS",
                                        "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG",
                                        "SCMP_ACT_NOTIFY",      "SCMP_ACT_TRACE",
                                        "SCMP_ACT_TRAP",        NULL};
  static const char *const operators[] = {"SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT",
                                          "SCMP_CMP_LE", "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ",
                                          "SCMP_CMP_NE", NULL};
  json_object *l = json_object_new_object();
  json_object_object_add(l, "namespaces", strings(namespaces));
  json_object *seccomp = json_object_new_object();
  json_object_object_add(seccomp, "enabled", json_object_new_boolean(1));
  json_object_object_add(seccomp, "actions", strings(actions));
  json_object_object_add(seccomp, "operators", strings(operators));
  json_object_object_add(l, "seccomp", seccomp);
  json_object_object_add(l, "cgroup", cgroup_features());
  json_object *apparmor = json_object_new_object();
  json_object_object_add(apparmor, "enabled",
                         json_object_new_boolean(berth_lsm_enabled("process.apparmorProfile")));
  json_object_object_add(l, "apparmor", apparmor);
  return l;
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
  if (p->kind == BERTH_PLUGIN_KIND_LSM)
    json_object_object_add(o, "enabled", json_object_new_boolean(berth_lsm_plugin_enabled(p)));
  *answer = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
  return *answer != NULL ? 0 : berth_error(err, ENOMEM, "plugin %s.so", name);
}

/* Each plugin's code runs in a child of its own (core/plugin_probe.h), never here: one that
 * crashes or hangs is listed with that as its error and the others are listed as usual.
 * Reading what the plugin is from its file instead (an ELF note) would not run its code at
 * all, but could not say what this listing is for: whether the plugin works on this host and
 * why not, which only its entry point knows; and `create` needs the same isolation anyway. */
static json_object *probe(const char *dir, const char *file) {
  char name[256], what[4400];
  snprintf(name, sizeof(name), "%.*s", (int)(strlen(file) - 3), file);
  snprintf(what, sizeof(what), "plugin %s/%s", dir, file);
  json_object *o = json_object_new_object();
  json_object_object_add(o, "name", json_object_new_string(name));
  _cleanup_error_ struct berth_error err = {0};
  _cleanup_free_ char *answer = NULL;
  bool ok =
      berth_probe_run(what, BERTH_PLUGIN_PROBE_TIMEOUT_MS, describe, name, &answer, &err) == 0;
  _cleanup_json_ json_object *described = ok ? json_tokener_parse(answer) : NULL;
  if (ok && !json_object_is_type(described, json_type_object)) {
    ok = false;
    berth_error(&err, 0, "%s: unreadable description", what);
  }
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
  static const char *const mount_options[] = {"async",
                                              "atime",
                                              "bind",
                                              "defaults",
                                              "dev",
                                              "diratime",
                                              "dirsync",
                                              "exec",
                                              "iversion",
                                              "lazytime",
                                              "loud",
                                              "mand",
                                              "noatime",
                                              "nodev",
                                              "nodiratime",
                                              "noexec",
                                              "noiversion",
                                              "nolazytime",
                                              "nomand",
                                              "norelatime",
                                              "nostrictatime",
                                              "nosuid",
                                              "nosymfollow",
                                              "private",
                                              "ratime",
                                              "rbind",
                                              "rdev",
                                              "rdiratime",
                                              "relatime",
                                              "remount",
                                              "rexec",
                                              "rnoatime",
                                              "rnodev",
                                              "rnodiratime",
                                              "rnoexec",
                                              "rnorelatime",
                                              "rnostrictatime",
                                              "rnosuid",
                                              "ro",
                                              "rprivate",
                                              "rrelatime",
                                              "rro",
                                              "rrw",
                                              "rshared",
                                              "rslave",
                                              "rstrictatime",
                                              "rsuid",
                                              "runbindable",
                                              "rw",
                                              "shared",
                                              "silent",
                                              "slave",
                                              "strictatime",
                                              "suid",
                                              "sync",
                                              "tmpcopyup",
                                              "unbindable",
                                              NULL};
  (void)g;
  if (argc > 1)
    return cli_usage("features: takes no arguments");
  (void)argv;
  _cleanup_json_ json_object *f = json_object_new_object();
  json_object_object_add(f, "ociVersionMin", json_object_new_string("1.0.0"));
  json_object_object_add(f, "ociVersionMax", json_object_new_string("1.1.0"));
  json_object_object_add(f, "hooks", strings(hooks));
  json_object_object_add(f, "mountOptions", strings(mount_options));
  json_object *plugin_list = plugins();
  json_object_object_add(f, "linux", linux_features());
  json_object *berth = json_object_new_object();
  berth_process_attrs_features(json_get(f, "linux"), berth);
  char abi[32];
  snprintf(abi, sizeof(abi), "%u.%u", BERTH_ABI_MAJOR, BERTH_ABI_MINOR);
  json_object_object_add(berth, "pluginAbi", json_object_new_string(abi));
  json_object_object_add(berth, "pluginPath", json_object_new_string(berth_plugin_search_path()));
  json_object_object_add(berth, "plugins", plugin_list);
  json_object *annotations = json_object_new_object();
  json_object_object_add(f, "annotations", annotations);
  json_object_object_add(f, "org.berth", berth);
  printf("%s\n",
         json_object_to_json_string_ext(f, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                                               JSON_C_TO_STRING_NOSLASHESCAPE));
  return 0;
}
