#!/usr/bin/env bats
# The systemd cgroup driver against a real systemd: the VM tier (tests/vm, a booted Debian with
# systemd and cgroup v2) runs this suite under BERTH_TEST_DRIVER=systemd only
# (plugins/cgroup-systemd/tests has the same checks against a fake systemd on a private bus).

load ../../../integration/helpers

unit() { echo "berth-$ID.scope"; }
prop() { systemctl show -p "$1" --value "${2:-$(unit)}"; }
scope_dir() { echo "/sys/fs/cgroup$(prop ControlGroup)"; }

run_container() {
  args sleep 100
  berth run -d -b "$BUNDLE" "$ID"
  PID=$(state_field "$ID" pid)
}

@test "systemd: the container is a delegated scope holding its init, with the limits as properties" {
  config '.linux.cgroupsPath = "system.slice:berth:'"$ID"'"
          | .linux.resources += {"memory": {"limit": 67108864, "reservation": 33554432},
                                 "pids": {"limit": 42},
                                 "cpu": {"shares": 1024, "quota": 50000, "period": 100000}}'
  run_container
  [ "$(prop ActiveState)" = active ]
  [ "$(prop Delegate)" = yes ]
  [ "$(prop Slice)" = system.slice ]
  [ "$(prop ControlGroup)" = "/system.slice/$(unit)" ]
  [ "$(prop MemoryMax)" = 67108864 ]
  [ "$(prop MemoryLow)" = 33554432 ]
  [ "$(prop TasksMax)" = 42 ]
  [ "$(prop CPUWeight)" = 39 ]
  [ "$(prop CPUQuotaPerSecUSec)" = 500ms ]
  [ "$(prop Description)" = "berth container $ID" ]
  grep -qx "$PID" "$(scope_dir)/cgroup.procs"
  [ "$(cat "$(scope_dir)/memory.max")" = 67108864 ]
  [ "$(cat "$(scope_dir)/pids.max")" = 42 ]
  [ "$(awk -F: '$1 == "0" {print $3}' /proc/"$PID"/cgroup)" = "/system.slice/$(unit)" ]
  jq -e '.cgroup.driver == "systemd" and .cgroup.plugin == "cgroup-systemd"' "$ROOT/$ID/state.json"
  jq -e '.cgroup.state | fromjson | .unit == "'"$(unit)"'" and .slice == "system.slice"' \
    "$ROOT/$ID/state.json"
}

@test "systemd: no cgroupsPath means system.slice, prefix berth, the container ID" {
  config 'del(.linux.cgroupsPath)'
  run_container
  [ "$(prop ActiveState)" = active ]
  [ "$(prop Slice)" = system.slice ]
}

@test "systemd: delete leaves no unit and no cgroup" {
  run_container
  dir=$(scope_dir)
  [ -d "$dir" ]
  berth delete -f "$ID"
  [ "$(prop LoadState)" = not-found ]
  [ ! -e "$dir" ]
  ! systemctl list-units --all --no-legend | grep -q "$(unit)"
}

@test "systemd: a container that exited deletes cleanly" {
  args true
  berth run --keep -b "$BUNDLE" "$ID"
  [ "$(state_field "$ID" status)" = stopped ]
  berth delete "$ID"
  [ ! -e "$ROOT/$ID" ]
  [ "$(prop LoadState)" = not-found ]
  [ ! -e "/sys/fs/cgroup/system.slice/$(unit)" ]
}

@test "systemd: an exited container's scope is gone, and kill, ps and delete act as under v2" {
  args true
  berth run -d -b "$BUNDLE" "$ID"
  for _ in $(seq 50); do [ "$(prop LoadState)" = not-found ] && break; sleep 0.1; done
  [ "$(prop LoadState)" = not-found ]
  [ "$(state_field "$ID" status)" = stopped ]
  # runc: kill --all of a stopped container whose systemd cgroup is gone is no error; a plain
  # kill says "container not running" (what containerd's shim looks for).
  berth kill --all "$ID" KILL
  run berth kill "$ID" KILL
  [ "$status" -eq 1 ]
  [[ "$output" == *"container not running"* ]]
  run berth ps --format json "$ID"
  [ "$status" -eq 0 ]
  jq -e 'length == 0' <<<"$output"
  berth delete "$ID"
  [ ! -e "$ROOT/$ID" ]
}

