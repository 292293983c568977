/* SPDX-License-Identifier: Apache-2.0 */
/* The pure half of cgroup-systemd.so, compiled in: cgroupsPath and slice names, the
 * translation of linux.resources and annotations into unit properties (as the text that
 * props_format shows, which is what systemd receives), the GVariant parser, /proc parsing. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../sd.h"
#include "../../common/tests/fixture.h"

static int setup(void **state) {
  (void)state;
  return 0;
}

static int teardown(void **state) {
  (void)state;
  error_clear(&err);
  return 0;
}

/* ---- cgroupsPath ---- */

static struct unit_names names;
static char why[512];

static int parse(const char *path, bool rootless) {
  return parse_cgroups_path(path, "c1", rootless, &names, why, sizeof(why));
}

static void test_cgroups_path_defaults_to_system_slice_berth_and_the_id(void **state) {
  (void)state;
  assert_int_equal(parse(NULL, false), 0);
  assert_string_equal(names.slice, "system.slice");
  assert_string_equal(names.unit, "berth-c1.scope");
  assert_false(names.is_slice);
  assert_int_equal(parse("::", false), 0);
  assert_string_equal(names.unit, "berth-c1.scope");
  assert_int_equal(parse("", true), 0);
  assert_string_equal(names.slice, "user.slice");
}

static void test_cgroups_path_parts_are_used(void **state) {
  (void)state;
  assert_int_equal(parse("machine-x.slice:crio:abc", false), 0);
  assert_string_equal(names.slice, "machine-x.slice");
  assert_string_equal(names.unit, "crio-abc.scope");
  assert_int_equal(parse("-.slice::", false), 0);
  assert_string_equal(names.slice, "-.slice");
  assert_string_equal(names.unit, "berth-c1.scope");
}

static void test_cgroups_path_not_of_the_systemd_form_is_refused(void **state) {
  (void)state;
  static const char *const bad[] = {"/berth/c1", "system.slice:c1", "a.slice:b:c:d", "c1"};
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    assert_int_equal(parse(bad[i], false), -EINVAL);
    assert_non_null(strstr(why, "slice:prefix:name"));
  }
}

static void test_slice_with_invalid_name_is_refused(void **state) {
  (void)state;
  static const char *const bad[] = {"system",    "a--b.slice", "-a.slice",
                                    "a-.slice",  ".slice",     "sys tem.slice",
                                    "a/b.slice", "a@b.slice",  "ä.slice"};
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    char path[64];
    snprintf(path, sizeof(path), "%s:berth:c1", bad[i]);
    assert_int_equal(parse(path, false), -EINVAL);
    assert_non_null(strstr(why, "not a valid slice name"));
    assert_false(slice_name_valid(bad[i]));
  }
}

static void test_prefix_or_name_with_invalid_characters_is_refused(void **state) {
  (void)state;
  assert_int_equal(parse("system.slice:be rth:c1", false), -EINVAL);
  assert_non_null(strstr(why, "prefix \"be rth\""));
  assert_int_equal(parse("system.slice:berth:a+b", false), -EINVAL);
  assert_non_null(strstr(why, "name \"a+b\""));
  assert_int_equal(parse("system.slice:berth:a/b", false), -EINVAL);
  char longname[300];
  memset(longname, 'x', sizeof(longname) - 1);
  longname[sizeof(longname) - 1] = '\0';
  char path[400];
  snprintf(path, sizeof(path), "system.slice:berth:%.250s", longname);
  assert_int_equal(parse(path, false), -EINVAL);
  assert_non_null(strstr(why, "longer than"));
}

static void test_name_ending_in_slice_makes_a_slice_unit_in_its_parent(void **state) {
  (void)state;
  assert_int_equal(parse("system.slice:x:system-c1.slice", false), 0);
  assert_true(names.is_slice);
  assert_string_equal(names.unit, "system-c1.slice");
  assert_string_equal(names.slice, "system.slice");
  assert_int_equal(parse("::c1.slice", false), 0);
  assert_string_equal(names.slice, "-.slice");
  /* systemd would put foo.slice under -.slice whatever Slice= says. */
  assert_int_equal(parse("system.slice::foo.slice", false), -EINVAL);
  assert_non_null(strstr(why, "by its name"));
  assert_int_equal(parse("::-.slice", false), -EINVAL);
}

