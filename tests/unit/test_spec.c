/* SPDX-License-Identifier: Apache-2.0 */
/* config.json: parse errors carry a byte offset, validation errors name the field path. */
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <cmocka.h>

#include "container.h"
#include "error.h"
#include "json_util.h"
#include "spec.h"

/* What `runc spec` writes, which every engine's config resembles. */
static const char runc_spec[] =
    "{"
    "  \"ociVersion\": \"1.0.2-dev\","
    "  \"process\": {"
    "    \"terminal\": true,"
    "    \"user\": {\"uid\": 0, \"gid\": 0},"
    "    \"args\": [\"sh\"],"
    "    \"env\": [\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\","
    "            \"TERM=xterm\"],"
    "    \"cwd\": \"/\","
    "    \"capabilities\": {"
    "      \"bounding\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],"
    "      \"effective\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],"
    "      \"permitted\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],"
    "      \"ambient\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"]"
    "    },"
    "    \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"hard\": 1024, \"soft\": 1024}],"
    "    \"noNewPrivileges\": true"
    "  },"
    "  \"root\": {\"path\": \"rootfs\", \"readonly\": true},"
    "  \"hostname\": \"runc\","
    "  \"mounts\": ["
    "    {\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},"
    "    {\"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\","
    "     \"options\": [\"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\"]},"
    "    {\"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": \"devpts\","
    "     \"options\": [\"nosuid\", \"noexec\", \"newinstance\", \"ptmxmode=0666\", "
    "                   \"mode=0620\", \"gid=5\"]},"
    "    {\"destination\": \"/dev/shm\", \"type\": \"tmpfs\", \"source\": \"shm\","
    "     \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"mode=1777\", \"size=65536k\"]},"
    "    {\"destination\": \"/dev/mqueue\", \"type\": \"mqueue\", \"source\": \"mqueue\","
    "     \"options\": [\"nosuid\", \"noexec\", \"nodev\"]},"
    "    {\"destination\": \"/sys\", \"type\": \"sysfs\", \"source\": \"sysfs\","
    "     \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"ro\"]},"
    "    {\"destination\": \"/sys/fs/cgroup\", \"type\": \"cgroup\", \"source\": \"cgroup\","
    "     \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"relatime\", \"ro\"]}"
    "  ],"
    "  \"linux\": {"
    "    \"resources\": {\"devices\": [{\"allow\": false, \"access\": \"rwm\"}]},"
    "    \"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"network\"}, {\"type\": \"ipc\"},"
    "                   {\"type\": \"uts\"}, {\"type\": \"mount\"}, {\"type\": \"cgroup\"}],"
    "    \"maskedPaths\": [\"/proc/acpi\", \"/proc/asound\", \"/proc/kcore\", \"/proc/keys\","
    "                    \"/proc/latency_stats\", \"/proc/timer_list\", \"/proc/timer_stats\","
    "                    \"/proc/sched_debug\", \"/sys/firmware\", \"/proc/scsi\"],"
    "    \"readonlyPaths\": [\"/proc/bus\", \"/proc/fs\", \"/proc/irq\", \"/proc/sys\","
    "                      \"/proc/sysrq-trigger\"]"
    "  }"
    "}";

/* Everything else a real engine sends: user namespace and mappings, hooks, devices,
 * sysctls, resources, seccomp, annotations, LSM fields. */
static const char full_spec_extra[] =
    "{"
    "  \"domainname\": \"example.org\","
    "  \"annotations\": {\"io.kubernetes.cri.container-type\": \"container\"},"
    "  \"hooks\": {"
    "    \"prestart\": [{\"path\": \"/usr/bin/hook\", \"args\": [\"hook\", \"prestart\"],"
    "                   \"env\": [\"A=b\"], \"timeout\": 5}],"
    "    \"createRuntime\": [{\"path\": \"/usr/bin/hook\"}],"
    "    \"poststop\": [{\"path\": \"/usr/bin/hook\"}]"
    "  },"
    "  \"process\": {"
    "    \"terminal\": false,"
    "    \"consoleSize\": {\"height\": 24, \"width\": 80},"
    "    \"user\": {\"uid\": 1000, \"gid\": 1000, \"umask\": 18, \"additionalGids\": [5, 10]},"
    "    \"args\": [\"/bin/sleep\", \"infinity\"],"
    "    \"cwd\": \"/home/user\","
    "    \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"hard\": 1048576, \"soft\": 1024},"
    "                {\"type\": \"RLIMIT_NPROC\", \"hard\": 4096, \"soft\": 4096},"
    "                {\"type\": \"RLIMIT_RTTIME\", \"hard\": 0, \"soft\": 0}],"
    "    \"apparmorProfile\": \"berth-default\","
    "    \"selinuxLabel\": \"system_u:system_r:container_t:s0:c1,c2\","
    "    \"oomScoreAdj\": -500,"
    "    \"capabilities\": {\"bounding\": [\"CAP_CHOWN\", \"CAP_SYS_ADMIN\", \"CAP_BPF\","
    "                                    \"CAP_CHECKPOINT_RESTORE\"],"
    "                     \"inheritable\": [], \"effective\": [\"CAP_CHOWN\"]}"
    "  },"
    "  \"linux\": {"
    "    \"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"network\"}, {\"type\": \"ipc\"},"
    "                   {\"type\": \"uts\"}, {\"type\": \"mount\"}, {\"type\": \"cgroup\"},"
    "                   {\"type\": \"user\"}, {\"type\": \"time\"}],"
    "    \"uidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}],"
    "    \"gidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}],"
    "    \"devices\": [{\"path\": \"/dev/fuse\", \"type\": \"c\", \"major\": 10, \"minor\": 229,"
    "                 \"fileMode\": 438, \"uid\": 0, \"gid\": 0},"
    "                {\"path\": \"/dev/loop0\", \"type\": \"b\", \"major\": 7, \"minor\": 0},"
    "                {\"path\": \"/dev/pipe\", \"type\": \"p\"},"
    "                {\"path\": \"/dev/null2\", \"type\": \"u\", \"major\": 1, \"minor\": 3}],"
    "    \"cgroupsPath\": \"/berth/c1\","
    "    \"resources\": {"
    "      \"devices\": [{\"allow\": false, \"access\": \"rwm\"},"
    "                  {\"allow\": true, \"type\": \"c\", \"major\": 10, \"minor\": 229,"
    "                   \"access\": \"rwm\"}],"
    "      \"memory\": {\"limit\": 536870912, \"reservation\": 268435456, \"swap\": -1,"
    "                 \"disableOOMKiller\": false},"
    "      \"cpu\": {\"shares\": 1024, \"quota\": 50000, \"period\": 100000, \"cpus\": \"0-1\","
    "              \"mems\": \"0\"},"
    "      \"pids\": {\"limit\": 100},"
    "      \"hugepageLimits\": [{\"pageSize\": \"2MB\", \"limit\": 0}],"
    "      \"blockIO\": {\"weight\": 500},"
    "      \"unified\": {\"memory.high\": \"max\"}"
    "    },"
    "    \"rootfsPropagation\": \"rslave\","
    "    \"sysctl\": {\"net.ipv4.ip_forward\": \"1\", \"kernel.shmmax\": \"68719476736\","
    "               \"fs.mqueue.msg_max\": \"100\", \"kernel.domainname\": \"example.org\"},"
    "    \"seccomp\": {\"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": "
    "                [\"SCMP_ARCH_X86_64\"], \"syscalls\": [{\"names\": [\"read\"],"
    "                \"action\": \"SCMP_ACT_ALLOW\"}]},"
    "    \"mountLabel\": \"system_u:object_r:container_file_t:s0:c1,c2\","
    "    \"intelRdt\": {\"closID\": \"c1\", \"l3CacheSchema\": \"L3:0=ffff\"}"
    "  }"
    "}";

