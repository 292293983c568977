#!/usr/bin/env bats
# update, events and features as engines use them.

load helpers

cg() { echo "/sys/fs/cgroup/$1$(awk -F: -v c="$1" '$2 == c {print $3}' /proc/"$PID"/cgroup)"; }

start() {
  args sleep 100
  berth run -d -b "$BUNDLE" "$ID"
  PID=$(state_field "$ID" pid)
}

@test "update with runc's flags changes the cgroup and the saved config" {
  start
  berth update --memory 64m --memory-reservation 32M --cpu-shares 300 --cpu-quota 20000 \
    --cpu-period 100000 --pids-limit 25 --cpuset-cpus 0 "$ID"
  [ "$(cat "$(cg memory)/memory.limit_in_bytes")" = 67108864 ]
  [ "$(cat "$(cg memory)/memory.soft_limit_in_bytes")" = 33554432 ]
  [ "$(cat "$(cg cpu)/cpu.shares")" = 300 ]
  [ "$(cat "$(cg cpu)/cpu.cfs_quota_us")" = 20000 ]
  [ "$(cat "$(cg pids)/pids.max")" = 25 ]
  [ "$(cat "$(cg cpuset)/cpuset.cpus")" = 0 ]
  jq -e '.config.linux.resources.memory.limit == 67108864 and .config.linux.resources.pids.limit == 25' \
    "$ROOT/$ID/state.json"
}

@test "update --resources takes a LinuxResources file or stdin and keeps what it does not name" {
  start
  berth update --pids-limit 30 "$ID"
  echo '{"memory": {"limit": 50331648}}' > "$TEST_TMP/res.json"
  berth update --resources "$TEST_TMP/res.json" "$ID"
  [ "$(cat "$(cg memory)/memory.limit_in_bytes")" = 50331648 ]
  echo '{"cpu": {"shares": 700}}' | berth update -r - "$ID"
  [ "$(cat "$(cg cpu)/cpu.shares")" = 700 ]
  jq -e '.config.linux.resources.pids.limit == 30 and .config.linux.resources.memory.limit == 50331648' \
    "$ROOT/$ID/state.json"
}

@test "update refuses bad values and containers without a cgroup, changing nothing" {
  start
  run berth update --memory lots "$ID"
  [ "$status" -eq 1 ] && [[ "$output" == *"--memory: invalid value lots"* ]]
  echo '{"pids": {"limit": "many"}}' > "$TEST_TMP/bad.json"
  run berth update -r "$TEST_TMP/bad.json" "$ID"
  [ "$status" -eq 1 ] && [[ "$output" == *"pids.limit: must be an integer"* ]]
  [ "$(cat "$(cg pids)/pids.max")" = max ]
  "$BERTH" --root "$ROOT" --cgroup-driver=none run -d -b "$BUNDLE" "$ID-none"
  run berth update --memory 64m "$ID-none"
  [ "$status" -eq 1 ] && [[ "$output" == *'has no cgroup (cgroup driver "none")'* ]]
}

@test "events --stats prints one stats event in runc's shape" {
  start
  run berth events --stats "$ID"
  [ "$status" -eq 0 ] && [ "${#lines[@]}" -eq 1 ]
  jq -e --arg id "$ID" '.type == "stats" and .id == $id and .data.pids.current >= 1
                        and .data.memory.usage.usage > 0 and .data.cpu.usage.total > 0' <<<"$output"
}

@test "events streams stats at the interval until the container stops" {
  start
  ( sleep 1.2; berth kill "$ID" KILL ) &
  run timeout 10 "$BERTH" --root "$ROOT" events --interval 300ms "$ID"
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -ge 2 ]
  jq -e '.type == "stats"' <<<"${lines[0]}"
}

@test "features lists the OCI surface and the loadable plugins with their ABI" {
  run berth features
  [ "$status" -eq 0 ]
  jq -e '.ociVersionMax == "1.1.0" and (.hooks | index("createRuntime")) and (.linux.namespaces | index("time"))
         and .linux.cgroup.v1 == true and (.mountOptions | index("rro"))' <<<"$output"
  jq -e '."org.berth" as $b | $b.plugins | map(select(.name == "cgroup-v1")) | length == 1
         and .[0].loadable and .[0].abi == $b.pluginAbi and .[0].kind == "cgroup"' <<<"$output"
}

@test "events reports an OOM kill in the container" {
  config '.linux.resources.memory = {"limit": 16777216, "swap": 16777216}'
  args sh -c 'sleep 0.6; dd if=/dev/zero of=/dev/null bs=64M count=1 2>/dev/null; sleep 3'
  berth run -d -b "$BUNDLE" "$ID"
  run timeout 10 "$BERTH" --root "$ROOT" events --interval 200ms "$ID"
  [ "$status" -eq 0 ]
  grep -q '{"type":"oom","id":"'"$ID"'"}' <<<"$output"
}

@test "exec --cgroup puts the process into an existing sub-cgroup" {
  args sleep 100
  berth run -d -b "$BUNDLE" "$ID"
  PID=$(state_field "$ID" pid)
  mkdir "$(cg pids)/sub" "$(cg memory)/sub"
  berth exec -d --pid-file "$TEST_TMP/e.pid" --cgroup pids:sub "$ID" sleep 50
  epid=$(cat "$TEST_TMP/e.pid")
  grep -qx "$epid" "$(cg pids)/sub/cgroup.procs"
  ! grep -qx "$epid" "$(cg memory)/sub/cgroup.procs"
  berth exec -d --pid-file "$TEST_TMP/e2.pid" --cgroup sub "$ID" sleep 50
  grep -qx "$(cat "$TEST_TMP/e2.pid")" "$(cg memory)/sub/cgroup.procs"
  run berth exec --cgroup ../../escape "$ID" true
  [ "$status" -eq 255 ] && [[ "$output" == *"--cgroup ../../escape"* ]]
}
