/* SPDX-License-Identifier: Apache-2.0 */
/* `berth check`: for this host, which installed backends apply and why the others do not (in
 * each plugin's own words: its entry point's refusal), whether the configured cgroup driver
 * (--cgroup-driver, auto by default) works here, and the host facts that decide what
 * containers can use. Exit status 1 when the configured driver cannot work. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cgroup.h"
#include "device_classes.h"
#include "cli.h"
#include "host_facts.h"
#include "json_util.h"
#include "lsm.h"
#include "plugin_describe.h"
#include "plugin_list.h"
#include "plugin_loader.h"
#include "rdt.h"

/* What the configured driver resolves to here: {"configured", "selected"} or "error". */
static json_object *configured_driver(struct berth_globals *g) {
  json_object *o = json_object_new_object();
  json_object_object_add(o, "configured",
                         json_object_new_string(g->cgroup_driver ? g->cgroup_driver : "auto"));
  json_object_object_add(o, "systemdCgroup", json_object_new_boolean(g->systemd_cgroup));
  struct berth_cgroup_backend cg;
  _cleanup_error_ struct berth_error err = {0};
  if (berth_cgroup_select(g->cgroup_driver, g->systemd_cgroup, NULL, &cg, &err) < 0)
    json_object_object_add(o, "error", json_object_new_string(err.msg));
  else
    json_object_object_add(o, "selected", json_object_new_string(cg.driver));
  return o;
}

/* The installed plugins named name, or prefix* when prefix is set (device-VENDOR.so), each
 * described in a child of its own (plugin_describe.h): [{"plugin", "loads", and "reason" or
 * what the plugin said: "kind", "enabled" (RDT: resctrl found), "classes" (device)}]. */
static json_object *survey(const char *name_or_prefix, bool prefix) {
  json_object *out = json_object_new_array();
  _cleanup_json_ json_object *names = berth_plugin_names(name_or_prefix);
  for (size_t i = 0; i < json_object_array_length(names); i++) {
    const char *name = json_object_get_string(json_object_array_get_idx(names, i));
    char path[4096], what[4200];
    if ((!prefix && strcmp(name, name_or_prefix) != 0) ||
        berth_plugin_file(name, path, sizeof(path)) < 0)
      continue;
    snprintf(what, sizeof(what), "plugin %s", path);
    _cleanup_error_ struct berth_error why = {0};
    _cleanup_json_ json_object *described = NULL;
    json_object *o = json_object_new_object();
    json_object_object_add(o, "plugin", json_object_new_string(name));
    bool loads = berth_plugin_describe(name, what, &described, &why) == 0;
    json_object_object_add(o, "loads", json_object_new_boolean(loads));
    if (!loads)
      json_object_object_add(o, "reason", json_object_new_string(why.msg ? why.msg : "?"));
    else {
      json_object_object_foreach(described, key, value) {
        if (strcmp(key, "version") != 0 && strcmp(key, "abi") != 0)
          json_object_object_add(o, key, json_object_get(value));
      }
    }
    json_object_array_add(out, o);
  }
  return out;
}

static const char *str(json_object *o, const char *key) {
  const char *s = json_get_str(o, key);
  return s != NULL ? s : "?";
}

static const char *yes(json_object *o, const char *key) {
  return json_get_bool(o, key, false) ? "yes" : "no";
}

