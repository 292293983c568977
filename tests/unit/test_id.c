/* SPDX-License-Identifier: Apache-2.0 */
/* Container IDs: ^[\w+\-.]+$, never a path trick, always a usable directory name. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "error.h"
#include "id.h"

static void assert_valid(const char *id) {
  struct berth_error err = {0};
  int r = berth_validate_id(id, &err);
  if (r != 0)
    fail_msg("id \"%s\" refused: %s", id, err.msg ? err.msg : "(no message)");
  assert_null(err.msg);
  berth_error_clear(&err);
}

/* Refused with a one-line message that says what is wrong. */
static void assert_refused(const char *id, const char *shown) {
  struct berth_error err = {0};
  int r = berth_validate_id(id, &err);
  if (r == 0)
    fail_msg("id \"%s\" accepted", shown);
  assert_true(r < 0);
  assert_non_null(err.msg);
  if (strstr(err.msg, "invalid container id") == NULL)
    fail_msg("id \"%s\": message \"%s\" lacks \"invalid container id\"", shown, err.msg);
  if (strchr(err.msg, '\n') != NULL || strchr(err.msg, '\r') != NULL)
    fail_msg("id \"%s\": message is not one line: \"%s\"", shown, err.msg);
  berth_error_clear(&err);
}

static void test_id_accepts_letters_digits_and_punctuation(void **state) {
  assert_valid("c1");
  assert_valid("a");
  assert_valid("0");
  assert_valid("ABC_def-123+x.y");
  assert_valid("my.container");
  assert_valid("a..b");
  assert_valid("...");
  assert_valid("-leading-dash");
  assert_valid("_");
  assert_valid("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_id_refuses_empty(void **state) {
  assert_refused("", "");
}

static void test_id_refuses_null(void **state) {
  struct berth_error err = {0};
  assert_true(berth_validate_id(NULL, &err) < 0);
  assert_non_null(err.msg);
  berth_error_clear(&err);
}

static void test_id_refuses_dot_and_dot_dot(void **state) {
  assert_refused(".", ".");
  assert_refused("..", "..");
}

static void test_id_refuses_path_separators(void **state) {
  assert_refused("a/b", "a/b");
  assert_refused("../x", "../x");
  assert_refused("/abs", "/abs");
  assert_refused("x/..", "x/..");
  assert_refused("a/", "a/");
}

static void test_id_refuses_spaces(void **state) {
  assert_refused("a b", "a b");
  assert_refused(" a", " a");
  assert_refused("a ", "a ");
}

static void test_id_refuses_other_punctuation(void **state) {
  static const char *const ids[] = {"a:b", "a*", "a?", "a$b", "a;b", "a\\b", "~a", "a@b"};
  for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
    assert_refused(ids[i], ids[i]);
}

static void test_id_refuses_non_ascii(void **state) {
  assert_refused("caf\xc3\xa9", "caf\\xc3\\xa9");
}

/* The message stays one line even when the ID carries a newline (a user reads one line; a
 * text log must not gain a forged one). */
static void test_id_refuses_control_characters(void **state) {
  assert_refused("a\tb", "a\\tb");
  assert_refused("a\nb", "a\\nb");
  assert_refused("a\rb", "a\\rb");
  assert_refused("a\x1b[31mb", "a\\x1b[31mb");
  assert_refused("a\x7f", "a\\x7f");
}

/* The ID names a directory under --root: a name the kernel refuses (NAME_MAX) is invalid,
 * not a mkdir error later. */
static void test_id_refuses_overly_long(void **state) {
  char id[NAME_MAX + 2];
  memset(id, 'a', NAME_MAX);
  id[NAME_MAX] = '\0';
  assert_valid(id);
  id[NAME_MAX] = 'a';
  id[NAME_MAX + 1] = '\0';
  assert_refused(id, "a x 256");

  char *huge = malloc(5000);
  assert_non_null(huge);
  memset(huge, 'b', 4999);
  huge[4999] = '\0';
  assert_refused(huge, "b x 4999");
  free(huge);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_id_accepts_letters_digits_and_punctuation),
      cmocka_unit_test(test_id_refuses_empty),
      cmocka_unit_test(test_id_refuses_null),
      cmocka_unit_test(test_id_refuses_dot_and_dot_dot),
      cmocka_unit_test(test_id_refuses_path_separators),
      cmocka_unit_test(test_id_refuses_spaces),
      cmocka_unit_test(test_id_refuses_other_punctuation),
      cmocka_unit_test(test_id_refuses_non_ascii),
      cmocka_unit_test(test_id_refuses_control_characters),
      cmocka_unit_test(test_id_refuses_overly_long),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
