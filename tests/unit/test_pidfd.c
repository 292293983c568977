/* SPDX-License-Identifier: Apache-2.0 */
/* The init pinned by a pidfd (core/pidfd.c): the process with the recorded start time or
 * nothing, and once it is reaped, never whatever takes its pid. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "pidfd.h"
#include "state.h"
#include "util.h"

static pid_t start_sleeper(void) {
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    pause();
    _exit(0);
  }
  return pid;
}

static void reap(pid_t pid) {
  kill(pid, SIGKILL);
  waitpid(pid, NULL, 0);
}

static void test_pin_holds_the_process_with_the_recorded_start_time(void **state) {
  (void)state;
  pid_t pid = start_sleeper();
  struct berth_container c = {.pid = pid, .start_time = process_start_time(pid)};
  berth_container_pin(&c);
  assert_true(c.pidfd >= 0);
  assert_true(berth_container_pinned(&c));
  assert_int_equal(berth_container_signal(&c, SIGKILL), 0);
  assert_int_equal(waitpid(pid, NULL, 0), pid);
  /* Reaped: its pid is free, and the pin says so instead of following the number. */
  assert_false(berth_container_pinned(&c));
  assert_int_equal(berth_container_signal(&c, SIGTERM), -ESRCH);
  close(c.pidfd);
}

static void test_pin_refuses_a_process_with_another_start_time(void **state) {
  (void)state;
  pid_t pid = start_sleeper();
  struct berth_container c = {.pid = pid, .start_time = process_start_time(pid) + 1};
  berth_container_pin(&c);
  assert_int_equal(c.pidfd, BERTH_PIDFD_GONE);
  assert_false(berth_container_pinned(&c));
  assert_int_equal(berth_container_signal(&c, SIGKILL), -ESRCH);
  assert_int_equal(kill(pid, 0), 0); /* the stranger was not signalled */
  reap(pid);
}

static void test_pin_of_a_reaped_pid_is_gone(void **state) {
  (void)state;
  pid_t pid = start_sleeper();
  unsigned long long start = process_start_time(pid);
  reap(pid);
  struct berth_container c = {.pid = pid, .start_time = start};
  berth_container_pin(&c);
  assert_int_equal(c.pidfd, BERTH_PIDFD_GONE);
  assert_int_equal(berth_container_signal(&c, 0), -ESRCH);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_pin_holds_the_process_with_the_recorded_start_time),
      cmocka_unit_test(test_pin_refuses_a_process_with_another_start_time),
      cmocka_unit_test(test_pin_of_a_reaped_pid_is_gone),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
