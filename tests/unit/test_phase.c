/* SPDX-License-Identifier: Apache-2.0 */
/* --debug's phases: off, nothing is timed nor reported; on, each phase is one line naming it
 * with its duration in ms. */
#include <regex.h>
#include <stdio.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "phase.h"

static char last_line[256];
static int lines;

static void record(const char *line) {
  snprintf(last_line, sizeof(last_line), "%s", line);
  lines++;
}

static int reset(void **state) {
  (void)state;
  berth_phase_enable(NULL);
  last_line[0] = '\0';
  lines = 0;
  return 0;
}

static void test_phase_off_reads_no_clock_and_reports_nothing(void **state) {
  (void)state;
  uint64_t t = berth_phase_begin();
  assert_int_equal(t, 0);
  berth_phase_end(t, "config");
  berth_phase_report(5000000, "startup");
  berth_phase_report_startup();
  assert_int_equal(lines, 0);
}

static void test_phase_on_reports_one_line_with_ms(void **state) {
  (void)state;
  berth_phase_enable(record);
  uint64_t t = berth_phase_begin();
  assert_true(t != 0);
  berth_phase_end(t, "mount %s", "/proc");
  assert_int_equal(lines, 1);
  regex_t re;
  assert_int_equal(regcomp(&re, "^phase mount /proc: [0-9]+\\.[0-9]{3} ms$", REG_EXTENDED), 0);
  assert_int_equal(regexec(&re, last_line, 0, NULL, 0), 0);
  regfree(&re);
}

static void test_phase_report_formats_the_given_duration(void **state) {
  (void)state;
  berth_phase_enable(record);
  berth_phase_report(12345678, "init re-exec");
  assert_string_equal(last_line, "phase init re-exec: 12.345 ms");
  berth_phase_report(999, "lsm");
  assert_string_equal(last_line, "phase lsm: 0.000 ms");
}

/* An end whose begin was taken while phases were off stays silent once they are on. */
static void test_phase_begun_while_off_is_not_reported(void **state) {
  (void)state;
  uint64_t t = berth_phase_begin();
  berth_phase_enable(record);
  berth_phase_end(t, "clone");
  assert_int_equal(lines, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_phase_off_reads_no_clock_and_reports_nothing, reset),
      cmocka_unit_test_setup(test_phase_on_reports_one_line_with_ms, reset),
      cmocka_unit_test_setup(test_phase_report_formats_the_given_duration, reset),
      cmocka_unit_test_setup(test_phase_begun_while_off_is_not_reported, reset),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
