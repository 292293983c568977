#!/usr/bin/env bats
# The cgroup v1 plugin as the kernel shows it, and driver selection on this hybrid host.

load ../helpers

cg() { echo "/sys/fs/cgroup/$1$(awk -F: -v c="$1" '$2 == c {print $3}' /proc/"$PID"/cgroup)"; }

@test "auto picks the v1 plugin here: the init is in the container's cgroup in every hierarchy" {
  args sleep 100
  berth run -d -b "$BUNDLE" "$ID"
  PID=$(state_field "$ID" pid)
  for c in memory cpu cpuacct cpuset pids blkio devices freezer; do
    [[ "$(cg $c)" == */"$ID" ]]
    grep -qx "$PID" "$(cg $c)/cgroup.procs"
  done
  # On a hybrid host the container joins the unified hierarchy too, as runc does.
  [[ "$(awk -F: '$1 == "0" {print $3}' /proc/$PID/cgroup)" == */"$ID" ]]
  jq -e '.cgroup.driver == "v1" and .cgroup.plugin == "cgroup-v1"' "$ROOT/$ID/state.json"
}

@test "linux.resources land in the cgroup files" {
  config '.linux.resources += {"memory": {"limit": 67108864, "reservation": 33554432, "swappiness": 10},
                               "cpu": {"shares": 512, "quota": 50000, "period": 100000, "cpus": "0", "mems": "0"},
                               "pids": {"limit": 42}}'
  args sleep 100
  berth run -d -b "$BUNDLE" "$ID"
  PID=$(state_field "$ID" pid)
  [ "$(cat "$(cg memory)/memory.limit_in_bytes")" = 67108864 ]
  [ "$(cat "$(cg memory)/memory.soft_limit_in_bytes")" = 33554432 ]
  [ "$(cat "$(cg memory)/memory.swappiness")" = 10 ]
  [ "$(cat "$(cg cpu)/cpu.shares")" = 512 ]
  [ "$(cat "$(cg cpu)/cpu.cfs_quota_us")" = 50000 ]
  [ "$(cat "$(cg cpuset)/cpuset.cpus")" = 0 ]
  [ "$(cat "$(cg pids)/pids.max")" = 42 ]
}

@test "update of the real-time period and runtime works in either direction (runc 1.1.15)" {
  config '.linux.resources.cpu = {"realtimePeriod": 1000000, "realtimeRuntime": 500000}'
  args sleep 100
  berth run -d -b "$BUNDLE" "$ID"
  PID=$(state_field "$ID" pid)
  # A new period below the old runtime: the kernel refuses the period first.
  berth update --cpu-rt-period 400000 --cpu-rt-runtime 300000 "$ID"
  [ "$(cat "$(cg cpu)/cpu.rt_period_us") $(cat "$(cg cpu)/cpu.rt_runtime_us")" = "400000 300000" ]
  # A new runtime above the old period: the period has to go first.
  berth update --cpu-rt-period 900000 --cpu-rt-runtime 600000 "$ID"
  [ "$(cat "$(cg cpu)/cpu.rt_period_us") $(cat "$(cg cpu)/cpu.rt_runtime_us")" = "900000 600000" ]
  # The same for the CFS period and quota.
  berth update --cpu-period 100000 --cpu-quota 50000 "$ID"
  berth update --cpu-period 20000 --cpu-quota 10000 "$ID"
  [ "$(cat "$(cg cpu)/cpu.cfs_period_us") $(cat "$(cg cpu)/cpu.cfs_quota_us")" = "20000 10000" ]
}

@test "pids.limit is enforced" {
  config '.linux.resources.pids = {"limit": 5}'
  args sh -c 'for i in 1 2 3 4 5 6 7 8; do sleep 10 & done 2>&1; wait'
  run berth run -b "$BUNDLE" "$ID"
  [[ "$output" == *"Resource temporarily unavailable"* || "$output" == *"can't fork"* ]]
}

@test "device rules: default deny with the standard devices allowed" {
  args sleep 100
  berth run -d -b "$BUNDLE" "$ID"
  PID=$(state_field "$ID" pid)
  list=$(cat "$(cg devices)/devices.list")
  [[ "$list" == *"c 1:3 rwm"* ]]
  [[ "$list" == *"c 136:* rwm"* ]]
  [[ "$list" != *"a *:* rwm"* ]]
}

@test "a device is usable only when a rule allows it" {
  config '.linux.devices = [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 384}]'
  args sh -c '(exec 3<>/dev/fuse) 2>/dev/null && echo opened || echo denied'
  run berth run -b "$BUNDLE" "$ID-0"
  # A node from linux.devices is not allowed by itself (the spec's rules deny all), as runc...
  [ "$output" = denied ]
  config '.linux.resources.devices += [{"allow": true, "type": "c", "major": 10, "minor": 229, "access": "rw"}]'
  run berth run -b "$BUNDLE" "$ID"
  # ...but usable once a rule allows it...
  [ "$output" = opened ]
  config '.linux.devices = [] | .linux.resources.devices = [{"allow": false, "access": "rwm"}] | .mounts += [{"destination": "/dev/fuse", "type": "bind", "source": "/dev/fuse", "options": ["bind"]}]'
  run berth run -b "$BUNDLE" "$ID-2"
  # ...but a host node bound in without a rule is refused by the devices cgroup.
  [ "$output" = denied ]
}