static json_object *parse_or_fail(const char *text) {
  json_object *o = NULL;
  struct berth_error err = {0};
  if (berth_spec_parse(text, "config.json", &o, &err) < 0)
    fail_msg("parse: %s", err.msg);
  return o;
}

/* Walk "a.b.2.c": object members by name, array elements by index. NULL when absent. */
static json_object *walk(json_object *o, const char *path, char **last) {
  char *copy = strdup(path);
  assert_non_null(copy);
  char *save = NULL, *tok = strtok_r(copy, ".", &save), *next;
  for (; tok != NULL && (next = strtok_r(NULL, ".", &save)) != NULL; tok = next) {
    if (json_object_is_type(o, json_type_array))
      o = json_object_array_get_idx(o, (size_t)atoi(tok));
    else
      o = json_get(o, tok);
    if (o == NULL)
      break;
  }
  *last = tok != NULL ? strdup(tok) : NULL;
  free(copy);
  return o;
}

/* Set (value != NULL) or delete (value == NULL) the member at path. value is JSON text;
 * "null" sets a JSON null. */
static void edit(json_object *spec, const char *path, const char *value) {
  char *last = NULL;
  json_object *parent = walk(spec, path, &last);
  if (parent == NULL || last == NULL)
    fail_msg("test spec has no parent for %s", path);
  bool delete = value == NULL;
  json_object *v = delete ? NULL : json_tokener_parse(value);
  if (!delete &&v == NULL && strcmp(value, "null") != 0)
    fail_msg("test value %s is not JSON", value);
  if (json_object_is_type(parent, json_type_array)) {
    size_t idx = (size_t)atoi(last);
    if (delete)
      json_object_array_del_idx(parent, idx, 1);
    else if (idx >= json_object_array_length(parent))
      json_object_array_add(parent, v);
    else
      json_object_array_put_idx(parent, idx, v);
  } else if (delete) {
    json_object_object_del(parent, last);
  } else {
    json_object_object_add(parent, last, v);
  }
  free(last);
}

/* Recursively copy src's members over dst (objects merge, anything else replaces). */
static void merge(json_object *dst, json_object *src) {
  json_object_object_foreach(src, key, val) {
    json_object *have = json_get(dst, key);
    if (have != NULL && json_object_is_type(have, json_type_object) &&
        json_object_is_type(val, json_type_object))
      merge(have, val);
    else
      json_object_object_add(dst, key, json_object_get(val));
  }
}

static json_object *full_spec(void) {
  json_object *spec = parse_or_fail(runc_spec);
  json_object *extra = parse_or_fail(full_spec_extra);
  merge(spec, extra);
  json_object_put(extra);
  return spec;
}

static void assert_contains(const char *msg, const char *needle) {
  if (msg == NULL)
    fail_msg("no error message (wanted \"%s\")", needle);
  if (strstr(msg, needle) == NULL)
    fail_msg("message \"%s\" lacks \"%s\"", msg, needle);
}

static void assert_valid(json_object *spec) {
  struct berth_error err = {0};
  if (berth_spec_validate(spec, &err) != 0)
    fail_msg("valid spec refused: %s", err.msg);
  assert_null(err.msg);
  json_object_put(spec);
}

/* Refused with a message starting at the field path and saying why. */
static void assert_invalid(json_object *spec, const char *starts_with, const char *says) {
  struct berth_error err = {0};
  int r = berth_spec_validate(spec, &err);
  if (r == 0)
    fail_msg("spec accepted; wanted \"%s ... %s\"", starts_with, says);
  assert_true(r < 0);
  assert_non_null(err.msg);
  if (strncmp(err.msg, starts_with, strlen(starts_with)) != 0)
    fail_msg("message \"%s\" does not start with \"%s\"", err.msg, starts_with);
  assert_contains(err.msg, says);
  berth_error_clear(&err);
  json_object_put(spec);
}

/* The runc spec with one member set (JSON text) or removed (NULL). */
static json_object *runc_with(const char *path, const char *value) {
  json_object *spec = parse_or_fail(runc_spec);
  edit(spec, path, value);
  return spec;
}

static json_object *full_with(const char *path, const char *value) {
  json_object *spec = full_spec();
  edit(spec, path, value);
  return spec;
}

/* --- parsing --- */

static void test_spec_parse_reports_byte_offset_of_syntax_error(void **state) {
  json_object *o = NULL;
  struct berth_error err = {0};
  /* The comma missing before "root": the quote at byte 21 is where it goes wrong. */
  int r = berth_spec_parse("{\"ociVersion\": \"1.0\" \"root\": {}}", "config.json", &o, &err);
  assert_true(r < 0);
  assert_null(o);
  assert_contains(err.msg, "config.json: invalid JSON at byte 21: ");
  berth_error_clear(&err);

  r = berth_spec_parse("{\"a\": [1, 2,, 3]}", "config.json", &o, &err);
  assert_true(r < 0);
  assert_contains(err.msg, "invalid JSON at byte 12: ");
  berth_error_clear(&err);
}

