#!/usr/bin/env bats
# Issue 8: once the container's init has died, its pid is free for any process. `exec` checked
# the status, then (after a wait on the console socket, say) opened /proc/PID/ns/*; `kill`
# signalled the pid it had checked. A stranger that took the pid in between got a process
# joined to its namespaces, or the signal. berth pins the init with a pidfd at Load.
#
# Each scenario runs in a pid namespace of its own (unshare -pf), where writing
# /proc/sys/kernel/ns_last_pid hands the dead init's pid to the stranger, and pauses berth in
# the window with BERTH_TEST_DELAY_AT (core/test_delay.h).

load helpers

setup() {
  setup_bundle '.process.args = ["sleep", "1000"] | .hostname = "container"'
}

# in_own_pid_ns SCRIPT: runs SCRIPT with bash as pid 1 of a new pid namespace (with its /proc),
# berth and the test's variables at hand; every container it made is deleted before it ends.
# Under the systemd driver its containers use the v2 files directly: systemd would read the
# pids berth hands it (PIDs=) in its own pid namespace, where they name other processes.
in_own_pid_ns() {
  local driver_args=("${BERTH_DRIVER_ARGS[@]}")
  [ "$(test_driver)" = systemd ] && driver_args=(--cgroup-driver=v2)
  cat > "$TEST_TMP/scenario" <<SCRIPT
set -u
berth() { "$BERTH" --root "$ROOT" ${driver_args[*]} "\$@"; }
trap 'for id in \$(berth list -q); do berth delete -f "\$id" >/dev/null 2>&1; done' EXIT
ID=$ID BUNDLE=$BUNDLE TEST_TMP=$TEST_TMP
$(declare -f gone_within place_at)
$1
SCRIPT
  unshare --pid --fork --mount-proc bash "$TEST_TMP/scenario"
}

# gone_within PID: waits until PID is reaped (bash, pid 1 here, reaps what it inherits).
gone_within() {
  for _ in $(seq 100); do [ -e "/proc/$1" ] || return 0; sleep 0.05; done
  echo "pid $1 still there"; return 1
}

# place_at PID CMD...: starts CMD in the background as pid PID; prints its pid.
place_at() {
  local want=$1 got
  shift
  for _ in 1 2 3 4 5; do
    echo $((want - 1)) > /proc/sys/kernel/ns_last_pid
    "$@" >/dev/null 2>&1 &
    got=$!
    [ "$got" = "$want" ] && { echo "$got"; return 0; }
    kill -9 "$got"
  done
  echo "could not place a process at pid $want" >&2; return 1
}

@test "exec refuses a container whose init died and whose pid another process took" {
  run in_own_pid_ns '
    berth run -d -b "$BUNDLE" "$ID" || exit 1
    pid=$(berth state "$ID" | jq -r .pid)
    BERTH_TEST_DELAY_AT=exec-before-setns=3000 berth exec "$ID" hostname > "$TEST_TMP/exec.out" 2>&1 &
    exec_job=$!
    sleep 1 # exec is past its status check, in its pause
    kill -9 "$pid" && gone_within "$pid" || exit 1
    stranger=$(place_at "$pid" unshare --uts sh -c "hostname stranger; exec sleep 1000") || exit 1
    wait "$exec_job"; echo "exec status $?"; cat "$TEST_TMP/exec.out"
    kill -0 "$stranger" && echo "stranger alive"'
  echo "$output"
  [[ "$output" == *"exec status 255"* || "$output" == *"exec status 1"* ]]
  [[ "$output" == *"cannot exec in container $ID: it is stopped"* ]]
  [[ "$output" != *"stranger"$'\n'* ]]
  [[ "$output" == *"stranger alive"* ]]
}

@test "kill does not signal a process that took the pid of the dead init" {
  run in_own_pid_ns '
    berth run -d -b "$BUNDLE" "$ID" || exit 1
    pid=$(berth state "$ID" | jq -r .pid)
    BERTH_TEST_DELAY_AT=kill-before-signal=3000 berth kill "$ID" KILL > "$TEST_TMP/kill.out" 2>&1 &
    kill_job=$!
    sleep 1 # kill is past its status check, in its pause
    kill -9 "$pid" && gone_within "$pid" || exit 1
    stranger=$(place_at "$pid" sleep 1000) || exit 1
    wait "$kill_job"; echo "kill status $?"; cat "$TEST_TMP/kill.out"
    sleep 0.2
    kill -0 "$stranger" && echo "stranger alive"'
  echo "$output"
  [[ "$output" == *"kill status 1"* ]]
  [[ "$output" == *"kill $ID: container not running"* ]]
  [[ "$output" == *"stranger alive"* ]]
}

@test "kill --all never signals a process that took the pid of one of the container's" {
  args sh -c 'sleep 1000 & exec sleep 1000'
  run in_own_pid_ns '
    berth run -d -b "$BUNDLE" "$ID" || exit 1
    pid=$(berth state "$ID" | jq -r .pid)
    child=$(pgrep -P "$pid" sleep) || exit 1
    BERTH_TEST_DELAY_AT=kill-all-signal=2000 berth kill --all "$ID" KILL > "$TEST_TMP/kill.out" 2>&1 &
    kill_job=$!
    sleep 1 # kill --all has read the pids and pauses before signalling them
    kill -9 "$child"
    sleep 0.3
    # Signalled per pid with the cgroup frozen (v1: the child is not reaped while its parent is
    # frozen, so its pid stays taken), or by cgroup.kill (v2, KILL: nothing signalled per pid,
    # the child already gone and its pid free): either way the stranger lives.
    stranger=$(place_at "$child" sleep 1000 2>/dev/null) && echo "stranger took pid $child"
    wait "$kill_job"; echo "kill status $?"; cat "$TEST_TMP/kill.out"
    gone_within "$pid" && echo "container gone"
    [ -z "$stranger" ] || { kill -0 "$stranger" && echo "stranger alive"; kill "$stranger"; }'
  echo "$output"
  [[ "$output" == *"kill status 0"* ]]
  [[ "$output" == *"container gone"* ]]
  [[ "$output" != *"stranger took pid"* || "$output" == *"stranger alive"* ]]
}
