/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The core's LSM side: which plugin a label needs and what the init is told to write
 * (berth_lsm_prepare, through the test LSM plugins of tests/plugins: an ABI 1.2 apparmor.so
 * with canned answers and an ABI 1.1 selinux.so without LSM ops, copied into a root-owned
 * directory as the loader demands); exec's inheritance of the container's label; and the
 * init's write (berth_lsm_apply_exec) against a temporary directory standing in for
 * /proc/thread-self/attr.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <unistd.h>

#include <cmocka.h>

#include "cleanup.h"
#include "error.h"
#include "json_util.h"
#include "lsm.h"

#ifndef BERTH_TEST_LSM_PLUGIN_DIR
#error "tests/plugins/CMakeLists.txt defines BERTH_TEST_LSM_PLUGIN_DIR"
#endif
#ifndef BERTH_TEST_LSM_1_5_PLUGIN_DIR
#error "tests/plugins/CMakeLists.txt defines BERTH_TEST_LSM_1_5_PLUGIN_DIR"
#endif
#ifndef BERTH_TEST_LSM_VENDOR_PLUGIN_DIR
#error "tests/plugins/CMakeLists.txt defines BERTH_TEST_LSM_VENDOR_PLUGIN_DIR"
#endif

static char plugin_dir[64] = "/tmp/berth-unit-lsm-plugins-XXXXXX";
static char attr_dir_path[64];
static struct berth_error err;

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw) {
  return remove(path);
}

static int copy_file(const char *from, const char *to) {
  char buf[65536];
  int in = open(from, O_RDONLY | O_CLOEXEC);
  int out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
  ssize_t n = 0;
  while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof(buf))) > 0)
    if (write(out, buf, (size_t)n) != n)
      n = -1;
  if (in >= 0)
    close(in);
  if (out >= 0)
    close(out);
  return in < 0 || out < 0 || n < 0 ? -1 : 0;
}

static int group_setup(void **state) {
  if (mkdtemp(plugin_dir) == NULL)
    return -1;
  const char *names[] = {"apparmor.so", "selinux.so"};
  for (size_t i = 0; i < 2; i++) {
    char from[4096], to[4096];
    snprintf(from, sizeof(from), "%s/%s", BERTH_TEST_LSM_PLUGIN_DIR, names[i]);
    snprintf(to, sizeof(to), "%s/%s", plugin_dir, names[i]);
    if (copy_file(from, to) < 0)
      return -1;
  }
  return setenv("BERTH_PLUGIN_PATH", plugin_dir, 1);
}