static void test_spec_parse_reports_garbage(void **state) {
  json_object *o = NULL;
  struct berth_error err = {0};
  int r = berth_spec_parse("not json at all", "config.json", &o, &err);
  assert_true(r < 0);
  assert_null(o);
  assert_contains(err.msg, "config.json: invalid JSON at byte 1: ");
  berth_error_clear(&err);
}

static void test_spec_parse_reports_truncated_input(void **state) {
  json_object *o = NULL;
  struct berth_error err = {0};
  int r = berth_spec_parse("{\"ociVersion\": \"1.0\", \"process\": {", "config.json", &o, &err);
  assert_true(r < 0);
  assert_null(o);
  assert_contains(err.msg, "config.json: invalid JSON");
  assert_contains(err.msg, "end of input");
  berth_error_clear(&err);

  r = berth_spec_parse("", "config.json", &o, &err);
  assert_true(r < 0);
  assert_contains(err.msg, "invalid JSON");
  berth_error_clear(&err);
}

/* Two objects back to back (a botched edit) must not silently run the first one. */
static void test_spec_parse_refuses_trailing_data(void **state) {
  json_object *o = NULL;
  struct berth_error err = {0};
  int r = berth_spec_parse("{\"ociVersion\": \"1.0\"} {\"ociVersion\": \"2\"}", "config.json", &o,
                           &err);
  if (r == 0) {
    json_object_put(o);
    fail_msg("trailing data after the top-level object was accepted");
  }
  assert_contains(err.msg, "invalid JSON at byte 22");
  berth_error_clear(&err);
}

static void test_spec_parse_accepts_trailing_whitespace(void **state) {
  json_object *o = parse_or_fail("{\"ociVersion\": \"1.0\"}\n\n  \t\n");
  assert_string_equal(json_get_str(o, "ociVersion"), "1.0");
  json_object_put(o);
}

static void test_spec_parse_names_what_it_parses(void **state) {
  json_object *o = NULL;
  struct berth_error err = {0};
  assert_true(berth_spec_parse("{", "state.json", &o, &err) < 0);
  assert_contains(err.msg, "state.json: invalid JSON");
  berth_error_clear(&err);
}

/* --- whole specs --- */

static void test_spec_accepts_runc_default_spec(void **state) {
  assert_valid(parse_or_fail(runc_spec));
}

static void test_spec_accepts_full_spec(void **state) {
  assert_valid(full_spec());
}

static void test_spec_refuses_non_object(void **state) {
  assert_invalid(parse_or_fail("[1, 2]"), "config.json", "not a JSON object");
}

/* --- required fields --- */

static void test_spec_requires_oci_version(void **state) {
  assert_invalid(runc_with("ociVersion", NULL), "ociVersion: ", "required");
}

static void test_spec_requires_root(void **state) {
  assert_invalid(runc_with("root", NULL), "root: ", "required");
}

static void test_spec_requires_root_path(void **state) {
  assert_invalid(runc_with("root.path", NULL), "root.path: ", "required");
}

static void test_spec_requires_process(void **state) {
  assert_invalid(runc_with("process", NULL), "process: ", "required");
}

static void test_spec_requires_process_cwd(void **state) {
  assert_invalid(runc_with("process.cwd", NULL), "process.cwd: ", "required");
}

static void test_spec_requires_process_user(void **state) {
  assert_invalid(runc_with("process.user", NULL), "process.user: ", "required");
}

static void test_spec_requires_process_user_uid(void **state) {
  assert_invalid(runc_with("process.user.uid", NULL), "process.user.uid: ", "required");
}

static void test_spec_requires_process_user_gid(void **state) {
  assert_invalid(runc_with("process.user.gid", NULL), "process.user.gid: ", "required");
}

static void test_spec_requires_linux_section(void **state) {
  assert_invalid(runc_with("linux", NULL), "linux: ", "required");
}

static void test_spec_requires_mount_destination_by_index(void **state) {
  assert_invalid(runc_with("mounts.3.destination", NULL), "mounts[3].destination: ", "required");
}

static void test_spec_requires_namespace_type_by_index(void **state) {
  assert_invalid(runc_with("linux.namespaces.2.type", NULL),
                 "linux.namespaces[2].type: ", "required");
}

static void test_spec_requires_rlimit_limits(void **state) {
  assert_invalid(runc_with("process.rlimits.0.hard", NULL),
                 "process.rlimits[0].hard: ", "required");
}

static void test_spec_requires_mapping_size(void **state) {
  assert_invalid(full_with("linux.uidMappings.0.size", NULL),
                 "linux.uidMappings[0].size: ", "required");
}

static void test_spec_requires_hook_path(void **state) {
  assert_invalid(full_with("hooks.prestart.0.path", NULL), "hooks.prestart[0].path: ", "required");
}

static void test_spec_refuses_hook_timeout_not_above_zero(void **state) {
  assert_invalid(full_with("hooks.prestart.0.timeout", "0"),
                 "hooks.prestart[0].timeout: ", "must be greater than zero");
  assert_invalid(full_with("hooks.prestart.0.timeout", "-1"),
                 "hooks.prestart[0].timeout: ", "must be greater than zero");
  assert_valid(full_with("hooks.prestart.0.timeout", "null"));
}

static void test_spec_requires_device_path(void **state) {
  assert_invalid(full_with("linux.devices.1.path", NULL), "linux.devices[1].path: ", "required");
}

/* A JSON null is as good as absent. */
static void test_spec_treats_null_as_missing(void **state) {
  assert_invalid(runc_with("process.cwd", "null"), "process.cwd: ", "required");
}

/* --- wrong types --- */

static void test_spec_names_mount_index_of_wrong_type(void **state) {
  assert_invalid(runc_with("mounts.1.destination", "5"),
                 "mounts[1].destination: ", "must be a string");
}

static void test_spec_refuses_string_uid(void **state) {
  assert_invalid(runc_with("process.user.uid", "\"0\""),
                 "process.user.uid: ", "must be a non-negative integer");
}

static void test_spec_refuses_negative_uid(void **state) {
  assert_invalid(runc_with("process.user.uid", "-1"),
                 "process.user.uid: ", "-1 is out of range (0-4294967294)");
}

static void test_spec_refuses_fractional_gid(void **state) {
  assert_invalid(runc_with("process.user.gid", "1.5"),
                 "process.user.gid: ", "must be a non-negative integer");
}

static void test_spec_refuses_string_args(void **state) {
  assert_invalid(runc_with("process.args", "\"sh -c true\""),
                 "process.args: ", "must be an array of strings");
}

