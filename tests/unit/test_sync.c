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
#include <sys/stat.h>
#include <fcntl.h>
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

/* More fds than one SCM_RIGHTS message carries: all arrive, in order, close-on-exec. */
static void test_sync_fds_round_trip_in_chunks(void **state) {
  (void)state;
  enum { N = 300 };
  int sock[2], sent[N], got[N];
  socket_pair(sock);
  int pipe_fds[2];
  assert_int_equal(pipe(pipe_fds), 0);
  for (int i = 0; i < N; i++)
    assert_true((sent[i] = dup(i % 2 ? pipe_fds[1] : pipe_fds[0])) >= 0);
  /* The socket buffer holds all of it: one thread sends, then receives. */
  assert_int_equal(berth_sync_send_fds(sock[0], sent, N), 0);
  assert_int_equal(berth_sync_recv_fds(sock[1], got, N), 0);
  for (int i = 0; i < N; i++) {
    struct stat a, b;
    assert_int_equal(fstat(got[i], &a), 0);
    assert_int_equal(fstat(i % 2 ? pipe_fds[1] : pipe_fds[0], &b), 0);
    assert_true(a.st_ino == b.st_ino);
    assert_true(fcntl(got[i], F_GETFD) & FD_CLOEXEC);
    close(got[i]);
    close(sent[i]);
  }
  close(pipe_fds[0]);
  close(pipe_fds[1]);
  close(sock[0]);
  close(sock[1]);
}

static int count_fds(void) {
  int n = 0;
  for (int fd = 0; fd < 1024; fd++)
    n += fcntl(fd, F_GETFD) >= 0;
  return n;
}

/* A peer that sends fewer fds than announced, or a plain byte, is a protocol error, and what
 * did arrive is closed. */
static void test_sync_recv_fds_refuses_a_short_message(void **state) {
  (void)state;
  int sock[2], fd = open("/dev/null", O_RDONLY | O_CLOEXEC), got[2] = {-1, -1};
  socket_pair(sock);
  assert_int_equal(berth_sync_send_fds(sock[0], &fd, 1), 0);
  int open_before = count_fds();
  assert_int_equal(berth_sync_recv_fds(sock[1], got, 2), -EPROTO);
  assert_int_equal(count_fds(), open_before);
  assert_int_equal(berth_sync_write(sock[0], "F", 1), 0);
  assert_int_equal(berth_sync_recv_fds(sock[1], got, 1), -EPROTO);
  close(sock[0]);
  assert_int_equal(berth_sync_recv_fds(sock[1], got, 1), -ECONNRESET);
  close(sock[1]);
  close(fd);
}

static json_object *message(const char *text) {
  json_object *msg = json_tokener_parse(text);
  assert_non_null(msg);
  return msg;
}

/* A pid from the peer that kill(2) would read as "every process" (-1), "our group" (0), the
 * namespace's init (1) or beyond the kernel's pids, or that is no integer, is refused. */
static void test_sync_int_refuses_numbers_out_of_range(void **state) {
  (void)state;
  static const struct {
    const char *text, *want;
  } bad[] = {
      {"{\"type\":\"pid\",\"pid\":-1}", "sync message \"pid\": pid: -1 is out of range"},
      {"{\"type\":\"pid\",\"pid\":0}", "pid: 0 is out of range"},
      {"{\"type\":\"pid\",\"pid\":1}", "pid: 1 is out of range"},
      {"{\"type\":\"pid\",\"pid\":4194305}", "pid: 4194305 is out of range"},
      {"{\"type\":\"pid\",\"pid\":18446744073709551615}", "is out of range"},
      {"{\"type\":\"pid\",\"pid\":\"42\"}", "pid: must be an integer"},
      {"{\"type\":\"pid\",\"pid\":4.2}", "pid: must be an integer"},
      {"{\"type\":\"pid\"}", "sync message \"pid\": no pid"},
      {"{\"pid\":42}", "sync message \"untyped\": no pid"},
  };
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    json_object *msg = message(bad[i].text);
    struct berth_error err = {0};
    int64_t pid = 7;
    if (strcmp(bad[i].text, "{\"pid\":42}") == 0)
      assert_true(berth_sync_int(msg, "nopid", 2, 9, &pid, &err) < 0);
    else
      assert_true(berth_sync_int(msg, "pid", BERTH_SYNC_PID_MIN, BERTH_SYNC_PID_MAX, &pid, &err) <
                  0);
    assert_non_null(err.msg);
    if (strcmp(bad[i].text, "{\"pid\":42}") != 0 && strstr(err.msg, bad[i].want) == NULL)
      fail_msg("%s: got \"%s\", want \"%s\"", bad[i].text, err.msg, bad[i].want);
    assert_int_equal(pid, 7);
    berth_error_clear(&err);
    json_object_put(msg);
  }
  json_object *msg = message("{\"type\":\"pid\",\"pid\":4194304}");
  struct berth_error err = {0};
  int64_t pid = 0;
  assert_int_equal(berth_sync_int(msg, "pid", BERTH_SYNC_PID_MIN, BERTH_SYNC_PID_MAX, &pid, &err),
                   0);
  assert_int_equal(pid, 4194304);
  assert_null(err.msg);
  json_object_put(msg);
}

static void test_sync_str_refuses_what_is_no_string(void **state) {
  (void)state;
  json_object *msg = message("{\"type\":\"error\",\"msg\":42}");
  struct berth_error err = {0};
  assert_null(berth_sync_str(msg, "msg", &err));
  assert_string_equal(err.msg, "sync message \"error\": msg: must be a string");
  berth_error_clear(&err);
  json_object_put(msg);
  msg = message("{\"type\":\"error\",\"msg\":\"mount failed\"}");
  assert_string_equal(berth_sync_str(msg, "msg", &err), "mount failed");
  assert_null(err.msg);
  json_object_put(msg);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sync_write_to_closed_peer_returns_epipe),
      cmocka_unit_test(test_sync_send_to_closed_peer_reports_epipe),
      cmocka_unit_test(test_sync_message_round_trips),
      cmocka_unit_test(test_sync_fds_round_trip_in_chunks),
      cmocka_unit_test(test_sync_recv_fds_refuses_a_short_message),
      cmocka_unit_test(test_sync_int_refuses_numbers_out_of_range),
      cmocka_unit_test(test_sync_str_refuses_what_is_no_string),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
