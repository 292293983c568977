/* SPDX-License-Identifier: Apache-2.0 */
/* selinux.so without SELinux: the context checks and the attr against a stand-in for
 * libselinux (se_lib: a host with SELinux on or off, a policy that knows one context); and
 * the plugin itself, dlopen()ed as the core does, refusing this host with its reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <selinux/selinux.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/tests/fixture.h"
#include "../selinux.h"

#define KNOWN "system_u:system_r:container_t:s0:c1,c2"

static int fake_enabled_answer;
static int fake_is_enabled(void) {
  return fake_enabled_answer;
}
/* The fake policy knows one context. */
static int fake_check_context(const char *context) {
  return strcmp(context, KNOWN) == 0 ? 0 : -1;
}

static int setup(void **state) {
  (void)state;
  se_host = &fake_host;
  se_lib.is_enabled = fake_is_enabled;
  se_lib.check_context = fake_check_context;
  fake_enabled_answer = 1;
  return 0;
}

static int teardown(void **state) {
  (void)state;
  error_clear(&err);
  return 0;
}

static void test_validate_accepts_a_context_the_policy_knows(void **state) {
  (void)state;
  assert_int_equal(se_validate(KNOWN, &err), 0);
}

static void test_validate_refuses_a_context_the_policy_does_not_know(void **state) {
  (void)state;
  expect_error(se_validate("system_u:system_r:no_such_t:s0", &err),
               "not a valid SELinux context in this host's policy");
}

static void test_validate_refuses_every_label_when_selinux_is_off(void **state) {
  (void)state;
  fake_enabled_answer = 0;
  expect_error(se_validate(KNOWN, &err), "SELinux is not enabled on this host");
  error_clear(&err);
  /* is_selinux_enabled's -1 (cannot tell) is not "on" either. */
  fake_enabled_answer = -1;
  expect_error(se_validate(KNOWN, &err), "SELinux is not enabled on this host");
}

static void test_validate_refuses_text_the_kernel_or_a_mount_option_would_misread(void **state) {
  (void)state;
  expect_error(se_validate("", &err), "empty SELinux context");
  error_clear(&err);
  expect_error(se_validate("system_u:system_r:container_t:s0\n", &err),
               "control character 0x0a in the SELinux context");
  error_clear(&err);
  expect_error(se_validate("system_u:\"x", &err), "double quote in the SELinux context");
  error_clear(&err);
  char *long_label = malloc(SE_CONTEXT_MAX + 2);
  assert_non_null(long_label);
  memset(long_label, 'a', SE_CONTEXT_MAX + 1);
  long_label[SE_CONTEXT_MAX + 1] = '\0';
  expect_error(se_validate(long_label, &err), "SELinux context longer than 4000 bytes");
  free(long_label);
}

static void test_enabled_follows_is_selinux_enabled(void **state) {
  (void)state;
  int32_t enabled = -1;
  assert_int_equal(se_enabled(&enabled, &err), 0);
  assert_int_equal(enabled, 1);
  fake_enabled_answer = 0;
  assert_int_equal(se_enabled(&enabled, &err), 0);
  assert_int_equal(enabled, 0);
}

static void test_exec_attr_is_the_context_in_attr_exec(void **state) {
  (void)state;
  char *attr = NULL, *value = NULL;
  assert_int_equal(se_exec_attr(KNOWN, &attr, &value, &err), 0);
  assert_string_equal(attr, "exec");
  assert_string_equal(value, KNOWN);
  free(attr);
  free(value);
}

static void test_keyring_attr_is_the_context_in_attr_keycreate(void **state) {
  (void)state;
  char *attr = NULL, *value = NULL;
  assert_int_equal(se_keyring_attr(KNOWN, &attr, &value, &err), 0);
  assert_string_equal(attr, "keycreate");
  assert_string_equal(value, KNOWN);
  free(attr);
  free(value);
}

/* The MCS categories' comma stays inside the quotes, as the kernel's option parser wants. */
static void test_mount_option_quotes_the_context(void **state) {
  (void)state;
  char *option = NULL;
  assert_int_equal(se_mount_option(KNOWN, &option, &err), 0);
  assert_string_equal(option, "context=\"system_u:system_r:container_t:s0:c1,c2\"");
  free(option);
}

/* A host whose log() keeps what the entry point says, as the core does for a refusal. */
static char logged[1024];
static void keep_log(int32_t level, const char *fmt, ...) {
  (void)level;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(logged, sizeof(logged), fmt, ap);
  va_end(ap);
}

static void test_plugin_refuses_a_host_without_selinux_saying_why(void **state) {
  (void)state;
  const char *why = NULL;
  const struct berth_plugin *p = load_plugin("selinux", &why);
  if (is_selinux_enabled() == 1) {
    assert_non_null(p);
    return;
  }
  assert_null(p);
  struct berth_host_api host = fake_host;
  host.log = keep_log;
  logged[0] = '\0';
  assert_null(plugin_entry()(&host));
  assert_non_null(strstr(logged, "selinux: SELinux is not enabled on this host"));
}

/* On a host that runs SELinux: the descriptor the core will check. */
static void test_plugin_is_an_lsm_plugin_for_both_selinux_fields(void **state) {
  (void)state;
  const char *why = NULL;
  const struct berth_plugin *p = load_plugin("selinux", &why);
  if (is_selinux_enabled() != 1) {
    assert_null(p);
    return;
  }
  assert_int_equal(p->kind, BERTH_PLUGIN_KIND_LSM);
  assert_string_equal(p->name, "selinux");
  assert_null(p->cgroup);
  assert_non_null(p->lsm);
  assert_string_equal(p->lsm->fields[0], "process.selinuxLabel");
  assert_string_equal(p->lsm->fields[1], "linux.mountLabel");
  assert_null(p->lsm->fields[2]);
  assert_int_equal(p->lsm->struct_size, sizeof(struct berth_lsm_ops));
  assert_non_null(p->lsm->keyring_attr);
  assert_non_null(p->lsm->mount_option);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_validate_accepts_a_context_the_policy_knows, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_validate_refuses_a_context_the_policy_does_not_know,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(test_validate_refuses_every_label_when_selinux_is_off, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(
          test_validate_refuses_text_the_kernel_or_a_mount_option_would_misread, setup, teardown),
      cmocka_unit_test_setup_teardown(test_enabled_follows_is_selinux_enabled, setup, teardown),
      cmocka_unit_test_setup_teardown(test_exec_attr_is_the_context_in_attr_exec, setup, teardown),
      cmocka_unit_test_setup_teardown(test_keyring_attr_is_the_context_in_attr_keycreate, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_mount_option_quotes_the_context, setup, teardown),
      cmocka_unit_test_setup_teardown(test_plugin_refuses_a_host_without_selinux_saying_why, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_plugin_is_an_lsm_plugin_for_both_selinux_fields, setup,
                                      teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