static void test_spec_refuses_non_string_arg(void **state) {
  assert_invalid(runc_with("process.args", "[\"sh\", 1]"),
                 "process.args: ", "must be an array of strings");
}

static void test_spec_refuses_string_terminal(void **state) {
  assert_invalid(runc_with("process.terminal", "\"yes\""),
                 "process.terminal: ", "must be a boolean");
}

static void test_spec_refuses_root_as_string(void **state) {
  assert_invalid(runc_with("root", "\"rootfs\""), "root: ", "must be an object");
}

static void test_spec_refuses_mounts_with_non_object(void **state) {
  assert_invalid(runc_with("mounts.7", "\"/data\""), "mounts: ", "must be an array of objects");
}

static void test_spec_refuses_non_string_sysctl_value(void **state) {
  assert_invalid(runc_with("linux.sysctl", "{\"net.ipv4.ip_forward\": 1}"),
                 "linux.sysctl: ", "must be an object of strings");
}

static void test_spec_refuses_non_string_annotation(void **state) {
  assert_invalid(runc_with("annotations", "{\"a\": true}"),
                 "annotations: ", "must be an object of strings");
}

static void test_spec_names_nested_resource_field(void **state) {
  assert_invalid(full_with("linux.resources.memory.limit", "\"512M\""),
                 "linux.resources.memory.limit: ", "must be an integer");
}

static void test_spec_names_device_rule_index(void **state) {
  assert_invalid(full_with("linux.resources.devices.1.allow", "\"yes\""),
                 "linux.resources.devices[1].allow: ", "must be a boolean");
}

static void test_spec_refuses_non_integer_additional_gid(void **state) {
  assert_invalid(full_with("process.user.additionalGids", "[5, \"wheel\"]"),
                 "process.user.additionalGids: ", "must be an array of integers");
}

/* --- ranges: every number fits the type and the kernel's limits it ends up in --- */

/* (uid_t)-1 is "no change" to setresuid: a config asking for it must not run as root. */
static void test_spec_refuses_uid_of_no_id_and_beyond(void **state) {
  assert_invalid(runc_with("process.user.uid", "4294967295"),
                 "process.user.uid: ", "4294967295 is out of range (0-4294967294)");
  assert_invalid(runc_with("process.user.uid", "4294967296"),
                 "process.user.uid: ", "4294967296 is out of range (0-4294967294)");
  assert_invalid(runc_with("process.user.uid", "18446744073709551615"),
                 "process.user.uid: ", "18446744073709551615 is out of range");
  assert_invalid(runc_with("process.user.gid", "4294967296"),
                 "process.user.gid: ", "out of range (0-4294967294)");
}

static void test_spec_accepts_largest_uid(void **state) {
  json_object *spec = runc_with("process.user.uid", "4294967294");
  edit(spec, "process.user.gid", "4294967294");
  assert_valid(spec);
}

static void test_spec_refuses_additional_gid_out_of_range(void **state) {
  assert_invalid(full_with("process.user.additionalGids", "[5, 4294967295]"),
                 "process.user.additionalGids[1]: ", "out of range (0-4294967294)");
  assert_invalid(full_with("process.user.additionalGids", "[-1]"),
                 "process.user.additionalGids[0]: ", "-1 is out of range");
}

static void test_spec_refuses_umask_beyond_permission_bits(void **state) {
  assert_invalid(full_with("process.user.umask", "512"),
                 "process.user.umask: ", "512 is out of range (0-511)");
}

static void test_spec_refuses_mapping_out_of_range(void **state) {
  assert_invalid(full_with("linux.uidMappings.0.hostID", "4294967296"),
                 "linux.uidMappings[0].hostID: ", "out of range (0-4294967294)");
  assert_invalid(full_with("linux.gidMappings.0.size", "0"),
                 "linux.gidMappings[0].size: ", "0 is out of range (1-4294967295)");
}

/* A mapping whose last id passes (uid_t)-1 would be refused by the kernel, or wrap. */
static void test_spec_refuses_mapping_that_overflows(void **state) {
  assert_invalid(full_with("linux.uidMappings.0.hostID", "4294967000"),
                 "linux.uidMappings[0]: ", "hostID 4294967000 + size 65536 passes the largest id");
  assert_invalid(full_with("linux.gidMappings.0.containerID", "4294967294"),
                 "linux.gidMappings[0]: ", "containerID 4294967294 + size 65536");
  json_object *spec = full_with("linux.uidMappings.0.hostID", "4294901759"); /* ends at -2 */
  assert_valid(spec);
}

static void test_spec_refuses_id_mapped_mount_that_overflows(void **state) {
  assert_invalid(runc_with("mounts.1.uidMappings",
                           "[{\"containerID\": 0, \"hostID\": 4294967295, \"size\": 1}]"),
                 "mounts[1].uidMappings[0].hostID: ", "out of range");
  assert_invalid(runc_with("mounts.1.gidMappings",
                           "[{\"containerID\": 1, \"hostID\": 0, \"size\": 4294967295}]"),
                 "mounts[1].gidMappings[0]: ", "containerID 1 + size 4294967295");
}

/* The kernel takes at most 340 lines in uid_map. */
static void test_spec_refuses_more_mappings_than_the_kernel_takes(void **state) {
  json_object *spec = full_spec();
  json_object *maps = json_object_new_array();
  for (int i = 0; i < 341; i++) {
    json_object *m = json_object_new_object();
    json_object_object_add(m, "containerID", json_object_new_int64(i));
    json_object_object_add(m, "hostID", json_object_new_int64(100000 + i));
    json_object_object_add(m, "size", json_object_new_int64(1));
    json_object_array_add(maps, m);
  }
  json_object_object_add(json_get(spec, "linux"), "uidMappings", maps);
  assert_invalid(spec, "linux.uidMappings: ", "341 entries, more than the 340 allowed");
}

static void test_spec_refuses_console_size_beyond_unsigned_short(void **state) {
  assert_invalid(full_with("process.consoleSize.height", "65536"),
                 "process.consoleSize.height: ", "65536 is out of range (0-65535)");
  assert_invalid(full_with("process.consoleSize.width", "4294967376"),
                 "process.consoleSize.width: ", "out of range (0-65535)");
}

static void test_spec_refuses_oom_score_adj_out_of_range(void **state) {
  assert_invalid(full_with("process.oomScoreAdj", "1001"),
                 "process.oomScoreAdj: ", "1001 is out of range (-1000 to 1000)");
  assert_invalid(full_with("process.oomScoreAdj", "-1001"),
                 "process.oomScoreAdj: ", "-1001 is out of range");
  assert_valid(full_with("process.oomScoreAdj", "-1000"));
}

