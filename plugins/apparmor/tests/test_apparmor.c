/* SPDX-License-Identifier: Apache-2.0 */
/* apparmor.so without AppArmor: the profile name rules, the enabled switch, the profiles
 * list and the attr choice, each against a fake /sys and /proc in a temporary directory
 * (aa_root); and the plugin itself, dlopen()ed as the core does, for its descriptor and its
 * answer on this host. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../common/tests/fixture.h"
#include "../apparmor.h"

static char root[64];

static void make_dirs(const char *rel) {
  char path[4096];
  snprintf(path, sizeof(path), "%s/%s", root, rel);
  for (char *p = path + strlen(root) + 1; *p != '\0'; p++)
    if (*p == '/') {
      *p = '\0';
      mkdir(path, 0755);
      *p = '/';
    }
  mkdir(path, 0755);
}

/* Write root/rel (making its directories), as the kernel would show it. */
static void put(const char *rel, const char *text) {
  char path[4096], dir[4096];
  snprintf(dir, sizeof(dir), "%s", rel);
  char *slash = strrchr(dir, '/');
  if (slash != NULL) {
    *slash = '\0';
    make_dirs(dir);
  }
  snprintf(path, sizeof(path), "%s/%s", root, rel);
  FILE *f = fopen(path, "we");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

static void enable(const char *yn) {
  put("sys/module/apparmor/parameters/enabled", yn);
}

static void profiles(const char *list) {
  put("sys/kernel/security/apparmor/profiles", list);
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
  return remove(path);
}

static int setup(void **state) {
  snprintf(root, sizeof(root), "/tmp/berth-test-aa-XXXXXX");
  if (mkdtemp(root) == NULL)
    return -1;
  aa_root = root;
  aa_host = &fake_host;
  return 0;
}

static int teardown(void **state) {
  error_clear(&err);
  aa_root = "";
  return nftw(root, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void expect_name_refused(const char *name, const char *fragment) {
  error_clear(&err);
  expect_error(aa_check_name(name, &err), fragment);
}

static void test_profile_names_the_kernel_would_misread_are_refused(void **state) {
  char long_name[AA_NAME_MAX + 2];
  memset(long_name, 'a', sizeof(long_name) - 1);
  long_name[sizeof(long_name) - 1] = '\0';
  expect_name_refused("", "empty AppArmor profile name");
  expect_name_refused(long_name, "longer than 4000 bytes");
  expect_name_refused("good\nexec unconfined", "control character 0x0a");
  expect_name_refused("tab\there", "control character 0x09");
  expect_name_refused("del\x7f", "control character 0x7f");
  expect_name_refused(" padded", "begins or ends with a space");
  expect_name_refused("padded ", "begins or ends with a space");
  long_name[AA_NAME_MAX] = '\0';
  const char *fine[] = {"docker-default", "/usr/bin/foo", "name with spaces",
                        "parent//hat",    "unconfined",   long_name};
  for (size_t i = 0; i < sizeof(fine) / sizeof(fine[0]); i++) {
    error_clear(&err);
    if (aa_check_name(fine[i], &err) != 0)
      fail_msg("%.40s refused: %s", fine[i], err.msg);
  }
}

static void test_enabled_reads_the_module_parameter(void **state) {
  int32_t on = -1;
  assert_int_equal(aa_enabled(&on, &err), 0);
  assert_int_equal(on, 0); /* no file: a kernel without AppArmor */
  enable("N\n");
  assert_int_equal(aa_enabled(&on, &err), 0);
  assert_int_equal(on, 0);
  enable("Y\n");
  assert_int_equal(aa_enabled(&on, &err), 0);
  assert_int_equal(on, 1);
}

static void test_validate_refuses_on_a_host_without_apparmor(void **state) {
  profiles("berth-test (enforce)\n");
  expect_error(aa_validate("berth-test", &err), "AppArmor is not enabled on this host");
  error_clear(&err);
  enable("N\n");
  expect_error(aa_validate("berth-test", &err), "AppArmor is not enabled on this host");
  error_clear(&err);
  expect_error(aa_validate("unconfined", &err), "AppArmor is not enabled on this host");
}

static void test_validate_accepts_only_loaded_profiles(void **state) {
  enable("Y\n");
  profiles("docker-default (enforce)\n"
           "name with spaces (complain)\n"
           "parent//hat (enforce)\n"
           "/usr/bin/foo (kill)\n"
           "foobar (enforce)\n");
  const char *loaded[] = {"docker-default", "name with spaces", "parent//hat",
                          "/usr/bin/foo",   "foobar",           "unconfined"};
  for (size_t i = 0; i < sizeof(loaded) / sizeof(loaded[0]); i++) {
    error_clear(&err);
    if (aa_validate(loaded[i], &err) != 0)
      fail_msg("%s refused: %s", loaded[i], err.msg);
  }
  /* Prefixes, suffixes and the mode are not names. */
  const char *absent[] = {"foo",
                          "docker",
                          "parent",
                          "hat",
                          "name with",
                          "enforce",
                          "docker-default (enforce)",
                          "foobar (enforce"};
  for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++) {
    error_clear(&err);
    if (aa_validate(absent[i], &err) == 0)
      fail_msg("%s accepted", absent[i]);
    expect_mention("AppArmor profile not loaded on this host");
    expect_mention("apparmor_parser -r");
  }
}

static void test_validate_says_when_securityfs_is_missing(void **state) {
  enable("Y\n");
  expect_error(aa_validate("docker-default", &err), "is securityfs mounted?");
  expect_mention("/sys/kernel/security/apparmor/profiles: No such file or directory");
}

static void test_exec_attr_prefers_the_modules_own_directory(void **state) {
  char *attr = NULL, *value = NULL;
  assert_int_equal(aa_exec_attr("name with spaces", &attr, &value, &err), 0);
  assert_string_equal(attr, "exec"); /* a kernel before 5.8 */
  assert_string_equal(value, "exec name with spaces");
  free(attr);
  free(value);
  make_dirs("proc/thread-self/attr/apparmor");
  assert_int_equal(aa_exec_attr("docker-default", &attr, &value, &err), 0);
  assert_string_equal(attr, "apparmor/exec");
  assert_string_equal(value, "exec docker-default");
  free(attr);
  free(value);
}

static void test_plugin_is_an_abi_1_2_lsm_plugin(void **state) {
  const char *why = NULL;
  const struct berth_plugin *p = load_plugin("apparmor", &why);
  if (p == NULL)
    fail_msg("%s", why);
  assert_int_equal(p->magic, BERTH_PLUGIN_MAGIC);
  assert_int_equal(p->abi_major, 1);
  assert_true(p->abi_minor >= 2);
  assert_int_equal(p->kind, BERTH_PLUGIN_KIND_LSM);
  assert_string_equal(p->name, "apparmor");
  assert_true(p->struct_size >= offsetof(struct berth_plugin, lsm) + sizeof(p->lsm));
  assert_null(p->cgroup);
  assert_non_null(p->lsm);
  assert_int_equal(p->lsm->struct_size, sizeof(struct berth_lsm_ops));
  assert_non_null(p->lsm->enabled);
  assert_non_null(p->lsm->validate);
  assert_non_null(p->lsm->exec_attr);
}

/* The real plugin on the real host: it agrees with the kernel's switch, and on a host
 * without AppArmor (this tier's) refuses any profile with the reason. */
static void test_plugin_reads_this_hosts_switch(void **state) {
  const char *why = NULL;
  const struct berth_plugin *p = load_plugin("apparmor", &why);
  if (p == NULL)
    fail_msg("%s", why);
  int32_t on = -1;
  assert_int_equal(p->lsm->enabled(&on, &err), 0);
  char text[8] = "";
  int fd = open("/sys/module/apparmor/parameters/enabled", O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    assert_true(read(fd, text, sizeof(text) - 1) >= 0);
    close(fd);
  }
  assert_int_equal(on, text[0] == 'Y');
  int r = p->lsm->validate("berth-test-never-loaded", &err);
  assert_true(r < 0);
  expect_mention(on ? "AppArmor profile not loaded on this host"
                    : "AppArmor is not enabled on this host");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_profile_names_the_kernel_would_misread_are_refused,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(test_enabled_reads_the_module_parameter, setup, teardown),
      cmocka_unit_test_setup_teardown(test_validate_refuses_on_a_host_without_apparmor, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_validate_accepts_only_loaded_profiles, setup, teardown),
      cmocka_unit_test_setup_teardown(test_validate_says_when_securityfs_is_missing, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_exec_attr_prefers_the_modules_own_directory, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_plugin_is_an_abi_1_2_lsm_plugin, setup, teardown),
      cmocka_unit_test_setup_teardown(test_plugin_reads_this_hosts_switch, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