static int group_teardown(void **state) {
  unsetenv("BERTH_PLUGIN_PATH");
  return nftw(plugin_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int setup(void **state) {
  snprintf(attr_dir_path, sizeof(attr_dir_path), "/tmp/berth-unit-lsm-attr-XXXXXX");
  return mkdtemp(attr_dir_path) == NULL ? -1 : 0;
}

static int teardown(void **state) {
  berth_error_clear(&err);
  return nftw(attr_dir_path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static json_object *parse(const char *text) {
  json_object *o = json_tokener_parse(text);
  assert_non_null(o);
  return o;
}

static void expect_message(const char *fragment) {
  assert_non_null(err.msg);
  if (strstr(err.msg, fragment) == NULL)
    fail_msg("error \"%s\" does not mention \"%s\"", err.msg, fragment);
}

/* prepare on a spec, expecting a refusal that mentions fragment. */
static void expect_refused(const char *spec_text, const char *fragment) {
  _cleanup_json_ json_object *spec = parse(spec_text);
  json_object *attrs = NULL;
  berth_error_clear(&err);
  if (berth_lsm_prepare(spec, &attrs, &err) == 0)
    fail_msg("%s accepted", spec_text);
  assert_null(attrs);
  expect_message(fragment);
}

static void test_no_label_needs_no_plugin(void **state) {
  _cleanup_json_ json_object *spec =
      parse("{\"process\": {\"apparmorProfile\": \"\", \"args\": [\"sh\"]}, \"linux\": {}}");
  json_object *attrs = (json_object *)1;
  assert_int_equal(berth_lsm_prepare(spec, &attrs, &err), 0);
  assert_null(attrs);
}

static void test_apparmor_profile_becomes_an_exec_attr_for_the_init(void **state) {
  _cleanup_json_ json_object *spec = parse("{\"process\": {\"apparmorProfile\": \"good\"}}");
  _cleanup_json_ json_object *attrs = NULL;
  if (berth_lsm_prepare(spec, &attrs, &err) != 0)
    fail_msg("%s", err.msg);
  assert_non_null(attrs);
  assert_int_equal(json_object_array_length(attrs), 1);
  json_object *a = json_object_array_get_idx(attrs, 0);
  assert_string_equal(json_get_str(a, "field"), "process.apparmorProfile");
  assert_string_equal(json_get_str(a, "label"), "good");
  assert_string_equal(json_get_str(a, "attr"), "apparmor/exec");
  assert_string_equal(json_get_str(a, "value"), "exec good");
}

static void test_plugin_refusal_names_the_field_and_label(void **state) {
  expect_refused("{\"process\": {\"apparmorProfile\": \"refused\"}}",
                 "process.apparmorProfile \"refused\": test lsm apparmor: refusing refused");
}

static void test_attr_outside_proc_attr_is_refused(void **state) {
  expect_refused("{\"process\": {\"apparmorProfile\": \"bad-attr\"}}",
                 "plugin apparmor.so: bad attr \"../exec\"");
}

static void test_label_with_a_nul_is_refused(void **state) {
  expect_refused("{\"process\": {\"apparmorProfile\": \"good\\u0000evil\"}}",
                 "process.apparmorProfile \"good\": contains a NUL character");
}

static void test_plugin_of_abi_1_1_has_no_lsm_operations(void **state) {
  expect_refused("{\"process\": {\"selinuxLabel\": \"system_u:system_r:container_t:s0\"}}",
                 "process.selinuxLabel \"system_u:system_r:container_t:s0\": plugin selinux.so: "
                 "ABI 1.1 has no LSM operations");
  expect_refused("{\"linux\": {\"mountLabel\": \"system_u:object_r:container_file_t:s0\"}}",
                 "linux.mountLabel \"system_u:object_r:container_file_t:s0\": plugin "
                 "selinux.so: ABI 1.1 has no LSM operations");
}

/* First of all: the loader remembers a plugin it loaded, not one it did not find. */
static void test_field_no_plugin_labels_is_refused_naming_the_directory(void **state) {
  setenv("BERTH_PLUGIN_PATH", attr_dir_path, 1); /* empty, root-owned */
  char want[256];
  snprintf(want, sizeof(want),
           "process.apparmorProfile \"good\": no LSM plugin in %s labels "
           "process.apparmorProfile",
           attr_dir_path);
  expect_refused("{\"process\": {\"apparmorProfile\": \"good\"}}", want);
  setenv("BERTH_PLUGIN_PATH", plugin_dir, 1);
}

/* The field a plugin labels is the plugin's to say: mac.so (ABI 1.4) declares
 * process.selinuxLabel, and nothing else. */
static void test_plugin_labels_the_fields_it_declares_whatever_its_name(void **state) {
  char dir[128], from[4096], to[256];
  snprintf(dir, sizeof(dir), "%s/vendor", attr_dir_path);
  assert_int_equal(mkdir(dir, 0755), 0);
  snprintf(from, sizeof(from), "%s/mac.so", BERTH_TEST_LSM_VENDOR_PLUGIN_DIR);
  snprintf(to, sizeof(to), "%s/mac.so", dir);
  assert_int_equal(copy_file(from, to), 0);
  setenv("BERTH_PLUGIN_PATH", dir, 1);
  _cleanup_json_ json_object *spec = parse("{\"process\": {\"selinuxLabel\": \"s0\"}}");
  _cleanup_json_ json_object *attrs = NULL;
  int r = berth_lsm_prepare(spec, &attrs, &err);
  setenv("BERTH_PLUGIN_PATH", plugin_dir, 1);
  if (r != 0)
    fail_msg("%s", err.msg);
  json_object *a = json_object_array_get_idx(attrs, 0);
  assert_string_equal(json_get_str(a, "field"), "process.selinuxLabel");
  assert_string_equal(json_get_str(a, "value"), "exec s0");
  setenv("BERTH_PLUGIN_PATH", dir, 1);
  expect_refused("{\"process\": {\"apparmorProfile\": \"good\"}}", "no LSM plugin in");
  setenv("BERTH_PLUGIN_PATH", plugin_dir, 1);
  expect_message("labels process.apparmorProfile");
}

/* prepare with BERTH_PLUGIN_PATH a copy of dir/name.so in the test's directory. */
static int prepare_with(const char *dir, const char *name, const char *spec_text,
                        json_object **attrs) {
  char own[128], from[4096], to[256];
  snprintf(own, sizeof(own), "%s/plugins", attr_dir_path);
  assert_int_equal(mkdir(own, 0755), 0);
  snprintf(from, sizeof(from), "%s/%s.so", dir, name);
  snprintf(to, sizeof(to), "%s/%s.so", own, name);
  assert_int_equal(copy_file(from, to), 0);
  setenv("BERTH_PLUGIN_PATH", own, 1);
  _cleanup_json_ json_object *spec = parse(spec_text);
  berth_error_clear(&err);
  int r = berth_lsm_prepare(spec, attrs, &err);
  setenv("BERTH_PLUGIN_PATH", plugin_dir, 1);
  return r;
}

static json_object *entry_at(json_object *attrs, const char *at) {
  for (size_t i = 0; i < json_object_array_length(attrs); i++)
    if (strcmp(json_get_str(json_object_array_get_idx(attrs, i), "at"), at) == 0)
      return json_object_array_get_idx(attrs, i);
  return NULL;
}

/* ABI 1.5: the process label also labels the session keyring, and linux.mountLabel becomes
 * the mount option the plugin formats. */
static void test_plugin_of_abi_1_5_labels_the_keyring_and_the_mounts(void **state) {
  _cleanup_json_ json_object *attrs = NULL;
  if (prepare_with(BERTH_TEST_LSM_1_5_PLUGIN_DIR, "mac15",
                   "{\"process\": {\"selinuxLabel\": \"u:r:t:s0:c1,c2\"}, "
                   "\"linux\": {\"mountLabel\": \"u:object_r:f:s0:c1,c2\"}}",
                   &attrs) != 0)
    fail_msg("%s", err.msg);
  assert_int_equal(json_object_array_length(attrs), 3);
  json_object *exec = entry_at(attrs, "exec"), *keyring = entry_at(attrs, "keyring");
  json_object *mount = entry_at(attrs, "mount");
  assert_non_null(exec);
  assert_string_equal(json_get_str(exec, "value"), "exec u:r:t:s0:c1,c2");
  assert_non_null(keyring);
  assert_string_equal(json_get_str(keyring, "field"), "process.selinuxLabel");
  assert_string_equal(json_get_str(keyring, "attr"), "keycreate");
  assert_string_equal(json_get_str(keyring, "value"), "u:r:t:s0:c1,c2");
  assert_non_null(mount);
  assert_string_equal(json_get_str(mount, "field"), "linux.mountLabel");
  assert_string_equal(berth_lsm_mount_option(attrs), "context=\"u:object_r:f:s0:c1,c2\"");
}

/* The loader's older-minor rule: a 1.4 table ends before keyring_attr and mount_option (this
 * one has them past its struct_size), so no keyring label, and linux.mountLabel is refused
 * rather than left off the mounts. */
static void test_plugin_of_abi_1_4_labels_neither_keyring_nor_mounts(void **state) {
  _cleanup_json_ json_object *attrs = NULL;
  if (prepare_with(BERTH_TEST_LSM_1_4_PLUGIN_DIR, "mac14",
                   "{\"process\": {\"selinuxLabel\": \"u:r:t:s0\"}}", &attrs) != 0)
    fail_msg("%s", err.msg);
  assert_int_equal(json_object_array_length(attrs), 1);
  assert_non_null(entry_at(attrs, "exec"));
  assert_null(berth_lsm_mount_option(attrs));
  json_object_put(attrs);
  attrs = NULL;
  berth_error_clear(&err);
  char dir[128];
  snprintf(dir, sizeof(dir), "%s/plugins", attr_dir_path);
  setenv("BERTH_PLUGIN_PATH", dir, 1);
  expect_refused("{\"linux\": {\"mountLabel\": \"u:object_r:f:s0\"}}",
                 "linux.mountLabel \"u:object_r:f:s0\": plugin mac14.so: ABI 1.4 cannot label "
                 "mounts (no mount_option, since 1.5)");
  setenv("BERTH_PLUGIN_PATH", plugin_dir, 1);
}

/* `check` asks each plugin (in its probe child) which fields it labels and whether its module
 * is enabled. */
static json_object *surveyed(json_object *survey, const char *plugin) {
  for (size_t i = 0; i < json_object_array_length(survey); i++)
    if (strcmp(json_get_str(json_object_array_get_idx(survey, i), "plugin"), plugin) == 0)
      return json_object_array_get_idx(survey, i);
  fail_msg("%s not in the survey", plugin);
  return NULL;
}

static void test_survey_asks_the_plugin(void **state) {
  _cleanup_json_ json_object *survey = berth_lsm_survey();
  assert_int_equal(json_object_array_length(survey), 2);
  json_object *apparmor = surveyed(survey, "apparmor");
  assert_true(json_get_bool(apparmor, "loads", false));
  assert_true(json_get_bool(apparmor, "enabled", false));
  assert_string_equal(json_object_to_json_string(json_get(apparmor, "fields")),
                      "[ \"process.apparmorProfile\" ]");
  json_object *selinux = surveyed(survey, "selinux");
  assert_true(json_get_bool(selinux, "loads", false));
  assert_false(json_get_bool(selinux, "enabled", true)); /* ABI 1.1: no ops to ask */
}

static void test_exec_inherits_the_containers_label_unless_it_has_one(void **state) {
  _cleanup_json_ json_object *container =
      parse("{\"apparmorProfile\": \"theirs\", \"selinuxLabel\": \"t\"}");
  _cleanup_json_ json_object *none = parse("{}");
  _cleanup_json_ json_object *empty = parse("{\"apparmorProfile\": \"\"}");
  _cleanup_json_ json_object *own = parse("{\"apparmorProfile\": \"mine\"}");
  berth_lsm_inherit(none, container);
  berth_lsm_inherit(empty, container);
  berth_lsm_inherit(own, container);
  assert_string_equal(json_get_str(none, "apparmorProfile"), "theirs");
  assert_string_equal(json_get_str(none, "selinuxLabel"), "t");
  assert_string_equal(json_get_str(empty, "apparmorProfile"), "theirs");
  assert_string_equal(json_get_str(own, "apparmorProfile"), "mine");
  _cleanup_json_ json_object *bare = parse("{}");
  _cleanup_json_ json_object *unconfined_container = parse("{\"args\": [\"sh\"]}");
  berth_lsm_inherit(bare, unconfined_container);
  assert_null(json_get(bare, "apparmorProfile"));
}

static json_object *one_attr(const char *attr, const char *value) {
  char text[512];
  snprintf(text, sizeof(text),
           "[{\"field\": \"process.apparmorProfile\", \"label\": \"p\", \"attr\": \"%s\", "
           "\"value\": \"%s\"}]",
           attr, value);
  return parse(text);
}

static int open_dir(void) {
  int fd = open(attr_dir_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  assert_true(fd >= 0);
  return fd;
}

static void read_back(const char *rel, char *out, size_t size) {
  char path[4096];
  snprintf(path, sizeof(path), "%s/%s", attr_dir_path, rel);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  assert_true(fd >= 0);
  ssize_t n = read(fd, out, size - 1);
  close(fd);
  out[n > 0 ? n : 0] = '\0';
}

static void test_init_writes_the_value_to_the_attr_in_one_write(void **state) {
  char path[4096], text[256];
  snprintf(path, sizeof(path), "%s/apparmor", attr_dir_path);
  assert_int_equal(mkdir(path, 0755), 0);
  snprintf(path, sizeof(path), "%s/apparmor/exec", attr_dir_path);
  close(open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
  _cleanup_json_ json_object *attrs = one_attr("apparmor/exec", "exec berth-test");
  _cleanup_close_ int dir = open_dir();
  if (berth_lsm_apply_exec(dir, attrs, &err) != 0)
    fail_msg("%s", err.msg);
  read_back("apparmor/exec", text, sizeof(text));
  assert_string_equal(text, "exec berth-test");
  /* Nothing to write, nothing needed: not even the directory. */
  assert_int_equal(berth_lsm_apply_exec(-ENOENT, NULL, &err), 0);
}

/* Each write at its moment: the exec label before execve, the keyring's around the join. */
static void test_init_writes_exec_and_keyring_labels_apart(void **state) {
  char path[4096], text[256];
  snprintf(path, sizeof(path), "%s/exec", attr_dir_path);
  close(open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
  _cleanup_json_ json_object *attrs =
      parse("[{\"at\": \"exec\", \"field\": \"process.selinuxLabel\", \"label\": \"l\", "
            "\"attr\": \"exec\", \"value\": \"l\"}, {\"at\": \"keyring\", \"field\": "
            "\"process.selinuxLabel\", \"label\": \"l\", \"attr\": \"keycreate\", \"value\": "
            "\"l\"}, {\"at\": \"mount\", \"field\": \"linux.mountLabel\", \"label\": \"m\", "
            "\"value\": \"context=\\\"m\\\"\"}]");
  _cleanup_close_ int dir = open_dir();
  /* No keycreate file here: the exec write must not touch it. */
  if (berth_lsm_apply_exec(dir, attrs, &err) != 0)
    fail_msg("%s", err.msg);
  read_back("exec", text, sizeof(text));
  assert_string_equal(text, "l");
  assert_true(berth_lsm_apply_keyring(dir, attrs, true, &err) < 0);
  expect_message("process.selinuxLabel \"l\": open /proc/thread-self/attr/keycreate");
  berth_error_clear(&err);
  snprintf(path, sizeof(path), "%s/keycreate", attr_dir_path);
  close(open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
  if (berth_lsm_apply_keyring(dir, attrs, true, &err) != 0)
    fail_msg("%s", err.msg);
  read_back("keycreate", text, sizeof(text));
  assert_string_equal(text, "l");
  assert_string_equal(berth_lsm_mount_option(attrs), "context=\"m\"");
}

static void test_init_reports_what_it_could_not_write(void **state) {
  _cleanup_json_ json_object *attrs = one_attr("apparmor/exec", "exec berth-test");
  assert_true(berth_lsm_apply_exec(-ENOENT, attrs, &err) < 0);
  expect_message("process.apparmorProfile \"p\": open /proc/thread-self/attr: No such file");
  berth_error_clear(&err);
  _cleanup_close_ int dir = open_dir();
  assert_true(berth_lsm_apply_exec(dir, attrs, &err) < 0);
  expect_message("process.apparmorProfile \"p\": open /proc/thread-self/attr/apparmor/exec: No "
                 "such file or directory");
}

static void test_init_does_not_follow_a_symlink_at_the_attr(void **state) {
  char path[4096], target[4096], text[64];
  snprintf(target, sizeof(target), "%s/elsewhere", attr_dir_path);
  close(open(target, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
  snprintf(path, sizeof(path), "%s/exec", attr_dir_path);
  assert_int_equal(symlink(target, path), 0);
  _cleanup_json_ json_object *attrs = one_attr("exec", "exec berth-test");
  _cleanup_close_ int dir = open_dir();
  assert_true(berth_lsm_apply_exec(dir, attrs, &err) < 0);
  expect_message("Too many levels of symbolic links");
  read_back("elsewhere", text, sizeof(text));
  assert_string_equal(text, "");
}

static void test_attr_dir_is_this_threads_on_procfs(void **state) {
  int fd = berth_lsm_open_attr_dir();
  assert_true(fd >= 0);
  struct statfs st;
  assert_int_equal(fstatfs(fd, &st), 0);
  assert_true(st.f_type == PROC_SUPER_MAGIC);
  char link[64], want[64];
  snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
  ssize_t n = readlink(link, want, sizeof(want) - 1);
  assert_true(n > 0);
  want[n] = '\0';
  char expected[64];
  snprintf(expected, sizeof(expected), "/proc/%d/task/%d/attr", (int)getpid(), (int)gettid());
  assert_string_equal(want, expected);
  close(fd);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_field_no_plugin_labels_is_refused_naming_the_directory,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(test_plugin_labels_the_fields_it_declares_whatever_its_name,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(test_no_label_needs_no_plugin, setup, teardown),
      cmocka_unit_test_setup_teardown(test_apparmor_profile_becomes_an_exec_attr_for_the_init,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(test_plugin_refusal_names_the_field_and_label, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_attr_outside_proc_attr_is_refused, setup, teardown),
      cmocka_unit_test_setup_teardown(test_label_with_a_nul_is_refused, setup, teardown),
      cmocka_unit_test_setup_teardown(test_plugin_of_abi_1_1_has_no_lsm_operations, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_survey_asks_the_plugin, setup, teardown),
      cmocka_unit_test_setup_teardown(test_plugin_of_abi_1_5_labels_the_keyring_and_the_mounts,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(test_plugin_of_abi_1_4_labels_neither_keyring_nor_mounts,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(test_init_writes_exec_and_keyring_labels_apart, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_exec_inherits_the_containers_label_unless_it_has_one,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(test_init_writes_the_value_to_the_attr_in_one_write, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_init_reports_what_it_could_not_write, setup, teardown),
      cmocka_unit_test_setup_teardown(test_init_does_not_follow_a_symlink_at_the_attr, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_attr_dir_is_this_threads_on_procfs, setup, teardown),
  };
  return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
