/* SPDX-License-Identifier: Apache-2.0 */
/* The sync socket between the runtime and init: a peer that died is an error to report,
 * never a SIGPIPE that kills the runtime (SIGPIPE keeps its default disposition here, so the
 * test program itself would die of it). */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "error.h"
#include "json_util.h"
#include "sync.h"

static void socket_pair(int fds[2]) {
  assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
}

static void test_sync_write_to_closed_peer_returns_epipe(void **state) {
  (void)state;
  signal(SIGPIPE, SIG_DFL);
  int fds[2];
  socket_pair(fds);
  close(fds[1]);
  assert_int_equal(berth_sync_write(fds[0], "G", 1), -EPIPE);
  close(fds[0]);
}

static void test_sync_send_to_closed_peer_reports_epipe(void **state) {
  (void)state;
  signal(SIGPIPE, SIG_DFL);
  int fds[2];
  socket_pair(fds);
  close(fds[1]);
  struct berth_error err = {0};
  assert_int_equal(berth_sync_send_type(fds[0], "hooks-done", &err), -EPIPE);
  assert_int_equal(err.code, EPIPE);
  assert_non_null(strstr(err.msg, "send to init"));
  berth_error_clear(&err);
  close(fds[0]);
}

static void test_sync_message_round_trips(void **state) {
  (void)state;
  int fds[2];
  socket_pair(fds);
  struct berth_error err = {0};
  assert_int_equal(berth_sync_send_type(fds[0], "ready", &err), 0);
  json_object *msg = NULL;
  assert_int_equal(berth_sync_recv(fds[1], &msg, &err), 0);
  assert_string_equal(json_get_str(msg, "type"), "ready");
  json_object_put(msg);
  close(fds[0]);
  assert_int_equal(berth_sync_recv(fds[1], &msg, &err), -ECONNRESET);
  assert_null(err.msg);
  close(fds[1]);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sync_write_to_closed_peer_returns_epipe),
      cmocka_unit_test(test_sync_send_to_closed_peer_reports_epipe),
      cmocka_unit_test(test_sync_message_round_trips),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