static void test_expand_slice_is_runcs(void **state) {
  (void)state;
  char *p = expand_slice("-.slice");
  assert_string_equal(p, "/");
  free(p);
  p = expand_slice("a-b-c.slice");
  assert_string_equal(p, "/a.slice/a-b.slice/a-b-c.slice");
  free(p);
  p = expand_slice("system.slice");
  assert_string_equal(p, "/system.slice");
  free(p);
  assert_null(expand_slice("a--b.slice"));
  char parent[UNIT_NAME_MAX];
  assert_true(slice_parent("a-b-c.slice", parent));
  assert_string_equal(parent, "a-b.slice");
  assert_true(slice_parent("a.slice", parent));
  assert_string_equal(parent, "-.slice");
  assert_false(slice_parent("-.slice", parent));
}

static void test_unit_cgroup_path_joins_slice_and_unit(void **state) {
  (void)state;
  assert_int_equal(parse("a-b.slice:berth:c1", false), 0);
  char *p = unit_cgroup_path(&names);
  assert_string_equal(p, "/a.slice/a-b.slice/berth-c1.scope");
  free(p);
  assert_int_equal(parse("-.slice:berth:c1", false), 0);
  p = unit_cgroup_path(&names);
  assert_string_equal(p, "/berth-c1.scope");
  free(p);
  assert_int_equal(parse("::a-b.slice", false), 0);
  p = unit_cgroup_path(&names);
  assert_string_equal(p, "/a.slice/a-b.slice");
  free(p);
}

/* ---- GVariant text ---- */

static char *gvariant(const char *text, char int_type) {
  struct dbus_value v;
  const char *reason = NULL;
  if (parse_gvariant(text, int_type, &v, &reason) < 0)
    return strdup(reason != NULL ? reason : "?");
  char *s = value_format(&v);
  value_clear(&v);
  return s;
}

#define assert_gvariant(text, int_type, want)                                                      \
  do {                                                                                             \
    char *got = gvariant(text, int_type);                                                          \
    assert_string_equal(got, want);                                                                \
    free(got);                                                                                     \
  } while (0)

static void test_gvariant_typed_and_untyped_values(void **state) {
  (void)state;
  assert_gvariant("uint64 100", 'i', "t 100");
  assert_gvariant("@t 100", 'i', "t 100");
  assert_gvariant("100", 'i', "i 100");
  assert_gvariant("100", 't', "t 100");
  assert_gvariant("-5", 'i', "i -5");
  assert_gvariant("0x10", 't', "t 16");
  assert_gvariant("1.5", 'i', "d 1.5");
  assert_gvariant(" true ", 'i', "b true");
  assert_gvariant("false", 'i', "b false");
  assert_gvariant("'inactive-or-failed'", 'i', "s \"inactive-or-failed\"");
  assert_gvariant("\"it's\"", 'i', "s \"it's\"");
  assert_gvariant("'a\\'b'", 'i', "s \"a'b\"");
  assert_gvariant("byte 255", 'i', "y 0xff");
  assert_gvariant("int64 -9223372036854775808", 'i', "x -9223372036854775808");
}

static void test_gvariant_arrays_and_structures(void **state) {
  (void)state;
  assert_gvariant("[1, 2, 3]", 'i', "ai [1, 2, 3]");
  assert_gvariant("[uint64 1, 2]", 'i', "at [1, 2]");
  assert_gvariant("['a', 'b']", 'i', "as [\"a\", \"b\"]");
  assert_gvariant("@as []", 'i', "as []");
  assert_gvariant("[('/dev/null', 'rwm')]", 'i', "a(ss) [(\"/dev/null\", \"rwm\")]");
  assert_gvariant("@a(st) [('x', 1)]", 'i', "a(st) [(\"x\", 1)]");
  assert_gvariant("('x', uint32 7, true)", 'i', "(sub) (\"x\", 7, true)");
}

