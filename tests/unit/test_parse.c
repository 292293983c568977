/* SPDX-License-Identifier: Apache-2.0 */
/* The typed parse helpers: a number is whole, decimal and inside its range, or refused with
 * a message that names the field and the range. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "error.h"
#include "parse.h"

static void assert_message(struct berth_error *err, const char *want) {
  assert_non_null(err->msg);
  if (strcmp(err->msg, want) != 0)
    fail_msg("message \"%s\", wanted \"%s\"", err->msg, want);
  berth_error_clear(err);
}

static void test_parse_int_takes_whole_decimal_numbers(void **state) {
  int64_t n = 7;
  assert_int_equal(berth_parse_int("0", 0, 10, &n), 0);
  assert_int_equal(n, 0);
  assert_int_equal(berth_parse_int("-1000", -1000, 1000, &n), 0);
  assert_int_equal(n, -1000);
  assert_int_equal(berth_parse_int("4294967294", 0, BERTH_ID_MAX, &n), 0);
  assert_int_equal(n, 4294967294LL);
  assert_int_equal(berth_parse_int("9223372036854775807", 0, INT64_MAX, &n), 0);
  assert_int_equal(n, INT64_MAX);
}

/* What atoi or a bare strtol would have turned into a number (often 0: root). */
static void test_parse_int_refuses_garbage(void **state) {
  static const char *const bad[] = {"",    "foo", "12abc", " 5",  "5 ",  "+5", "0x10",
                                    "1e3", "-",   "--1",   "1.0", "5\n", "٣"};
  int64_t n = 42;
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
    if (berth_parse_int(bad[i], -100, 100, &n) != -EINVAL)
      fail_msg("\"%s\" was not refused as garbage", bad[i]);
  assert_int_equal(berth_parse_int(NULL, 0, 1, &n), -EINVAL);
  assert_int_equal(n, 42); /* untouched */
}

static void test_parse_int_refuses_out_of_range(void **state) {
  int64_t n = 42;
  assert_int_equal(berth_parse_int("4294967295", 0, BERTH_ID_MAX, &n), -ERANGE);
  assert_int_equal(berth_parse_int("4294967296", 0, BERTH_ID_MAX, &n), -ERANGE);
  assert_int_equal(berth_parse_int("-1", 0, BERTH_ID_MAX, &n), -ERANGE);
  assert_int_equal(berth_parse_int("-1001", -1000, 1000, &n), -ERANGE);
  /* Beyond int64 itself: strtoll clamps, which must not pass as INT64_MAX. */
  assert_int_equal(berth_parse_int("99999999999999999999", 0, INT64_MAX, &n), -ERANGE);
  assert_int_equal(berth_parse_int("-99999999999999999999", INT64_MIN, 0, &n), -ERANGE);
  assert_int_equal(n, 42);
}

static void test_parse_int_named_says_field_and_range(void **state) {
  struct berth_error err = {0};
  int64_t n;
  assert_int_equal(berth_parse_int_named("--preserve-fds", "abc", 0, 1021, &n, &err), -EIO);
  assert_message(&err, "--preserve-fds: \"abc\" is not an integer (0-1021)");
  assert_true(berth_parse_int_named("LISTEN_FDS", "99999999", 0, 1021, &n, &err) < 0);
  assert_message(&err, "LISTEN_FDS: 99999999 is out of range (0-1021)");
  assert_true(berth_parse_int_named("x", "-7", -5, 5, &n, &err) < 0);
  assert_message(&err, "x: -7 is out of range (-5 to 5)");
  assert_int_equal(berth_parse_int_named("x", "5", -5, 5, &n, &err), 0);
  assert_null(err.msg);
}

static void test_json_int_reads_member_in_range(void **state) {
  json_object *o = json_tokener_parse("{\"height\": 24, \"big\": 18446744073709551615, "
                                      "\"neg\": -1, \"text\": \"24\"}");
  struct berth_error err = {0};
  int64_t n;
  assert_int_equal(berth_json_int(o, "height", "process.consoleSize", 0, 65535, 0, &n, &err), 0);
  assert_int_equal(n, 24);
  assert_int_equal(berth_json_int(o, "width", "process.consoleSize", 0, 65535, 80, &n, &err), 0);
  assert_int_equal(n, 80); /* absent: the default */
  /* json-c keeps this as a uint64 and clamps get_int64 to INT64_MAX: still out of range. */
  assert_true(berth_json_int(o, "big", "p", 0, INT64_MAX, 0, &n, &err) < 0);
  assert_message(&err, "p.big: 18446744073709551615 is out of range (0-9223372036854775807)");
  assert_true(berth_json_int(o, "neg", "p", 0, 10, 0, &n, &err) < 0);
  assert_message(&err, "p.neg: -1 is out of range (0-10)");
  assert_true(berth_json_int(o, "text", "p", 0, 100, 0, &n, &err) < 0);
  assert_message(&err, "p.text: must be an integer (0-100)");
  json_object_put(o);
}

static void test_json_id_refuses_the_no_id_value(void **state) {
  json_object *o = json_tokener_parse("{\"uid\": 4294967295, \"gid\": 4294967294}");
  struct berth_error err = {0};
  uint32_t id = 7;
  assert_true(berth_json_id(o, "uid", "process.user", 0, &id, &err) < 0);
  assert_message(&err, "process.user.uid: 4294967295 is out of range (0-4294967294)");
  assert_int_equal(id, 7);
  assert_int_equal(berth_json_id(o, "gid", "process.user", 0, &id, &err), 0);
  assert_int_equal(id, 4294967294u);
  json_object_put(o);
}

static void test_parse_size_takes_units(void **state) {
  assert_int_equal(berth_parse_size("1024"), 1024);
  assert_int_equal(berth_parse_size("64m"), 64LL << 20);
  assert_int_equal(berth_parse_size("1.5G"), 3LL << 29);
  assert_int_equal(berth_parse_size("2kb"), 2048);
  assert_int_equal(berth_parse_size("1KiB"), 1024);
  assert_int_equal(berth_parse_size("7p"), 7LL << 50);
}

/* strtod's extras, and sizes no long long holds (the cast would be undefined). */
static void test_parse_size_refuses_garbage_and_overflow(void **state) {
  static const char *const bad[] = {"",     "lots", "-5",    " 5",    "+5",
                                    "inf",  "nan",  "0x10",  "1e3",   "5q",
                                    "5mm",  ".5",   "1.2.3", "8192p", "99999999999999999999",
                                    "1e400"};
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
    if (berth_parse_size(bad[i]) != -1)
      fail_msg("\"%s\" was taken as a size", bad[i]);
  assert_int_equal(berth_parse_size("8191p"), 8191LL << 50);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_parse_int_takes_whole_decimal_numbers),
      cmocka_unit_test(test_parse_int_refuses_garbage),
      cmocka_unit_test(test_parse_int_refuses_out_of_range),
      cmocka_unit_test(test_parse_int_named_says_field_and_range),
      cmocka_unit_test(test_json_int_reads_member_in_range),
      cmocka_unit_test(test_json_id_refuses_the_no_id_value),
      cmocka_unit_test(test_parse_size_takes_units),
      cmocka_unit_test(test_parse_size_refuses_garbage_and_overflow),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
