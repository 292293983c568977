/* SPDX-License-Identifier: Apache-2.0 */
/* `berth spec`: runc's default config.json, or its --rootless variant. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "cli.h"
#include "json_util.h"
#include "util.h"

#define CAPS "[\"CAP_AUDIT_WRITE\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"]"
#define NO_DEV "\"nosuid\",\"noexec\",\"nodev\""

static const char default_spec[] =
    "{\"ociVersion\":\"1.0.2-dev\","
    "\"process\":{\"terminal\":true,\"user\":{\"uid\":0,\"gid\":0},\"args\":[\"sh\"],"
    "\"env\":[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\","
    "\"TERM=xterm\"],\"cwd\":\"/\",\"capabilities\":{\"bounding\":" CAPS ",\"effective\":" CAPS
    ",\"permitted\":" CAPS ",\"ambient\":" CAPS "},"
    "\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1024,\"soft\":1024}],"
    "\"noNewPrivileges\":true},"
    "\"root\":{\"path\":\"rootfs\",\"readonly\":true},\"hostname\":\"berth\","
    "\"mounts\":["
    "{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
    "{\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
    "\"options\":[\"nosuid\",\"strictatime\",\"mode=755\",\"size=65536k\"]},"
    "{\"destination\":\"/dev/pts\",\"type\":\"devpts\",\"source\":\"devpts\","
    "\"options\":[\"nosuid\",\"noexec\",\"newinstance\",\"ptmxmode=0666\",\"mode=0620\","
    "\"gid=5\"]},"
    "{\"destination\":\"/dev/shm\",\"type\":\"tmpfs\",\"source\":\"shm\","
    "\"options\":[" NO_DEV ",\"mode=1777\",\"size=65536k\"]},"
    "{\"destination\":\"/dev/mqueue\",\"type\":\"mqueue\",\"source\":\"mqueue\","
    "\"options\":[" NO_DEV "]},"
    "{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\","
    "\"options\":[" NO_DEV ",\"ro\"]},"
    "{\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup\",\"source\":\"cgroup\","
    "\"options\":[" NO_DEV ",\"relatime\",\"ro\"]}],"
    "\"linux\":{\"resources\":{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]},"
    "\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"network\"},{\"type\":\"ipc\"},"
    "{\"type\":\"uts\"},{\"type\":\"mount\"}],"
    "\"maskedPaths\":[\"/proc/acpi\",\"/proc/asound\",\"/proc/kcore\",\"/proc/keys\","
    "\"/proc/latency_stats\",\"/proc/timer_list\",\"/proc/timer_stats\",\"/proc/sched_debug\","
    "\"/sys/firmware\",\"/proc/scsi\"],"
    "\"readonlyPaths\":[\"/proc/bus\",\"/proc/fs\",\"/proc/irq\",\"/proc/sys\","
    "\"/proc/sysrq-trigger\"]}}";

static json_object *id_map(unsigned id) {
  json_object *list = json_object_new_array();
  json_object *m = json_object_new_object();
  json_object_object_add(m, "containerID", json_object_new_int(0));
  json_object_object_add(m, "hostID", json_object_new_int64(id));
  json_object_object_add(m, "size", json_object_new_int(1));
  json_object_array_add(list, m);
  return list;
}

static json_object *namespace_entry(const char *type) {
  json_object *o = json_object_new_object();
  json_object_object_add(o, "type", json_object_new_string(type));
  return o;
}

/* runc's Example: a cgroup namespace only on a unified host. On cgroup v1 runc leaves it out
 * (the container then sees its cgroup paths as the host names them), and so do we, so that a
 * bundle made by `berth spec` runs the same under both. */
static void add_cgroup_namespace(json_object *spec) {
  if (berth_cgroup_unified_host())
    json_object_array_add(json_get(json_get(spec, "linux"), "namespaces"),
                          namespace_entry("cgroup"));
}

/* runc's ToRootless: a user namespace mapping the caller, no network namespace, /sys bound
 * from the host, no gid= mount options, no cgroup resources. */
static void make_rootless(json_object *spec) {
  json_object *linux_obj = json_get(spec, "linux");
  json_object *old = json_get(linux_obj, "namespaces");
  json_object *ns = json_object_new_array();
  for (size_t i = 0; i < json_object_array_length(old); i++) {
    const char *type = json_get_str(json_object_array_get_idx(old, i), "type");
    if (strcmp(type, "network") != 0 && strcmp(type, "user") != 0)
      json_object_array_add(ns, namespace_entry(type));
  }
  json_object_array_add(ns, namespace_entry("user"));
  json_object_object_add(linux_obj, "namespaces", ns);
  json_object_object_add(linux_obj, "uidMappings", id_map(geteuid()));
  json_object_object_add(linux_obj, "gidMappings", id_map(getegid()));
  json_object_object_del(linux_obj, "resources");
  json_object *mounts = json_get(spec, "mounts");
  for (size_t i = 0; i < json_object_array_length(mounts); i++) {
    json_object *m = json_object_array_get_idx(mounts, i);
    json_object *opts = json_get(m, "options");
    for (size_t j = 0; opts != NULL && j < json_object_array_length(opts); j++)
      if (strncmp(json_object_get_string(json_object_array_get_idx(opts, j)), "gid=", 4) == 0)
        json_object_array_del_idx(opts, j--, 1);
    if (strcmp(json_get_str(m, "destination"), "/sys") == 0)
      json_object_array_put_idx(
          mounts, i,
          json_tokener_parse("{\"destination\":\"/sys\",\"type\":\"none\",\"source\":\"/sys\","
                             "\"options\":[\"rbind\"," NO_DEV ",\"ro\"]}"));
  }
}

const struct option cli_spec_options[] = {{"bundle", required_argument, NULL, 'b'},
                                          {"rootless", no_argument, NULL, 'r'},
                                          {NULL, 0, NULL, 0}};

int cmd_spec(struct berth_globals *g, int argc, char **argv) {
  const char *bundle = ".";
  bool rootless = false;
  int c;
  while ((c = getopt_long(argc, argv, CLI_SPEC_SHORTOPTS, cli_spec_options, NULL)) != -1) {
    if (c == 'b')
      bundle = optarg;
    else if (c == 'r')
      rootless = true;
    else
      return cli_usage("spec: invalid option");
  }
  _cleanup_error_ struct berth_error err = {0};
  _cleanup_json_ json_object *spec = json_tokener_parse(default_spec);
  add_cgroup_namespace(spec);
  if (rootless)
    make_rootless(spec);
  _cleanup_close_ int dir = open(bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) {
    berth_error(&err, errno, "spec: bundle %s", bundle);
    return cli_fail(&err);
  }
  _cleanup_close_ int fd =
      openat(dir, "config.json", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) {
    berth_error(&err, errno, "spec: %s/config.json", bundle);
    return cli_fail(&err);
  }
  const char *text = json_object_to_json_string_ext(
      spec, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE | JSON_C_TO_STRING_SPACED);
  if (write_all(fd, text, strlen(text)) < 0 || write_all(fd, "\n", 1) < 0) {
    berth_error(&err, errno, "spec: write %s/config.json", bundle);
    return cli_fail(&err);
  }
  (void)g;
  return 0;
}