static void print_text(json_object *report) {
  json_object *cgroup = json_get(report, "cgroup");
  json_object *drivers = json_get(cgroup, "drivers");
  printf("plugin path: %s\n\ncgroup drivers, in auto's order:\n", str(report, "pluginPath"));
  for (size_t i = 0; i < json_object_array_length(drivers); i++) {
    json_object *d = json_object_array_get_idx(drivers, i);
    if (json_get_bool(d, "builtin", false))
      printf("  %-10s applies (built in: no cgroup)\n", str(d, "driver"));
    else if (json_get_bool(d, "applies", false))
      printf("  %-10s applies%s%s\n", str(d, "driver"),
             json_get_bool(d, "auto", false) ? " (auto)" : "",
             json_get_bool(d, "systemdPath", false) ? " (systemd-form cgroupsPath)" : "");
    else
      printf("  %-10s does not apply: %s\n", str(d, "driver"), str(d, "reason"));
  }
  json_object *conf = json_get(cgroup, "default");
  if (json_get(conf, "error") != NULL)
    printf("configured driver %s: CANNOT WORK: %s\n", str(conf, "configured"), str(conf, "error"));
  else
    printf("configured driver %s: %s\n", str(conf, "configured"), str(conf, "selected"));
  json_object *lsm = json_get(report, "lsm");
  printf("\nLSM plugins:\n");
  for (size_t i = 0; i < json_object_array_length(lsm); i++) {
    json_object *p = json_object_array_get_idx(lsm, i);
    if (!json_get_bool(p, "loads", false)) {
      printf("  %-10s does not load: %s\n", str(p, "plugin"), str(p, "reason"));
      continue;
    }
    printf("  %-10s labels %s; module enabled: %s\n", str(p, "plugin"),
           json_object_to_json_string_ext(json_get(p, "fields"), JSON_C_TO_STRING_PLAIN),
           yes(p, "enabled"));
  }
  json_object *rdt = json_get(report, "rdt");
  printf("\nRDT plugins (linux.intelRdt):%s\n", json_object_array_length(rdt) ? "" : " none");
  for (size_t i = 0; i < json_object_array_length(rdt); i++) {
    json_object *p = json_object_array_get_idx(rdt, i);
    if (!json_get_bool(p, "loads", false))
      printf("  %-10s does not load: %s\n", str(p, "plugin"), str(p, "reason"));
    else
      printf("  %-10s %s\n", str(p, "plugin"),
             json_get_bool(p, "enabled", false) ? "applies: resctrl found"
                                                : "does not apply: resctrl not found");
  }
  json_object *device = json_get(report, "device");
  printf("\ndevice plugins (annotation " BERTH_DEVICES_ANNOTATION "):%s\n",
         json_object_array_length(device) ? "" : " none");
  for (size_t i = 0; i < json_object_array_length(device); i++) {
    json_object *p = json_object_array_get_idx(device, i);
    if (!json_get_bool(p, "loads", false))
      printf("  %-10s does not load: %s\n", str(p, "plugin"), str(p, "reason"));
    else
      printf("  %-10s classes %s\n", str(p, "plugin"),
             json_object_to_json_string_ext(json_get(p, "classes"), JSON_C_TO_STRING_PLAIN));
  }
  json_object *host = json_get(report, "host");
  printf("\nhost:\n  cgroup layout: %s\n", str(json_get(host, "cgroup"), "layout"));
  json_object *sd = json_get(host, "systemd");
  printf("  systemd running: %s, private bus: %s, system D-Bus: %s\n", yes(sd, "running"),
         yes(sd, "privateBus"), yes(sd, "systemBus"));
  json_object *l = json_get(host, "lsm");
  printf("  AppArmor enabled: %s; SELinux enabled: %s, enforcing: %s\n",
         yes(json_get(l, "apparmor"), "enabled"), yes(json_get(l, "selinux"), "enabled"),
         yes(json_get(l, "selinux"), "enforcing"));
  printf("  resctrl mounted: %s\n", yes(json_get(host, "resctrl"), "mounted"));
  json_object *u = json_get(host, "userns");
  printf("  user namespaces: max_user_namespaces %s, unprivileged_userns_clone %s\n",
         json_object_get_string(json_get(u, "maxUserNamespaces")),
         json_get(u, "unprivilegedUsernsClone")
             ? json_object_get_string(json_get(u, "unprivilegedUsernsClone"))
             : "(absent)");
  static const char *const helpers[] = {"newuidmap", "newgidmap"};
  for (size_t i = 0; i < 2; i++) {
    json_object *h = json_get(host, helpers[i]);
    printf("  %s: %s%s\n", helpers[i],
           json_get_str(h, "path") != NULL ? str(h, "path") : "not found",
           json_get_str(h, "path") != NULL
               ? (json_get_bool(h, "setuidRoot", false) ? " (setuid root)" : " (NOT setuid root)")
               : "");
  }
  json_object *sc = json_get(host, "seccomp");
  printf("  seccomp: kernel %s, libseccomp %s\n", yes(sc, "kernel"), str(sc, "libseccomp"));
  printf("  overlay filesystem: %s\n", yes(json_get(host, "overlay"), "filesystem"));
  json_object *id = json_get(host, "idmappedMounts");
  printf("  idmapped mounts (mount_setattr): %s, kernel %s\n", yes(id, "mountSetattr"),
         str(id, "kernel"));
}

const struct option cli_checkcmd_options[] = {{"format", required_argument, NULL, 'f'},
                                              {NULL, 0, NULL, 0}};

int cmd_check(struct berth_globals *g, int argc, char **argv) {
  const char *format = "text";
  int c;
  while ((c = getopt_long(argc, argv, CLI_CHECK_SHORTOPTS, cli_checkcmd_options, NULL)) != -1) {
    if (c != 'f')
      return cli_option_error("check", c, argv, 1);
    format = optarg;
  }
  if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0)
    return cli_usage("check: unknown format %s (text or json)", format);
  if (optind < argc)
    return cli_usage("check: takes no arguments");
  _cleanup_json_ json_object *report = json_object_new_object();
  json_object_object_add(report, "pluginPath", json_object_new_string(berth_plugin_search_path()));
  json_object *cgroup = json_object_new_object();
  json_object_object_add(cgroup, "drivers", berth_cgroup_survey());
  json_object *conf = configured_driver(g);
  bool works = json_get(conf, "error") == NULL;
  json_object_object_add(cgroup, "default", conf);
  json_object_object_add(report, "cgroup", cgroup);
  json_object_object_add(report, "lsm", berth_lsm_survey());
  json_object_object_add(report, "rdt", survey(BERTH_RDT_PLUGIN, false));
  json_object_object_add(report, "device", survey(BERTH_DEVICE_PLUGIN_PREFIX, true));
  json_object_object_add(report, "host", berth_host_facts());
  if (strcmp(format, "json") == 0)
    printf("%s\n", json_object_to_json_string_ext(report, JSON_C_TO_STRING_PRETTY |
                                                              JSON_C_TO_STRING_SPACED |
                                                              JSON_C_TO_STRING_NOSLASHESCAPE));
  else
    print_text(report);
  return works ? 0 : 1;
}