static void test_gvariant_bad_values_say_why(void **state) {
  (void)state;
  assert_gvariant("uint64 -1", 'i', "negative value for an unsigned type");
  assert_gvariant("byte 256", 'i', "integer out of range for its type");
  assert_gvariant("4294967296", 'i', "integer out of range for its type");
  assert_gvariant("'open", 'i', "unterminated string");
  assert_gvariant("1 2", 'i', "trailing text after the value");
  assert_gvariant("[]", 'i', "an empty array needs its type, e.g. \"@as []\"");
  assert_gvariant("[1, 'a']", 'i', "a string where another type is expected");
  assert_gvariant("@t 'x'", 'i', "a string where another type is expected");
  assert_gvariant("uint64 1.5", 'i', "a fraction where an integer is expected");
  assert_gvariant("", 'i', "no value");
  assert_gvariant("yes", 'i', "unexpected character");
  assert_gvariant("@a(st) [('x')]", 'i', "fewer members than the structure's type has");
}

/* ---- linux.resources and annotations ---- */

static const char *const proc_devices = "Character devices:\n"
                                        "  1 mem\n"
                                        "  5 /dev/tty\n"
                                        "136 pts\n"
                                        "\n"
                                        "Block devices:\n"
                                        "  8 sd\n";

static char *translate(const char *json, bool unified, unsigned version) {
  json_object *res = json_tokener_parse(json);
  assert_non_null(res);
  struct host_facts facts = {
      .unified = unified, .systemd_version = version, .proc_devices = proc_devices};
  struct unit_properties props = {0};
  int r = resources_properties(res, &facts, &props, &err);
  json_object_put(res);
  char *text = r < 0 ? NULL : props_format(&props);
  props_clear(&props);
  return text;
}

#define assert_translation(json, unified, version, want)                                           \
  do {                                                                                             \
    char *got = translate(json, unified, version);                                                 \
    if (got == NULL)                                                                               \
      fail_msg("translation failed: %s", err.msg);                                                 \
    assert_string_equal(got, want);                                                                \
    free(got);                                                                                     \
  } while (0)

#define assert_translation_fails(json, unified, fragment)                                          \
  do {                                                                                             \
    char *got = translate(json, unified, 0);                                                       \
    assert_null(got);                                                                              \
    assert_non_null(err.msg);                                                                      \
    if (strstr(err.msg, fragment) == NULL)                                                         \
      fail_msg("error \"%s\" lacks \"%s\"", err.msg, fragment);                                    \
    free(err.msg);                                                                                 \
    err.msg = NULL;                                                                                \
  } while (0)

static void test_v2_memory_cpu_pids_io_properties(void **state) {
  (void)state;
  assert_translation(
      "{\"memory\":{\"limit\":67108864,\"reservation\":33554432,\"swap\":134217728},"
      "\"cpu\":{\"shares\":1024,\"quota\":50000,\"period\":100000,\"cpus\":\"0-1\",\"mems\":\"0\"},"
      "\"pids\":{\"limit\":42},\"blockIO\":{\"weight\":500}}",
      true, 252,
      "MemoryMax=t 67108864\n"
      "MemoryLow=t 33554432\n"
      "MemorySwapMax=t 67108864\n"
      "CPUWeight=t 39\n"
      "CPUQuotaPeriodUSec=t 100000\n"
      "CPUQuotaPerSecUSec=t 500000\n"
      "AllowedCPUs=ay [0x03]\n"
      "AllowedMemoryNodes=ay [0x01]\n"
      "TasksMax=t 42\n"
      "IOWeight=t 4950\n");
}

