#!/usr/bin/env bats
# `berth init` reads its inherited fd numbers from the environment: each must be -1 or an fd
# it has open, and the preserved-fd count a small non-negative number, else it refuses with
# one line (it once took atoi()'s 0 for "abc": stdin as its sync socket).

load helpers

expect_init_refusal() { # expect_init_refusal "message" VAR=VALUE...
  local want=$1; shift
  run env "$@" "$BERTH" init </dev/null
  echo "exit $status: $output"
  [ "$status" -eq 1 ]
  [ "$output" = "berth init: $want" ]
}

@test "berth init refuses fd numbers that are not -1 or an open fd" {
  expect_init_refusal "_BERTH_SYNC_FD=abc is not an open fd" _BERTH_SYNC_FD=abc
  expect_init_refusal "_BERTH_SYNC_FD=4294967296 is not an open fd" _BERTH_SYNC_FD=4294967296
  expect_init_refusal "_BERTH_SYNC_FD=-2 is not an open fd" _BERTH_SYNC_FD=-2
  # 0 is open (stdin): the next one is checked.
  expect_init_refusal "_BERTH_FIFO_FD=7x is not an open fd" _BERTH_SYNC_FD=0 _BERTH_FIFO_FD=7x
  expect_init_refusal "_BERTH_ROOT_FD=200 is not an open fd" _BERTH_SYNC_FD=0 _BERTH_ROOT_FD=200
  expect_init_refusal "_BERTH_PRESERVE_FDS=-1 is not a count of fds" _BERTH_SYNC_FD=0 \
    _BERTH_PRESERVE_FDS=-1
  expect_init_refusal "_BERTH_PRESERVE_FDS=2147483647 is not a count of fds" _BERTH_SYNC_FD=0 \
    _BERTH_PRESERVE_FDS=2147483647
}