/* dev_t keeps 12 bits of major and 20 of minor: more would make another device. */
static void test_spec_refuses_device_numbers_beyond_dev_t(void **state) {
  assert_invalid(full_with("linux.devices.0.major", "4096"),
                 "linux.devices[0].major: ", "4096 is out of range (0-4095)");
  assert_invalid(full_with("linux.devices.0.minor", "1048576"),
                 "linux.devices[0].minor: ", "1048576 is out of range (0-1048575)");
  assert_invalid(full_with("linux.devices.0.major", "-1"),
                 "linux.devices[0].major: ", "-1 is out of range");
  assert_invalid(full_with("linux.devices.0.fileMode", "65536"),
                 "linux.devices[0].fileMode: ", "out of range");
  assert_invalid(full_with("linux.devices.0.uid", "4294967295"),
                 "linux.devices[0].uid: ", "out of range (0-4294967294)");
}

/* In a device cgroup rule -1 is the "*" wildcard; below that is garbage. */
static void test_spec_device_rule_takes_wildcard_not_below(void **state) {
  assert_valid(full_with("linux.resources.devices.1.major", "-1"));
  assert_invalid(full_with("linux.resources.devices.1.minor", "-2"),
                 "linux.resources.devices[1].minor: ", "-2 is out of range (-1 to 1048575)");
}

static void test_spec_refuses_rlimit_soft_above_hard(void **state) {
  assert_invalid(full_with("process.rlimits.1.soft", "4097"),
                 "process.rlimits[1]: ", "soft 4097 is above hard 4096");
  assert_valid(full_with("process.rlimits.0.hard", "18446744073709551615")); /* infinity */
}

static void test_spec_refuses_hook_timeout_beyond_int(void **state) {
  assert_invalid(full_with("hooks.prestart.0.timeout", "2147483648"),
                 "hooks.prestart[0].timeout: ", "2147483648 is out of range (1-2147483647)");
}

static void test_spec_refuses_negative_limits_other_than_unlimited(void **state) {
  assert_valid(full_with("linux.resources.memory.limit", "-1"));
  assert_invalid(full_with("linux.resources.memory.limit", "-2"),
                 "linux.resources.memory.limit: ", "-2 is out of range");
  assert_invalid(full_with("linux.resources.pids.limit", "-5"),
                 "linux.resources.pids.limit: ", "-5 is out of range");
  assert_invalid(full_with("linux.resources.cpu.idle", "2"),
                 "linux.resources.cpu.idle: ", "2 is out of range (0-1)");
}

static void test_spec_refuses_time_offset_nanoseconds_beyond_a_second(void **state) {
  assert_valid(full_with("linux.timeOffsets", "{\"monotonic\": {\"secs\": -5, \"nanosecs\": 5}}"));
  assert_invalid(full_with("linux.timeOffsets", "{\"boottime\": {\"nanosecs\": 1000000000}}"),
                 "linux.timeOffsets.boottime.nanosecs: ", "out of range (0-999999999)");
}

/* execve could never take more: their pointers alone would pass the kernel's 6 MiB. */
static void test_spec_refuses_more_args_than_execve_takes(void **state) {
  json_object *spec = full_spec();
  json_object *args = json_get(json_get(spec, "process"), "args");
  json_object *x = json_object_new_string("x");
  while (json_object_array_length(args) <= 786432)
    json_object_array_add(args, json_object_get(x));
  json_object_put(x);
  assert_invalid(spec, "process.args: ", "786433 entries, more than the 786432 allowed");
}

/* --- semantic rules --- */

static void test_spec_refuses_unknown_namespace(void **state) {
  assert_invalid(runc_with("linux.namespaces.6", "{\"type\": \"foo\"}"),
                 "linux.namespaces[6].type: ", "unknown namespace foo");
}

static void test_spec_refuses_duplicate_namespace(void **state) {
  assert_invalid(runc_with("linux.namespaces.6", "{\"type\": \"pid\"}"), "linux.namespaces[6]",
                 "duplicate pid namespace");
}

static void test_spec_refuses_relative_namespace_path(void **state) {
  assert_invalid(runc_with("linux.namespaces.1", "{\"type\": \"network\", \"path\": \"ns/net\"}"),
                 "linux.namespaces[1].path: ", "not absolute");
}

/* The runtime spec: a namespace not listed is inherited from the runtime, the mount one too
 * (runtime-tools' linux_ns_itype lists none). */
static void test_spec_accepts_no_mount_namespace(void **state) {
  assert_valid(runc_with("linux.namespaces.4", NULL));
}

static void test_spec_accepts_no_namespaces_at_all(void **state) {
  json_object *spec = runc_with("linux.namespaces", NULL);
  edit(spec, "hostname", NULL); /* needs a uts namespace, and would be refused */
  assert_valid(spec);
}

/* Init builds such a container's root in a scratch mount namespace and must get back to the
 * runtime's, which a process in a new user namespace may not. */
static void test_spec_refuses_user_namespace_without_mount_namespace(void **state) {
  assert_invalid(full_with("linux.namespaces.4", NULL),
                 "linux.namespaces: ", "a user namespace needs a mount namespace too");
}

static void test_spec_refuses_shared_propagation_without_mount_namespace(void **state) {
  json_object *spec = runc_with("linux.namespaces.4", NULL);
  edit(spec, "linux.rootfsPropagation", "\"rslave\"");
  assert_invalid(spec, "linux.rootfsPropagation: ", "rslave needs a mount namespace");
  spec = runc_with("linux.namespaces.4", NULL);
  edit(spec, "linux.rootfsPropagation", "\"shared\"");
  assert_invalid(spec, "linux.rootfsPropagation: ", "shared needs a mount namespace");
  spec = runc_with("linux.namespaces.4", NULL);
  edit(spec, "linux.rootfsPropagation", "\"rprivate\"");
  assert_valid(spec);
}

static void test_spec_refuses_relative_cwd(void **state) {
  assert_invalid(runc_with("process.cwd", "\"home/user\""),
                 "process.cwd: ", "home/user is not an absolute path");
}

static void test_spec_refuses_empty_cwd(void **state) {
  assert_invalid(runc_with("process.cwd", "\"\""), "process.cwd: ", "not an absolute path");
}

static void test_spec_refuses_empty_args(void **state) {
  assert_invalid(runc_with("process.args", "[]"), "process.args: ", "must not be empty");
}