static void test_v1_properties_use_the_v1_names(void **state) {
  (void)state;
  assert_translation("{\"memory\":{\"limit\":1048576,\"reservation\":1},\"cpu\":{\"shares\":512},"
                     "\"blockIO\":{\"weight\":300}}",
                     false, 252,
                     "MemoryLimit=t 1048576\n"
                     "CPUShares=t 512\n"
                     "BlockIOWeight=t 300\n");
}

static void test_unlimited_values_are_infinity(void **state) {
  (void)state;
  assert_translation("{\"memory\":{\"limit\":-1},\"pids\":{\"limit\":0},\"cpu\":{\"quota\":-1}}",
                     true, 252,
                     "MemoryMax=t 18446744073709551615\n"
                     "MemorySwapMax=t 18446744073709551615\n"
                     "CPUQuotaPerSecUSec=t 18446744073709551615\n"
                     "TasksMax=t 18446744073709551615\n");
}

static void test_cpu_quota_rounds_up_to_whole_percent(void **state) {
  (void)state;
  /* 12345 us per 100 ms is 12.345 %: systemd keeps whole percents, runc rounds up. */
  assert_translation("{\"cpu\":{\"quota\":12345}}", true, 252, "CPUQuotaPerSecUSec=t 130000\n");
  assert_translation("{\"cpu\":{\"quota\":20000,\"period\":50000}}", true, 252,
                     "CPUQuotaPeriodUSec=t 50000\nCPUQuotaPerSecUSec=t 400000\n");
}

static void test_old_systemd_gets_no_property_it_lacks(void **state) {
  (void)state;
  assert_translation("{\"cpu\":{\"cpus\":\"0\",\"quota\":10000,\"period\":100000}}", true, 241,
                     "CPUQuotaPerSecUSec=t 100000\n");
  assert_translation("{\"cpu\":{\"cpus\":\"0\"}}", true, 243, "");
  assert_translation("{\"cpu\":{\"cpus\":\"0\"}}", true, 244, "AllowedCPUs=ay [0x01]\n");
}

static void test_bad_resources_name_the_member(void **state) {
  (void)state;
  assert_translation_fails("{\"memory\":{\"limit\":-2}}", true, "linux.resources.memory.limit");
  assert_translation_fails("{\"memory\":{\"limit\":100,\"swap\":50}}", true,
                           "linux.resources.memory.swap");
  assert_translation_fails("{\"memory\":{\"limit\":\"1G\"}}", true, "expected an integer");
  assert_translation_fails("{\"cpu\":{\"cpus\":\"3-1\"}}", true, "linux.resources.cpu.cpus");
  assert_translation_fails("{\"cpu\":{\"shares\":-1}}", true, "must not be negative");
  assert_translation_fails("{\"unified\":{\"memory.high\":\"1\"}}", false, "cgroup v2");
  assert_translation_fails("{\"unified\":{\"../x\":\"1\"}}", true, "CONTROLLER.PARAMETER");
  assert_translation_fails("{\"unified\":{\"cpu.max\":\"x 1\"}}", true, "QUOTA [PERIOD]");
}

static void test_unified_files_with_a_property_are_translated(void **state) {
  (void)state;
  assert_translation("{\"unified\":{\"memory.high\":\" max \",\"memory.min\":\"4096\","
                     "\"pids.max\":\"10\",\"cpu.max\":\"50000 200000\",\"io.max\":\"8:0 rbps=1\"}}",
                     true, 252,
                     "MemoryHigh=t 18446744073709551615\n"
                     "MemoryMin=t 4096\n"
                     "TasksMax=t 10\n"
                     "CPUQuotaPeriodUSec=t 200000\n"
                     "CPUQuotaPerSecUSec=t 250000\n");
  /* With cpu.idle on, the weight means nothing and systemd must not fight it. */
  assert_translation("{\"unified\":{\"cpu.idle\":\"1\",\"cpu.weight\":\"50\"}}", true, 252, "");
  assert_translation("{\"unified\":{\"cpu.weight\":\"50\",\"cpuset.cpus\":\"8\"}}", true, 252,
                     "CPUWeight=t 50\nAllowedCPUs=ay [0x00, 0x01]\n");
}

