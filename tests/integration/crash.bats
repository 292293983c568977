#!/usr/bin/env bats
# berth killed at any moment (an engine's timeout SIGKILLs it) leaves a record that
# `delete -f` cleans completely, and a damaged state.json does not make a container
# unremovable. The failpoints are berth_crash_point() in core/ (BERTH_TEST_CRASH_AT, test-only).

load helpers

# crash_at POINT ARGS...: berth ARGS, SIGKILLed by itself at POINT (exit 137: it got there).
crash_at() {
  local point=$1
  shift
  # Not `run`: an init left blocked on exec.fifo keeps the stdio it inherited, and `run`
  # would wait for the end of that pipe.
  local status=0
  BERTH_TEST_CRASH_AT="$point" "$BERTH" --root "$ROOT" "${BERTH_DRIVER_ARGS[@]}" "$@" \
    >"$TEST_TMP/crash.out" 2>&1 3>&- || status=$?
  [ "$status" -eq 137 ] ||
    { echo "berth $* did not die at $point: $status: $(cat "$TEST_TMP/crash.out")"; return 1; }
}

# The /proc/PID/cgroup of every process in a cgroup of the container, in any hierarchy.
container_pids() {
  grep -ls "/$ID\$" /proc/[0-9]*/cgroup || true
}

# Nothing of the container is left: state dir, cgroup in any hierarchy, process, mount.
# Each step ends the function on failure: callers use it in `|| ...`, where bats' errexit is off.
assert_all_gone() {
  assert_nothing_left "$ID" || return 1
  local left
  # find fails on the cgroups of others that go while it walks: only its output counts.
  left=$(find /sys/fs/cgroup -type d -name "$ID" 2>/dev/null || true)
  [ -z "$left" ] || { echo "cgroups left: $left"; return 1; }
  left=$(container_pids)
  [ -z "$left" ] || { echo "processes left: $left"; return 1; }
  local pid
  for pid in "$@"; do
    process_gone "$pid" || { echo "init $pid left: $(cat "/proc/$pid/stat")"; return 1; }
  done
  ! grep -qF -e "$TEST_TMP" -e "$ROOTFS_DIR" /proc/mounts || { echo "mounts left"; return 1; }
}

# The init pid a record names, if any (to prove it is gone afterwards).
recorded_pid() {
  jq -r '.init_process_pid // empty' "$ROOT/$ID/cleanup.json" 2>/dev/null || true
}

# After a crash: delete -f removes everything, and the ID can be used again.
delete_leaves_nothing() {
  local pid
  pid=$(recorded_pid)
  run berth delete -f "$ID"
  [ "$status" -eq 0 ] || { echo "delete -f: $status: $output"; return 1; }
  assert_all_gone $pid || return 1
  berth create -b "$BUNDLE" "$ID" || return 1
  [ "$(state_field "$ID" status)" = created ] || return 1
  pid=$(state_field "$ID" pid)
  berth delete -f "$ID" || return 1
  assert_all_gone "$pid"
}

@test "create killed at each of its sync points: delete -f leaves nothing, the ID is free again" {
  args sleep 100
  for point in create-mkdir create-record create-cgroup create-clone create-init-recorded \
    create-started create-ready create-final create-done; do
    crash_at "$point" create -b "$BUNDLE" "$ID"
    [ -d "$ROOT/$ID" ] || { echo "$point: no state dir"; return 1; }
    delete_leaves_nothing || { echo "after $point"; return 1; }
  done
}

@test "a create killed after its first record is stopped: a plain delete removes it" {
  args sleep 100
  for point in create-cgroup create-init-recorded create-ready; do
    crash_at "$point" create -b "$BUNDLE" "$ID"
    # runc's rule: a creating container whose creator is dead is stopped.
    [ "$(state_field "$ID" status)" = stopped ]
    pid=$(recorded_pid)
    berth delete "$ID"
    assert_all_gone $pid
  done
}

@test "start killed after opening exec.fifo: delete -f leaves nothing" {
  args sleep 100
  berth create -b "$BUNDLE" "$ID"
  pid=$(state_field "$ID" pid)
  crash_at start-fifo start "$ID"
  berth delete -f "$ID"
  assert_all_gone "$pid"
}