static void test_spec_refuses_missing_args(void **state) {
  assert_invalid(runc_with("process.args", NULL), "process.args: ", "must not be empty");
}

static void test_spec_refuses_unknown_capability(void **state) {
  assert_invalid(runc_with("process.capabilities.bounding.1", "\"CAP_FOO\""),
                 "process.capabilities.bounding: ", "unknown capability CAP_FOO");
}

static void test_spec_names_capability_set(void **state) {
  assert_invalid(runc_with("process.capabilities.ambient.0", "\"CAP_SYS_EVERYTHING\""),
                 "process.capabilities.ambient: ", "unknown capability CAP_SYS_EVERYTHING");
}

static void test_spec_refuses_unknown_rlimit(void **state) {
  assert_invalid(
      runc_with("process.rlimits.1", "{\"type\": \"RLIMIT_FOO\", \"hard\": 1, \"soft\": 1}"),
      "process.rlimits[1].type: ", "unknown rlimit RLIMIT_FOO");
}

static void test_spec_refuses_uid_mappings_without_user_namespace(void **state) {
  json_object *spec = full_with("linux.namespaces.6", NULL); /* drop "user" */
  assert_invalid(spec, "linux.uidMappings: ", "no user namespace");
}

static void test_spec_refuses_gid_mappings_without_user_namespace(void **state) {
  json_object *spec = full_with("linux.namespaces.6", NULL);
  edit(spec, "linux.uidMappings", NULL);
  assert_invalid(spec, "linux.", "no user namespace");
}

static void test_spec_refuses_user_namespace_without_mappings(void **state) {
  json_object *spec = full_with("linux.uidMappings", NULL);
  edit(spec, "linux.gidMappings", NULL);
  assert_invalid(spec, "linux.uidMappings: ", "needs uid and gid mappings");
}

static void test_spec_refuses_user_namespace_without_gid_mappings(void **state) {
  assert_invalid(full_with("linux.gidMappings", "[]"),
                 "linux.uidMappings: ", "needs uid and gid mappings");
}

/* Joining an existing user namespace brings its mappings along. */
static void test_spec_accepts_joined_user_namespace_without_mappings(void **state) {
  json_object *spec = full_with("linux.uidMappings", NULL);
  edit(spec, "linux.gidMappings", NULL);
  edit(spec, "linux.namespaces.6", "{\"type\": \"user\", \"path\": \"/proc/1/ns/user\"}");
  assert_valid(spec);
}

static void test_spec_refuses_net_sysctl_without_network_namespace(void **state) {
  json_object *spec = runc_with("linux.namespaces.1", NULL); /* drop "network" */
  edit(spec, "linux.sysctl", "{\"net.ipv4.ip_forward\": \"1\"}");
  assert_invalid(spec, "linux.sysctl: ", "net.ipv4.ip_forward needs a network namespace");
}

static void test_spec_accepts_net_sysctl_with_network_namespace(void **state) {
  assert_valid(runc_with("linux.sysctl", "{\"net.core.somaxconn\": \"1024\"}"));
}

static void test_spec_accepts_ipc_sysctl_with_ipc_namespace(void **state) {
  assert_valid(runc_with("linux.sysctl", "{\"kernel.shmmax\": \"68719476736\"}"));
}

static void test_spec_refuses_ipc_sysctl_without_ipc_namespace(void **state) {
  json_object *spec = runc_with("linux.namespaces.2", NULL); /* drop "ipc" */
  edit(spec, "linux.sysctl", "{\"kernel.shmmax\": \"68719476736\"}");
  assert_invalid(spec, "linux.sysctl: ", "kernel.shmmax needs an ipc namespace");
}

static void test_spec_refuses_mqueue_sysctl_without_ipc_namespace(void **state) {
  json_object *spec = runc_with("linux.namespaces.2", NULL);
  edit(spec, "linux.sysctl", "{\"fs.mqueue.msg_max\": \"100\"}");
  assert_invalid(spec, "linux.sysctl: ", "fs.mqueue.msg_max needs an ipc namespace");
}

static void test_spec_refuses_host_wide_fs_sysctl(void **state) {
  assert_invalid(runc_with("linux.sysctl", "{\"fs.file-max\": \"100000\"}"),
                 "linux.sysctl: ", "fs.file-max is not in a separate kernel namespace");
}

static void test_spec_refuses_host_wide_kernel_sysctl(void **state) {
  assert_invalid(runc_with("linux.sysctl", "{\"kernel.panic\": \"1\"}"),
                 "linux.sysctl: ", "kernel.panic is not in a separate kernel namespace");
}

static void test_spec_refuses_hostname_sysctl_without_uts_namespace(void **state) {
  json_object *spec = runc_with("linux.namespaces.3", NULL); /* drop "uts" */
  edit(spec, "hostname", NULL);
  edit(spec, "linux.sysctl", "{\"kernel.hostname\": \"x\"}");
  assert_invalid(spec, "linux.sysctl: ", "kernel.hostname needs a uts namespace");
}

/* runc's words: the sysctl would override the dedicated field. */
static void test_spec_refuses_hostname_sysctl_conflicting_with_hostname_field(void **state) {
  assert_invalid(runc_with("linux.sysctl", "{\"kernel.hostname\": \"x\"}"), "linux.sysctl: ",
                 "sysctl \"kernel.hostname\" is not allowed as it conflicts with the OCI "
                 "\"hostname\" field");
}

static void test_spec_refuses_hostname_without_uts_namespace(void **state) {
  assert_invalid(runc_with("linux.namespaces.3", NULL), "hostname: ", "uts namespace");
}

static void test_spec_refuses_unknown_rootfs_propagation(void **state) {
  assert_invalid(runc_with("linux.rootfsPropagation", "\"sideways\""),
                 "linux.rootfsPropagation: ", "unknown propagation sideways");
}

static void test_spec_accepts_each_rootfs_propagation(void **state) {
  static const char *const props[] = {"\"private\"",    "\"rprivate\"",    "\"shared\"",
                                      "\"rshared\"",    "\"slave\"",       "\"rslave\"",
                                      "\"unbindable\"", "\"runbindable\"", "\"\""};
  for (size_t i = 0; i < sizeof(props) / sizeof(props[0]); i++)
    assert_valid(runc_with("linux.rootfsPropagation", props[i]));
}

static void test_spec_refuses_unknown_device_type(void **state) {
  assert_invalid(full_with("linux.devices.0.type", "\"x\""),
                 "linux.devices[0].type: ", "x is not c, b, u or p");
}