/* The core's default rules after the spec's deny-all. */
#define DEFAULT_RULES                                                                              \
  "{\"allow\":false,\"access\":\"rwm\"},"                                                          \
  "{\"allow\":true,\"type\":\"c\",\"access\":\"m\"},"                                              \
  "{\"allow\":true,\"type\":\"b\",\"access\":\"m\"},"                                              \
  "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"rwm\"},"                    \
  "{\"allow\":true,\"type\":\"c\",\"major\":136,\"access\":\"rwm\"},"                              \
  "{\"allow\":true,\"type\":\"c\",\"major\":5,\"minor\":2,\"access\":\"rwm\"}"

static void test_device_rules_become_a_strict_allow_list(void **state) {
  (void)state;
  assert_translation("{\"devices\":[" DEFAULT_RULES "]}", true, 252,
                     "DeviceAllow=a(ss) []\n"
                     "DevicePolicy=s \"strict\"\n"
                     "DeviceAllow=a(ss) [(\"char-*\", \"m\"), (\"block-*\", \"m\"), "
                     "(\"/dev/char/1:3\", \"rwm\"), (\"char-pts\", \"rwm\"), "
                     "(\"/dev/char/5:2\", \"rwm\")]\n");
}

static void test_device_rules_follow_the_v1_semantics(void **state) {
  (void)state;
  /* Allow everything: systemd's "auto" with no list. */
  assert_translation("{\"devices\":[{\"allow\":true,\"access\":\"rwm\"}]}", true, 252,
                     "DevicePolicy=s \"auto\"\nDeviceAllow=a(ss) []\n");
  /* A deny-list has no systemd form: deny all in the unit, the fs core's filter is exact. */
  assert_translation("{\"devices\":[{\"allow\":true},{\"allow\":false,\"type\":\"c\","
                     "\"major\":1,\"minor\":3}]}",
                     true, 252, "DeviceAllow=a(ss) []\nDevicePolicy=s \"strict\"\n");
  /* A later deny takes permissions away; a later "a" rule starts over. */
  assert_translation("{\"devices\":[{\"allow\":false},{\"allow\":true,\"type\":\"c\","
                     "\"major\":1,\"minor\":3,\"access\":\"rwm\"},{\"allow\":false,\"type\":\"c\","
                     "\"major\":1,\"minor\":3,\"access\":\"w\"}]}",
                     true, 252,
                     "DeviceAllow=a(ss) []\nDevicePolicy=s \"strict\"\n"
                     "DeviceAllow=a(ss) [(\"/dev/char/1:3\", \"rm\")]\n");
  assert_translation("{\"devices\":[{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3},"
                     "{\"allow\":false}]}",
                     true, 252, "DeviceAllow=a(ss) []\nDevicePolicy=s \"strict\"\n");
  /* No /proc/devices group for a major: left to the fs core's filter. */
  assert_translation("{\"devices\":[{\"allow\":false},{\"allow\":true,\"type\":\"c\","
                     "\"major\":250}]}",
                     true, 252,
                     "DeviceAllow=a(ss) []\nDevicePolicy=s \"strict\"\nDeviceAllow=a(ss) []\n");
}

static void test_bad_device_rules_are_refused(void **state) {
  (void)state;
  assert_translation_fails("{\"devices\":[{\"allow\":true,\"type\":\"u\"}]}", true,
                           "linux.resources.devices[0].type");
  assert_translation_fails("{\"devices\":[{\"allow\":false},{\"allow\":true,\"access\":\"x\","
                           "\"type\":\"c\"}]}",
                           true, "linux.resources.devices[1].access");
  assert_translation_fails(
      "{\"devices\":[{\"allow\":false},{\"allow\":true,\"type\":\"c\","
      "\"major\":1},{\"allow\":false,\"type\":\"c\",\"major\":1,\"minor\":3}]}",
      true, "punch a hole");
}

