#!/usr/bin/env bats
# The cgroup v2 plugin on this hybrid host: each test runs in a private mount namespace with
# cgroup2 mounted at /sys/fs/cgroup, a unified view with few controllers (hugetlb here) but
# real freeze, kill, process lists and device filters. The VM tier covers full v2.

load ../helpers

# in_v2 SCRIPT: run SCRIPT with bash in a private mount namespace that sees cgroup2 at
# /sys/fs/cgroup; berth and the test's variables are exported to it.
in_v2() {
  export BERTH ROOT BUNDLE ID TEST_TMP
  unshare -m --propagation private bash -euo pipefail -c '
    mount -t cgroup2 none /sys/fs/cgroup
    b() { "$BERTH" --root "$ROOT" "$@"; }
    cg() { echo "/sys/fs/cgroup$(sed -n "s/^0:://p" /proc/$1/cgroup)"; }
    '"$1"
}

teardown() {
  # Containers live in the unified hierarchy; delete them from a unified view.
  if [ -d "$ROOT" ]; then
    in_v2 'for id in $(b list -q); do b delete -f "$id" || true; done' || true
  fi
  rm -rf "$TEST_TMP"
}

@test "auto picks the v2 plugin where /sys/fs/cgroup is cgroup2; the init is in its cgroup" {
  args sleep 100
  run in_v2 '
    b run -d -b "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
    pid=$(b state "$ID" | jq .pid)
    jq -r .cgroup.driver "$ROOT/$ID/state.json"
    cg $pid
    grep -x $pid "$(cg $pid)/cgroup.procs"'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = v2 ]
  [[ "${lines[1]}" == */"$ID" ]]
}

@test "pause freezes through cgroup.freeze, resume thaws" {
  args sleep 100
  run in_v2 '
    b run -d -b "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
    pid=$(b state "$ID" | jq .pid)
    b pause "$ID"
    b state "$ID" | jq -r .status
    cat "$(cg $pid)/cgroup.freeze"
    grep frozen "$(cg $pid)/cgroup.events"
    b resume "$ID"
    b state "$ID" | jq -r .status
    grep frozen "$(cg $pid)/cgroup.events"'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = paused ]
  [ "${lines[1]}" = 1 ]
  [ "${lines[2]}" = "frozen 1" ]
  [ "${lines[3]}" = running ]
  [ "${lines[4]}" = "frozen 0" ]
}

@test "kill --all, ps and delete work on the v2 cgroup, which delete removes" {
  args sh -c 'sleep 100 & sleep 100 & wait'
  run in_v2 '
    b run -d -b "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
    pid=$(b state "$ID" | jq .pid)
    dir=$(cg $pid)
    sleep 0.3
    b ps --format json "$ID" | jq length
    b kill --all "$ID" KILL
    for i in $(seq 50); do [ "$(b state "$ID" | jq -r .status)" = stopped ] && break; sleep 0.1; done
    b state "$ID" | jq -r .status
    b delete "$ID"
    [ ! -e "$dir" ] && echo removed'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 3 ]
  [ "${lines[1]}" = stopped ]
  [ "${lines[2]}" = removed ]
}

@test "kill --all KILL goes through cgroup.kill: a container that keeps forking is gone at once" {
  # No pid namespace of its own: the init's death alone would leave the others running.
  config 'del(.linux.namespaces[] | select(.type == "pid"))'
  args sh -c 'i=0; while [ $i -lt 20 ]; do sleep 100 & i=$((i+1)); done; while :; do sleep 100 & done'
  run in_v2 '
    b run -d -b "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
    pid=$(b state "$ID" | jq .pid)
    dir=$(cg $pid)
    sleep 0.3
    [ "$(wc -l <"$dir/cgroup.procs")" -gt 20 ] && echo forking
    # Freezing and signalling one by one would wait 3 s before each signal (60 s and more).
    BERTH_TEST_DELAY_AT=kill-all-signal=3000 timeout 10 "$BERTH" --root "$ROOT" kill --all "$ID" KILL
    for i in $(seq 50); do grep -qx "populated 0" "$dir/cgroup.events" && break; sleep 0.1; done
    grep populated "$dir/cgroup.events"
    grep frozen "$dir/cgroup.events"
    wc -l <"$dir/cgroup.procs"
    b state "$ID" | jq -r .status'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = forking ]
  [ "${lines[1]}" = "populated 0" ]
  [ "${lines[2]}" = "frozen 0" ]
  [ "${lines[3]}" = 0 ]
  [ "${lines[4]}" = stopped ]
}

@test "hugepage limits are written to hugetlb.<size>.max" {
  config '.linux.resources.hugepageLimits = [{"pageSize": "2MB", "limit": 4194304}]'
  args sleep 100
  run in_v2 '
    grep -qw hugetlb /sys/fs/cgroup/cgroup.controllers || { echo no-hugetlb; exit 0; }
    b run -d -b "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
    pid=$(b state "$ID" | jq .pid)
    cat "$(cg $pid)/hugetlb.2MB.max"'
  [ "$status" -eq 0 ]
  [ "$output" = 4194304 ]
}

@test "the BPF device filter refuses a device no rule allows" {
  config '.mounts += [{"destination": "/dev/fuse", "type": "bind", "source": "/dev/fuse", "options": ["bind"]}]'
  args sh -c '(exec 3<>/dev/fuse) 2>/dev/null && echo opened || echo denied; (exec 3</dev/null) && echo null-ok'
  run in_v2 'b run -b "$BUNDLE" "$ID"'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = denied ]
  [ "${lines[1]}" = null-ok ]
}

@test "events --stats reads the v2 files" {
  args sleep 100
  run in_v2 '
    b run -d -b "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
    b events --stats "$ID"'
  [ "$status" -eq 0 ]
  jq -e '.type == "stats" and .data.pids.current >= 1' <<<"$output"
}