static void test_spec_refuses_long_device_type(void **state) {
  assert_invalid(full_with("linux.devices.2.type", "\"cb\""),
                 "linux.devices[2].type: ", "not c, b, u or p");
}

static void test_spec_refuses_relative_device_path(void **state) {
  assert_invalid(full_with("linux.devices.1.path", "\"dev/loop0\""),
                 "linux.devices[1].path: ", "not absolute");
}

/* --- name tables --- */

static void test_spec_knows_capability_numbers(void **state) {
  assert_int_equal(berth_capability_number("CAP_CHOWN"), 0);
  assert_int_equal(berth_capability_number("CAP_SYS_ADMIN"), 21);
  assert_int_equal(berth_capability_number("CAP_CHECKPOINT_RESTORE"), 40);
  assert_int_equal(berth_capability_number("CAP_FOO"), -1);
  assert_int_equal(berth_capability_number(""), -1);
}

static void test_spec_knows_rlimit_numbers(void **state) {
  assert_int_equal(berth_rlimit_number("RLIMIT_NOFILE"), RLIMIT_NOFILE);
  assert_int_equal(berth_rlimit_number("RLIMIT_RTTIME"), RLIMIT_RTTIME);
  assert_int_equal(berth_rlimit_number("RLIMIT_FOO"), -1);
}

static void test_spec_knows_namespace_flags(void **state) {
  assert_int_equal(berth_namespace_flag("mount"), CLONE_NEWNS);
  assert_int_equal(berth_namespace_flag("network"), CLONE_NEWNET);
  assert_int_equal(berth_namespace_flag("user"), CLONE_NEWUSER);
  assert_int_equal(berth_namespace_flag("net"), 0);
  assert_int_equal(berth_namespace_flag(""), 0);
}

/* --- signals (berth kill) --- */

static void test_signal_parses_names_with_and_without_sig(void **state) {
  assert_int_equal(berth_signal_parse("KILL"), SIGKILL);
  assert_int_equal(berth_signal_parse("SIGKILL"), SIGKILL);
  assert_int_equal(berth_signal_parse("TERM"), SIGTERM);
  assert_int_equal(berth_signal_parse("SIGTERM"), SIGTERM);
  assert_int_equal(berth_signal_parse("sigterm"), SIGTERM);
  assert_int_equal(berth_signal_parse("hup"), SIGHUP);
  assert_int_equal(berth_signal_parse("SIGUSR1"), SIGUSR1);
  assert_int_equal(berth_signal_parse("WINCH"), SIGWINCH);
  assert_int_equal(berth_signal_parse("SIGCHLD"), SIGCHLD);
}

static void test_signal_parses_numbers(void **state) {
  assert_int_equal(berth_signal_parse("9"), 9);
  assert_int_equal(berth_signal_parse("15"), 15);
  assert_int_equal(berth_signal_parse("1"), 1);
  assert_int_equal(berth_signal_parse("64"), 64);
}

/* Signal 0 is the liveness probe (`kill ID 0`), as in runc. */
static void test_signal_parses_zero(void **state) {
  assert_int_equal(berth_signal_parse("0"), 0);
}

static void test_signal_parses_realtime_offsets(void **state) {
  assert_int_equal(berth_signal_parse("RTMIN"), SIGRTMIN);
  assert_int_equal(berth_signal_parse("RTMIN+3"), SIGRTMIN + 3);
  assert_int_equal(berth_signal_parse("SIGRTMIN+3"), SIGRTMIN + 3);
  assert_int_equal(berth_signal_parse("RTMAX"), SIGRTMAX);
  assert_int_equal(berth_signal_parse("SIGRTMAX-2"), SIGRTMAX - 2);
}

static void test_signal_refuses_unknown(void **state) {
  assert_int_equal(berth_signal_parse("FOO"), -1);
  assert_int_equal(berth_signal_parse("SIGFOO"), -1);
  assert_int_equal(berth_signal_parse("SIG"), -1);
  assert_int_equal(berth_signal_parse(""), -1);
  assert_int_equal(berth_signal_parse(NULL), -1);
  assert_int_equal(berth_signal_parse("9x"), -1);
  assert_int_equal(berth_signal_parse("KILLX"), -1);
}

static void test_signal_refuses_out_of_range_numbers(void **state) {
  assert_int_equal(berth_signal_parse("-9"), -1);
  assert_int_equal(berth_signal_parse("65"), -1);
  assert_int_equal(berth_signal_parse("99999999999999999999"), -1);
}

static void test_signal_refuses_realtime_out_of_range(void **state) {
  assert_int_equal(berth_signal_parse("RTMIN-1"), -1);
  assert_int_equal(berth_signal_parse("RTMAX+1"), -1);
  assert_int_equal(berth_signal_parse("RTMIN+100"), -1);
}