@test "systemd: a failed unit of the same name does not block a new container" {
  # A scope that outlives RuntimeMaxSec is killed and left failed.
  systemd-run --scope --unit="$(unit)" -p RuntimeMaxSec=1 sleep 30 >/dev/null 2>&1 || true
  [ "$(prop ActiveState)" = failed ] || { echo "the scope did not fail: $(prop ActiveState)"; return 1; }
  run_container
  [ "$(prop ActiveState)" = active ]
  grep -qx "$PID" "$(scope_dir)/cgroup.procs"
}

@test "systemd: a running unit of the same name is refused and left alone" {
  systemd-run --scope --unit="$(unit)" sleep 100 >/dev/null 2>&1 &
  for _ in $(seq 50); do [ "$(prop ActiveState)" = active ] && break; sleep 0.1; done
  args sleep 100
  run berth run -d -b "$BUNDLE" "$ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"already exists and is active"* ]]
  [ "$(prop ActiveState)" = active ]
  systemctl stop "$(unit)"
}

@test "systemd: org.systemd.property annotations pass through" {
  config '.annotations += {"org.systemd.property.CPUWeight": "123",
                           "org.systemd.property.TimeoutStopSec": "7",
                           "org.systemd.property.CollectMode": "'"'inactive-or-failed'"'"}'
  run_container
  [ "$(prop CPUWeight)" = 123 ]
  [ "$(prop TimeoutStopUSec)" = 7s ]
  [ "$(prop CollectMode)" = inactive-or-failed ]
}

@test "systemd: a bad cgroupsPath or slice is refused and nothing is made" {
  args sleep 100
  for path in "/berth/$ID" "system.slice:$ID" "bad--x.slice:berth:$ID" "system.slice:berth:a+b"; do
    config '.linux.cgroupsPath = "'"$path"'"'
    run berth run -d -b "$BUNDLE" "$ID"
    [ "$status" -ne 0 ]
    [[ "$output" == *"slice"* || "$output" == *"systemd refuses"* ]]
    [ ! -e "$ROOT/$ID" ]
  done
  [ "$(prop LoadState)" = not-found ]
}

@test "systemd: pause, resume and update act on the unit's cgroup and properties" {
  run_container
  berth pause "$ID"
  [ "$(cat "$(scope_dir)/cgroup.freeze")" = 1 ]
  [ "$(state_field "$ID" status)" = paused ]
  berth resume "$ID"
  [ "$(cat "$(scope_dir)/cgroup.freeze")" = 0 ]
  berth update --pids-limit 7 --memory 32m "$ID"
  [ "$(prop TasksMax)" = 7 ]
  [ "$(prop MemoryMax)" = 33554432 ]
  [ "$(cat "$(scope_dir)/pids.max")" = 7 ]
  berth ps "$ID" | grep -q sleep
}

@test "systemd: a cgroupsPath naming a slice makes that slice and puts the container in it" {
  slice="system-berth${ID//[^a-zA-Z0-9]/}.slice"
  config '.linux.cgroupsPath = "system.slice:berth:'"$slice"'"'
  run_container
  [ "$(prop ActiveState "$slice")" = active ]
  grep -qx "$PID" "/sys/fs/cgroup/system.slice/$slice/cgroup.procs"
  berth delete -f "$ID"
  # Stopped and unloaded, as runc stops a slice it made for the container; its parent stays.
  # (Not LoadState: systemd loads any slice name it is asked about, file or not, as an
  # inactive slice, so `systemctl show` of a gone slice says "loaded". list-units only lists
  # what is loaded already.)
  [ -z "$(systemctl list-units --all --no-legend "$slice")" ]
  [ ! -e "/sys/fs/cgroup/system.slice/$slice" ]
  [ "$(prop ActiveState "$slice")" = inactive ]
  [ "$(prop ActiveState system.slice)" = active ]
}
