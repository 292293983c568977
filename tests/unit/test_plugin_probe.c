/* SPDX-License-Identifier: Apache-2.0 */
/*
 * berth_probe_run() runs plugin code in a child: its answer or its error comes back as it
 * was given, and a child that crashes, hangs or exits early fails the probe in one line
 * naming WHAT, while the caller goes on with no child or fd left over.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "error.h"
#include "plugin_probe.h"

#define WHAT "plugin /x/p.so"

static int open_fds(void) {
  DIR *d = opendir("/proc/self/fd");
  assert_non_null(d);
  int n = 0;
  while (readdir(d) != NULL)
    n++;
  closedir(d);
  return n;
}

/* Runs fn with a timeout of timeout_ms; checks that nothing is left behind. */
static int probe(berth_probe_fn fn, int timeout_ms, char **answer, struct berth_error *err) {
  int fds = open_fds();
  int r = berth_probe_run(WHAT, timeout_ms, fn, NULL, answer, err);
  assert_int_equal(open_fds(), fds);
  assert_int_equal(waitpid(-1, NULL, WNOHANG), -1); /* the child was reaped */
  assert_int_equal(errno, ECHILD);
  return r;
}

static void assert_fails_with(berth_probe_fn fn, int timeout_ms, const char *want) {
  struct berth_error err = {0};
  char *answer = NULL;
  assert_true(probe(fn, timeout_ms, &answer, &err) < 0);
  assert_null(answer);
  assert_non_null(err.msg);
  assert_string_equal(err.msg, want);
  berth_error_clear(&err);
}

static int answers(void *data, char **answer, struct berth_error *err) {
  *answer = strdup("{\"kind\":\"cgroup\"}");
  return berth_probe_in_child() ? 0 : berth_error(err, 0, "not in a child");
}

static void test_probe_returns_child_answer(void **state) {
  struct berth_error err = {0};
  char *answer = NULL;
  assert_false(berth_probe_in_child());
  assert_int_equal(probe(answers, 5000, &answer, &err), 0);
  assert_null(err.msg);
  assert_string_equal(answer, "{\"kind\":\"cgroup\"}");
  free(answer);
}

static int refuses(void *data, char **answer, struct berth_error *err) {
  return berth_error(err, ENOENT, "plugin /x/p.so: refused to run on this host");
}

static void test_probe_returns_child_error_as_worded(void **state) {
  struct berth_error err = {0};
  assert_int_equal(probe(refuses, 5000, NULL, &err), -ENOENT);
  assert_int_equal(err.code, ENOENT);
  char want[256];
  snprintf(want, sizeof(want), "plugin /x/p.so: refused to run on this host: %s", strerror(ENOENT));
  assert_string_equal(err.msg, want);
  berth_error_clear(&err);
}

static int crashes(void *data, char **answer, struct berth_error *err) {
  /* Not NULL: UBSan (the asan variant) would catch a NULL store and exit instead. */
  volatile int *volatile nowhere = (volatile int *)16;
  *nowhere = 1;
  return 0;
}

static void test_probe_reports_crash_with_signal(void **state) {
  assert_fails_with(crashes, 5000, WHAT ": crashed (signal 11)");
}

static int aborts(void *data, char **answer, struct berth_error *err) {
  abort();
  return 0;
}

static void test_probe_reports_abort_with_signal(void **state) {
  assert_fails_with(aborts, 5000, WHAT ": crashed (signal 6)");
}

static int hangs(void *data, char **answer, struct berth_error *err) {
  for (;;)
    pause();
  return 0;
}

static double seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_probe_kills_child_that_hangs(void **state) {
  double start = seconds();
  assert_fails_with(hangs, 300, WHAT ": no answer within 0.3 s (killed)");
  double took = seconds() - start;
  assert_true(took >= 0.3 && took < 3);
}

/* A child that closes the pipe and goes on is still waited for only until the deadline. */
static int closes_and_hangs(void *data, char **answer, struct berth_error *err) {
  for (int fd = 3; fd < 1024; fd++)
    close(fd);
  for (;;)
    pause();
  return 0;
}

static void test_probe_kills_child_that_closed_its_pipe(void **state) {
  double start = seconds();
  assert_fails_with(closes_and_hangs, 300, WHAT ": no answer within 0.3 s (killed)");
  assert_true(seconds() - start < 3);
}

static int exits(void *data, char **answer, struct berth_error *err) {
  exit(3);
  return 0;
}

static void test_probe_reports_exit_without_answer(void **state) {
  assert_fails_with(exits, 5000, WHAT ": exited with status 3 before answering");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_probe_returns_child_answer),
      cmocka_unit_test(test_probe_returns_child_error_as_worded),
      cmocka_unit_test(test_probe_reports_crash_with_signal),
      cmocka_unit_test(test_probe_reports_abort_with_signal),
      cmocka_unit_test(test_probe_kills_child_that_hangs),
      cmocka_unit_test(test_probe_kills_child_that_closed_its_pipe),
      cmocka_unit_test(test_probe_reports_exit_without_answer),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
