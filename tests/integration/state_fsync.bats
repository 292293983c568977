#!/usr/bin/env bats
# state.json and cleanup.json are written to a temporary name and renamed into place. On a disk
# the temporary file is fsync'ed first (a power cut must not leave an empty state.json); on
# tmpfs, which nothing outlives, the rename alone is atomic and the fsync is skipped: it was
# the largest single cost of a `run`. fsync(2) failing with EIO for berth tells which it did.

load helpers

EIO=5

run_without_fsync() {
  run "$DENY_SYSCALLS" "$EIO" fsync -- "$BERTH" --root "$1" "${BERTH_DRIVER_ARGS[@]}" \
    run -b "$BUNDLE" "$ID"
  echo "root $1 ($(stat -f -c %T "$(dirname "$1")")): exit $status: $output"
}

@test "a --root on tmpfs is written without fsync: run succeeds where fsync would fail" {
  mkdir "$TEST_TMP/tmpfs"
  host_mount -t tmpfs tmpfs "$TEST_TMP/tmpfs"
  ROOT=$TEST_TMP/tmpfs/root
  run_without_fsync "$ROOT"
  [ "$status" -eq 0 ]
  [ -z "$(ls -A "$ROOT")" ]
}

@test "a --root on a disk is fsync'ed before the rename: a failing fsync fails create, nothing left" {
  # The first of these that is not tmpfs: the test's directory or the build's.
  local dir
  for dir in "$TEST_TMP" "$(dirname "$BERTH")"; do
    [ "$(stat -f -c %T "$dir")" != tmpfs ] && break
  done
  [ "$(stat -f -c %T "$dir")" != tmpfs ]
  ROOT=$(mktemp -d "$dir/berth-fsync-root.XXXXXX")
  run_without_fsync "$ROOT"
  local out=$output st=$status left
  left=$(ls -A "$ROOT")
  rm -rf "$ROOT"
  [ "$st" -ne 0 ]
  [ -z "$left" ]
  [[ "$out" == *"write .state.json."*"Input/output error"* ]]
}
