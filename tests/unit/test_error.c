/* SPDX-License-Identifier: Apache-2.0 */
/* The error object: a message names what failed and why, context is prefixed on the way up,
 * and a second error never disappears behind the first nor is reported as it. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "error.h"

static void test_error_message_names_the_cause(void **state) {
  (void)state;
  struct berth_error err = {0};
  assert_int_equal(berth_error(&err, ENOENT, "open %s", "state.json"), -ENOENT);
  assert_int_equal(err.code, ENOENT);
  assert_string_equal(err.msg, "open state.json: No such file or directory");
  berth_error_clear(&err);
  assert_null(err.msg);
  assert_int_equal(err.code, 0);
}

static void test_error_without_errno_is_eio_without_strerror(void **state) {
  (void)state;
  struct berth_error err = {0};
  assert_int_equal(berth_error(&err, 0, "bad %d", 7), -EIO);
  assert_int_equal(err.code, EIO);
  assert_string_equal(err.msg, "bad 7");
  berth_error_clear(&err);
}

static void test_error_prefix_adds_context(void **state) {
  (void)state;
  struct berth_error err = {0};
  berth_error(&err, EBUSY, "rmdir x");
  assert_int_equal(berth_error_prefix(&err, "delete %s", "c1"), -EBUSY);
  assert_string_equal(err.msg, "delete c1: rmdir x: Device or resource busy");
  berth_error_clear(&err);
}

static void test_error_prefix_without_error_keeps_nothing(void **state) {
  (void)state;
  struct berth_error err = {0};
  assert_int_equal(berth_error_prefix(&err, "delete c1"), -EIO);
  assert_null(err.msg);
}

static void test_second_error_wraps_the_first(void **state) {
  (void)state;
  struct berth_error err = {0};
  berth_error(&err, ENOENT, "list processes");
  assert_int_equal(berth_error(&err, EBUSY, "rmdir cgroup"), -EBUSY);
  /* The later failure leads and sets the code; the earlier one is still told. */
  assert_int_equal(err.code, EBUSY);
  assert_string_equal(err.msg, "rmdir cgroup: Device or resource busy; earlier: list processes: "
                               "No such file or directory");
  berth_error_clear(&err);
}

static void test_cleared_error_does_not_reach_a_later_one(void **state) {
  (void)state;
  struct berth_error err = {0};
  berth_error(&err, ENOENT, "ignored on purpose");
  berth_error_clear(&err);
  berth_error(&err, EPERM, "write x");
  assert_string_equal(err.msg, "write x: Operation not permitted");
  berth_error_clear(&err);
}

static void test_error_with_null_object_only_returns(void **state) {
  (void)state;
  assert_int_equal(berth_error(NULL, EACCES, "x"), -EACCES);
  assert_int_equal(berth_error_prefix(NULL, "y"), -EIO);
  berth_error_clear(NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_error_message_names_the_cause),
      cmocka_unit_test(test_error_without_errno_is_eio_without_strerror),
      cmocka_unit_test(test_error_prefix_adds_context),
      cmocka_unit_test(test_error_prefix_without_error_keeps_nothing),
      cmocka_unit_test(test_second_error_wraps_the_first),
      cmocka_unit_test(test_cleared_error_does_not_reach_a_later_one),
      cmocka_unit_test(test_error_with_null_object_only_returns),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