@test "delete removes the cgroup from every hierarchy" {
  args sleep 100
  berth run -d -b "$BUNDLE" "$ID"
  PID=$(state_field "$ID" pid)
  dirs=$(for c in memory cpu pids freezer devices; do cg $c; done)
  berth delete -f "$ID"
  for d in $dirs; do [ ! -e "$d" ]; done
}

@test "an absolute cgroupsPath is used as given, below each hierarchy" {
  config --arg p "/berth-it-$ID" '.linux.cgroupsPath = $p'
  args sleep 100
  berth run -d -b "$BUNDLE" "$ID"
  PID=$(state_field "$ID" pid)
  [ "$(cg pids)" = "/sys/fs/cgroup/pids/berth-it-$ID" ]
  berth delete -f "$ID"
  [ ! -e "/sys/fs/cgroup/pids/berth-it-$ID" ]
}

@test "a cgroup that already holds processes is refused, in runc 1.2's words" {
  args sleep 100
  config '.linux.cgroupsPath = "shared-'"$ID"'"'
  berth run -d -b "$BUNDLE" "$ID"
  run berth create -b "$BUNDLE" "$ID-2"
  [ "$status" -eq 1 ]
  [[ "$output" == *"create $ID-2"* ]]
  [[ "$output" == *"container's cgroup is not empty: 1 process(es) found"* ]] || { echo "$output"; return 1; }
  [ ! -e "$ROOT/$ID-2" ]
  [ "$(state_field "$ID" status)" = running ]
}

@test "a frozen cgroup is refused, in runc's words" {
  local dir=/sys/fs/cgroup/freezer/berth-it-frozen-$ID
  config --arg p "/berth-it-frozen-$ID" '.linux.cgroupsPath = $p'
  mkdir "$dir"
  echo FROZEN > "$dir/freezer.state"
  run berth create -b "$BUNDLE" "$ID"
  echo THAWED > "$dir/freezer.state"
  rmdir "$dir"
  [ "$status" -eq 1 ]
  [[ "$output" == *"container's cgroup unexpectedly frozen"* ]]
  assert_nothing_left "$ID"
}

@test "a limit for a controller this host lacks is refused, and nothing is left" {
  # This host mounts no v1 hugetlb or net_cls hierarchy (hugetlb lives only in cgroup2).
  for limit in '.linux.resources.hugepageLimits = [{"pageSize": "2MB", "limit": 2097152}]' \
               '.linux.resources.network = {"classID": 1048577}'; do
    config "$limit"
    run berth create -b "$BUNDLE" "$ID"
    [ "$status" -eq 1 ]
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" =~ "cannot set "(hugepageLimits|network.classID)": the container has no "(hugetlb|net_cls)" cgroup" ]]
    assert_nothing_left "$ID"
    config 'del(.linux.resources.hugepageLimits, .linux.resources.network)'
  done
}

@test "--cgroup-driver=none creates no cgroup" {
  args sleep 100
  "$BERTH" --root "$ROOT" --cgroup-driver=none run -d -b "$BUNDLE" "$ID"
  PID=$(state_field "$ID" pid)
  [[ "$(cg memory)" != */"$ID" ]]
  jq -e '.cgroup.driver == "none"' "$ROOT/$ID/state.json"
  berth delete -f "$ID"
}

@test "the v2 driver is refused on this hybrid host with a clear message" {
  run "$BERTH" --root "$ROOT" --cgroup-driver=v2 create -b "$BUNDLE" "$ID"
  [ "$status" -eq 1 ]
  # The reason is cgroup-v2's own, from its entry point.
  [[ "$output" == *'cgroup driver "v2": plugin '*'cgroup-v2.so: refused to run on this host: cgroup-v2: /sys/fs/cgroup is not a cgroup2 mount'* ]]
  assert_nothing_left "$ID"
}

@test "the systemd driver is refused where systemd is not running" {
  for how in "--cgroup-driver=systemd" "--systemd-cgroup"; do
    run "$BERTH" --root "$ROOT" $how create -b "$BUNDLE" "$ID"
    [ "$status" -eq 1 ]
    [[ "$output" == *'cgroup driver '*'cgroup-systemd: systemd is not running'* ]]
    assert_nothing_left "$ID"
  done
  config '.linux.cgroupsPath = "system.slice:berth:x"'
  run berth create -b "$BUNDLE" "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *'systemd is not running'* ]]
}