static char *annotations(const char *json) {
  struct unit_properties props = {0};
  int r = annotation_properties(json, &props, &err);
  char *text = r < 0 ? NULL : props_format(&props);
  props_clear(&props);
  return text;
}

static void test_systemd_property_annotations_pass_through(void **state) {
  (void)state;
  char *got = annotations("{\"org.systemd.property.CPUWeight\":\"100\","
                          "\"org.systemd.property.TimeoutStopSec\":\"5\","
                          "\"org.systemd.property.RuntimeMaxSec\":\"uint64 2\","
                          "\"org.systemd.property.CollectMode\":\"'inactive-or-failed'\","
                          "\"org.systemd.property.CPUQuotaPerSecUSec\":\"200000\","
                          "\"com.example.other\":\"x\"}");
  assert_non_null(got);
  assert_string_equal(got, "CPUWeight=t 100\n"
                           "TimeoutStopUSec=t 5000000\n"
                           "RuntimeMaxUSec=t 2000000\n"
                           "CollectMode=s \"inactive-or-failed\"\n"
                           "CPUQuotaPerSecUSec=t 200000\n");
  free(got);
  got = annotations(NULL);
  assert_string_equal(got, "");
  free(got);
}

static void test_bad_annotations_are_refused(void **state) {
  (void)state;
  static const struct {
    const char *json, *fragment;
  } cases[] = {
      {"{\"org.systemd.property.PIDs\":\"[uint32 1]\"}", "berth sets PIDs itself"},
      {"{\"org.systemd.property.Slice\":\"'x.slice'\"}", "berth sets Slice itself"},
      {"{\"org.systemd.property.CPU2\":\"1\"}", "not a systemd property name"},
      {"{\"org.systemd.property.Ab\":\"1\"}", "not a systemd property name"},
      {"{\"org.systemd.property.CPUWeight\":\"lots\"}", "unexpected character"},
      {"{\"org.systemd.property.CPUWeight\":5}", "expected a string"},
      {"{\"org.systemd.property.TimeoutStopSec\":\"'5'\"}", "needs a number of seconds"},
      {"{\"org.systemd.property.TimeoutStopSec\":\"-1\"}", "negative seconds"},
      {"[1]", "not a JSON object"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char *got = annotations(cases[i].json);
    assert_null(got);
    assert_non_null(err.msg);
    if (strstr(err.msg, cases[i].fragment) == NULL)
      fail_msg("%s: error \"%s\" lacks \"%s\"", cases[i].json, err.msg, cases[i].fragment);
    free(err.msg);
    err.msg = NULL;
  }
}

static char *start_text(const char *cgroups_path, const char *annotations_json, bool unified,
                        pid_t pid) {
  struct berth_cgroup cg = {.id = "c1", .annotations_json = (char *)annotations_json};
  assert_int_equal(parse_cgroups_path(cgroups_path, "c1", false, &cg.names, why, sizeof(why)), 0);
  struct host_facts facts = {.unified = unified, .systemd_version = 252};
  json_object *res = json_tokener_parse("{\"pids\":{\"limit\":10}}");
  struct unit_properties props = {0};
  int r = start_properties(&cg, &facts, pid, res, &props, &err);
  json_object_put(res);
  char *text = r < 0 ? NULL : props_format(&props);
  props_clear(&props);
  return text;
}

static void test_scope_starts_delegated_with_the_init_and_annotations_last(void **state) {
  (void)state;
  char *got = start_text(NULL, "{\"org.systemd.property.TasksMax\":\"20\"}", true, 4242);
  assert_string_equal(got, "Description=s \"berth container c1\"\n"
                           "Slice=s \"system.slice\"\n"
                           "Delegate=b true\n"
                           "PIDs=au [4242]\n"
                           "MemoryAccounting=b true\n"
                           "CPUAccounting=b true\n"
                           "IOAccounting=b true\n"
                           "TasksAccounting=b true\n"
                           "TasksMax=t 10\n"
                           "TasksMax=t 20\n");
  free(got);
}

static void test_slice_unit_has_no_pids_nor_default_dependencies(void **state) {
  (void)state;
  char *got = start_text("system.slice::system-c1.slice", NULL, false, 4242);
  assert_string_equal(got, "Description=s \"berth container c1\"\n"
                           "DefaultDependencies=b false\n"
                           "MemoryAccounting=b true\n"
                           "CPUAccounting=b true\n"
                           "BlockIOAccounting=b true\n"
                           "TasksAccounting=b true\n"
                           "TasksMax=t 10\n");
  free(got);
}

static void test_cpuset_bits_are_runcs_byte_order(void **state) {
  (void)state;
  size_t n = 0;
  const char *reason = NULL;
  uint8_t *b = cpuset_bits(" 0, 2,4-5 ,", &n, &reason);
  assert_non_null(b);
  assert_int_equal(n, 1);
  assert_int_equal(b[0], 0x35);
  free(b);
  b = cpuset_bits("9", &n, &reason);
  assert_int_equal(n, 2);
  assert_int_equal(b[0], 0);
  assert_int_equal(b[1], 0x02);
  free(b);
  static const char *const bad[] = {"", ",", "3-1", "a", "1-", "-1", "8192", "1;2"};
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    assert_null(cpuset_bits(bad[i], &n, &reason));
    assert_non_null(reason);
  }
}