/* "RTMIN+3x" or "RTMINFOO" is a typo, not SIGRTMIN+3 or SIGRTMIN. */
static void test_signal_refuses_realtime_with_trailing_garbage(void **state) {
  assert_int_equal(berth_signal_parse("RTMIN+3x"), -1);
  assert_int_equal(berth_signal_parse("RTMINFOO"), -1);
  assert_int_equal(berth_signal_parse("RTMAX-"), -1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_spec_parse_reports_byte_offset_of_syntax_error),
      cmocka_unit_test(test_spec_parse_reports_garbage),
      cmocka_unit_test(test_spec_parse_reports_truncated_input),
      cmocka_unit_test(test_spec_parse_refuses_trailing_data),
      cmocka_unit_test(test_spec_parse_accepts_trailing_whitespace),
      cmocka_unit_test(test_spec_parse_names_what_it_parses),
      cmocka_unit_test(test_spec_accepts_runc_default_spec),
      cmocka_unit_test(test_spec_accepts_full_spec),
      cmocka_unit_test(test_spec_refuses_non_object),
      cmocka_unit_test(test_spec_requires_oci_version),
      cmocka_unit_test(test_spec_requires_root),
      cmocka_unit_test(test_spec_requires_root_path),
      cmocka_unit_test(test_spec_requires_process),
      cmocka_unit_test(test_spec_requires_process_cwd),
      cmocka_unit_test(test_spec_requires_process_user),
      cmocka_unit_test(test_spec_requires_process_user_uid),
      cmocka_unit_test(test_spec_requires_process_user_gid),
      cmocka_unit_test(test_spec_requires_linux_section),
      cmocka_unit_test(test_spec_requires_mount_destination_by_index),
      cmocka_unit_test(test_spec_requires_namespace_type_by_index),
      cmocka_unit_test(test_spec_requires_rlimit_limits),
      cmocka_unit_test(test_spec_requires_mapping_size),
      cmocka_unit_test(test_spec_requires_hook_path),
      cmocka_unit_test(test_spec_refuses_hook_timeout_not_above_zero),
      cmocka_unit_test(test_spec_requires_device_path),
      cmocka_unit_test(test_spec_treats_null_as_missing),
      cmocka_unit_test(test_spec_names_mount_index_of_wrong_type),
      cmocka_unit_test(test_spec_refuses_string_uid),
      cmocka_unit_test(test_spec_refuses_negative_uid),
      cmocka_unit_test(test_spec_refuses_fractional_gid),
      cmocka_unit_test(test_spec_refuses_string_args),
      cmocka_unit_test(test_spec_refuses_non_string_arg),
      cmocka_unit_test(test_spec_refuses_string_terminal),
      cmocka_unit_test(test_spec_refuses_root_as_string),
      cmocka_unit_test(test_spec_refuses_mounts_with_non_object),
      cmocka_unit_test(test_spec_refuses_non_string_sysctl_value),
      cmocka_unit_test(test_spec_refuses_non_string_annotation),
      cmocka_unit_test(test_spec_names_nested_resource_field),
      cmocka_unit_test(test_spec_names_device_rule_index),
      cmocka_unit_test(test_spec_refuses_non_integer_additional_gid),
      cmocka_unit_test(test_spec_refuses_uid_of_no_id_and_beyond),
      cmocka_unit_test(test_spec_accepts_largest_uid),
      cmocka_unit_test(test_spec_refuses_additional_gid_out_of_range),
      cmocka_unit_test(test_spec_refuses_umask_beyond_permission_bits),
      cmocka_unit_test(test_spec_refuses_mapping_out_of_range),
      cmocka_unit_test(test_spec_refuses_mapping_that_overflows),
      cmocka_unit_test(test_spec_refuses_id_mapped_mount_that_overflows),
      cmocka_unit_test(test_spec_refuses_more_mappings_than_the_kernel_takes),
      cmocka_unit_test(test_spec_refuses_console_size_beyond_unsigned_short),
      cmocka_unit_test(test_spec_refuses_oom_score_adj_out_of_range),
      cmocka_unit_test(test_spec_refuses_device_numbers_beyond_dev_t),
      cmocka_unit_test(test_spec_device_rule_takes_wildcard_not_below),
      cmocka_unit_test(test_spec_refuses_rlimit_soft_above_hard),
      cmocka_unit_test(test_spec_refuses_hook_timeout_beyond_int),
      cmocka_unit_test(test_spec_refuses_negative_limits_other_than_unlimited),
      cmocka_unit_test(test_spec_refuses_time_offset_nanoseconds_beyond_a_second),
      cmocka_unit_test(test_spec_refuses_more_args_than_execve_takes),
      cmocka_unit_test(test_spec_refuses_unknown_namespace),
      cmocka_unit_test(test_spec_refuses_duplicate_namespace),
      cmocka_unit_test(test_spec_refuses_relative_namespace_path),
      cmocka_unit_test(test_spec_accepts_no_mount_namespace),
      cmocka_unit_test(test_spec_accepts_no_namespaces_at_all),
      cmocka_unit_test(test_spec_refuses_user_namespace_without_mount_namespace),
      cmocka_unit_test(test_spec_refuses_shared_propagation_without_mount_namespace),
      cmocka_unit_test(test_spec_refuses_relative_cwd),
      cmocka_unit_test(test_spec_refuses_empty_cwd),
      cmocka_unit_test(test_spec_refuses_empty_args),
      cmocka_unit_test(test_spec_refuses_missing_args),
      cmocka_unit_test(test_spec_refuses_unknown_capability),
      cmocka_unit_test(test_spec_names_capability_set),
      cmocka_unit_test(test_spec_refuses_unknown_rlimit),
      cmocka_unit_test(test_spec_refuses_uid_mappings_without_user_namespace),
      cmocka_unit_test(test_spec_refuses_gid_mappings_without_user_namespace),
      cmocka_unit_test(test_spec_refuses_user_namespace_without_mappings),
      cmocka_unit_test(test_spec_refuses_user_namespace_without_gid_mappings),
      cmocka_unit_test(test_spec_accepts_joined_user_namespace_without_mappings),
      cmocka_unit_test(test_spec_refuses_net_sysctl_without_network_namespace),
      cmocka_unit_test(test_spec_accepts_net_sysctl_with_network_namespace),
      cmocka_unit_test(test_spec_accepts_ipc_sysctl_with_ipc_namespace),
      cmocka_unit_test(test_spec_refuses_ipc_sysctl_without_ipc_namespace),
      cmocka_unit_test(test_spec_refuses_mqueue_sysctl_without_ipc_namespace),
      cmocka_unit_test(test_spec_refuses_host_wide_fs_sysctl),
      cmocka_unit_test(test_spec_refuses_host_wide_kernel_sysctl),
      cmocka_unit_test(test_spec_refuses_hostname_sysctl_without_uts_namespace),
      cmocka_unit_test(test_spec_refuses_hostname_sysctl_conflicting_with_hostname_field),
      cmocka_unit_test(test_spec_refuses_hostname_without_uts_namespace),
      cmocka_unit_test(test_spec_refuses_unknown_rootfs_propagation),
      cmocka_unit_test(test_spec_accepts_each_rootfs_propagation),
      cmocka_unit_test(test_spec_refuses_unknown_device_type),
      cmocka_unit_test(test_spec_refuses_long_device_type),
      cmocka_unit_test(test_spec_refuses_relative_device_path),
      cmocka_unit_test(test_spec_knows_capability_numbers),
      cmocka_unit_test(test_spec_knows_rlimit_numbers),
      cmocka_unit_test(test_spec_knows_namespace_flags),
      cmocka_unit_test(test_signal_parses_names_with_and_without_sig),
      cmocka_unit_test(test_signal_parses_numbers),
      cmocka_unit_test(test_signal_parses_zero),
      cmocka_unit_test(test_signal_parses_realtime_offsets),
      cmocka_unit_test(test_signal_refuses_unknown),
      cmocka_unit_test(test_signal_refuses_out_of_range_numbers),
      cmocka_unit_test(test_signal_refuses_realtime_out_of_range),
      cmocka_unit_test(test_signal_refuses_realtime_with_trailing_garbage),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