@test "exec killed at each of its sync points: delete -f leaves nothing" {
  args sleep 100
  for point in exec-started exec-ready; do
    berth run -d -b "$BUNDLE" "$ID"
    pid=$(state_field "$ID" pid)
    crash_at "$point" exec "$ID" sleep 50
    berth delete -f "$ID"
    assert_all_gone "$pid"
  done
}

@test "delete killed at each of its steps: a second delete -f leaves nothing" {
  args sleep 100
  for point in delete-killed delete-cgroup-destroyed delete-before-rmdir; do
    berth run -d -b "$BUNDLE" "$ID"
    pid=$(state_field "$ID" pid)
    crash_at "$point" delete -f "$ID"
    berth delete -f "$ID"
    assert_all_gone "$pid"
  done
}

@test "create SIGKILLed at random moments in its first milliseconds: delete -f leaves nothing" {
  args sleep 100
  for delay in 0.001 0.003 0.005 0.008 0.012 0.020 0.040; do
    timeout -s KILL "$delay" "$BERTH" --root "$ROOT" "${BERTH_DRIVER_ARGS[@]}" \
      create -b "$BUNDLE" "$ID" >/dev/null 2>&1 3>&- || true
    pid=$(recorded_pid)
    run berth delete -f "$ID"
    [ "$status" -eq 0 ] || { echo "after $delay s: delete -f: $output"; return 1; }
    assert_all_gone $pid || { echo "after $delay s"; return 1; }
  done
}

# damage_state HOW: truncated, empty or garbage state.json of a running container, or one
# whose init pid is past pid_t (cast, 4294967297 would have named pid 1).
damage_state() {
  case $1 in
  bigpid)
    jq -c '.init_process_pid = 4294967297' "$ROOT/$ID/state.json" >"$ROOT/$ID/state.edit"
    mv "$ROOT/$ID/state.edit" "$ROOT/$ID/state.json"
    ;;
  truncated) truncate -s 40 "$ROOT/$ID/state.json" ;;
  empty) : >"$ROOT/$ID/state.json" ;;
  garbage) echo 'not json at all' >"$ROOT/$ID/state.json" ;;
  esac
}

@test "a damaged state.json: list shows the container, state names the damage, delete -f removes the live init and its cgroups" {
  args sleep 100
  for how in truncated empty garbage bigpid; do
    berth run -d -b "$BUNDLE" "$ID"
    pid=$(state_field "$ID" pid)
    damage_state "$how"
    run berth list
    [ "$status" -eq 0 ]
    [[ "$output" == *"$ID "*unknown* ]] || { echo "$how: $output"; return 1; }
    [ "$(berth list -f json | jq -r --arg id "$ID" '.[] | select(.id == $id) | .status')" = unknown ]
    run berth state "$ID"
    [ "$status" -eq 1 ]
    [ "${#lines[@]}" -eq 1 ] || { echo "$how: $output"; return 1; }
    [[ "$output" == *"container $ID: damaged state: state.json"* ]] || { echo "$output"; return 1; }
    run berth delete "$ID"
    [ "$status" -eq 1 ]
    ! process_gone "$pid" || { echo "$how: a plain delete killed the init"; return 1; }
    run berth delete -f "$ID"
    [ "$status" -eq 0 ] || { echo "$how: delete -f: $output"; return 1; }
    assert_all_gone "$pid" || { echo "after $how"; return 1; }
  done
}

@test "a state dir without any usable record: delete -f removes it and says what it could not know" {
  mkdir -p "$ROOT/$ID"
  echo garbage >"$ROOT/$ID/state.json"
  run berth list -q
  [ "$output" = "$ID" ]
  run berth delete -f "$ID"
  [ "$status" -eq 0 ]
  [[ "$output" == *"processes and cgroup could not be determined"* ]] || { echo "$output"; return 1; }
  [ ! -e "$ROOT/$ID" ]
  # An empty state dir (a create killed right after its mkdir) goes without a word.
  mkdir -p "$ROOT/$ID"
  run berth delete -f "$ID"
  [ "$status" -eq 0 ]
  [ ! -e "$ROOT/$ID" ]
  [[ "$output" != *"could not be determined"* ]] || { echo "$output"; return 1; }
}