/* ---- /proc ---- */

static void test_proc_cgroup_finds_the_tracking_hierarchy(void **state) {
  (void)state;
  char *p = cgc_proc_cgroup_of("0::/system.slice/berth-c1.scope\n", true);
  assert_string_equal(p, "/system.slice/berth-c1.scope");
  free(p);
  const char *v1 = "12:memory:/system.slice/berth-c1.scope\n"
                   "1:name=systemd:/system.slice/berth-c1.scope\n"
                   "0::/other\n";
  p = cgc_proc_cgroup_of(v1, false);
  assert_string_equal(p, "/system.slice/berth-c1.scope");
  free(p);
  p = cgc_proc_cgroup_of("4:memory:/x\n0::/hybrid\n", false);
  assert_string_equal(p, "/hybrid");
  free(p);
  assert_null(cgc_proc_cgroup_of("4:memory:/x\n", true));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void) {
  cgc_host = &fake_host;
  const struct CMUnitTest tests[] = {
      T(test_cgroups_path_defaults_to_system_slice_berth_and_the_id),
      T(test_cgroups_path_parts_are_used),
      T(test_cgroups_path_not_of_the_systemd_form_is_refused),
      T(test_slice_with_invalid_name_is_refused),
      T(test_prefix_or_name_with_invalid_characters_is_refused),
      T(test_name_ending_in_slice_makes_a_slice_unit_in_its_parent),
      T(test_expand_slice_is_runcs),
      T(test_unit_cgroup_path_joins_slice_and_unit),
      T(test_gvariant_typed_and_untyped_values),
      T(test_gvariant_arrays_and_structures),
      T(test_gvariant_bad_values_say_why),
      T(test_v2_memory_cpu_pids_io_properties),
      T(test_v1_properties_use_the_v1_names),
      T(test_unlimited_values_are_infinity),
      T(test_cpu_quota_rounds_up_to_whole_percent),
      T(test_old_systemd_gets_no_property_it_lacks),
      T(test_bad_resources_name_the_member),
      T(test_unified_files_with_a_property_are_translated),
      T(test_device_rules_become_a_strict_allow_list),
      T(test_device_rules_follow_the_v1_semantics),
      T(test_bad_device_rules_are_refused),
      T(test_systemd_property_annotations_pass_through),
      T(test_bad_annotations_are_refused),
      T(test_scope_starts_delegated_with_the_init_and_annotations_last),
      T(test_slice_unit_has_no_pids_nor_default_dependencies),
      T(test_cpuset_bits_are_runcs_byte_order),
      T(test_proc_cgroup_finds_the_tracking_hierarchy),
  };
  return cmocka_run_group_tests_name("cgroup-systemd", tests, NULL, NULL);
}
