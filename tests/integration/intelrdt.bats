#!/usr/bin/env bats
# linux.intelRdt through intelrdt.so on real containers. No machine here has Intel RDT (nor
# AMD QoS, nor does qemu emulate it), so this suite, with the plugin's unit tests, is the one
# place berth imitates a kernel interface: each test lays out a directory as resctrl lays
# itself out (info/, the root group's schemata, tasks) and points the plugin at it with a mount
# table naming it as the resctrl mount (BERTH_TEST_MOUNTINFO, read by berth_host_api.mountinfo).
# What the kernel would do on its own (populate a new group's files, parse a schemata write) is
# not imitated: the tests read back what berth wrote. The first tests use this host as it is,
# without resctrl.

load helpers

setup() {
  setup_bundle '.process.args = ["sleep", "100"]'
}

# fake_resctrl [SUPER_OPTIONS]: $RESCTRL laid out as a host with L3 CAT (11 bits, 16 CLOSIDs),
# MBA (steps of 10 from 10%, 8 CLOSIDs) and L3 monitoring on two domains, named as the resctrl
# mount by the mount table $TEST_TMP/mountinfo.
fake_resctrl() {
  RESCTRL=$TEST_TMP/resctrl
  mkdir -p "$RESCTRL"/info/{L3,MB,L3_MON} "$RESCTRL/mon_groups" "$RESCTRL/mon_data"
  echo 7ff >"$RESCTRL/info/L3/cbm_mask"
  echo 1 >"$RESCTRL/info/L3/min_cbm_bits"
  echo 16 >"$RESCTRL/info/L3/num_closids"
  echo 10 >"$RESCTRL/info/MB/bandwidth_gran"
  echo 10 >"$RESCTRL/info/MB/min_bandwidth"
  echo 1 >"$RESCTRL/info/MB/delay_linear"
  echo 8 >"$RESCTRL/info/MB/num_closids"
  printf 'llc_occupancy\nmbm_total_bytes\nmbm_local_bytes\n' >"$RESCTRL/info/L3_MON/mon_features"
  printf '    L3:0=7ff;1=7ff\n    MB:0=100;1=100\n' >"$RESCTRL/schemata"
  : >"$RESCTRL/tasks"
  printf '30 22 0:30 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n99 22 0:99 / %s rw,relatime - resctrl resctrl %s\n' \
    "$RESCTRL" "${1:-rw}" >"$TEST_TMP/mountinfo"
  export BERTH_TEST_MOUNTINFO=$TEST_TMP/mountinfo
}

rdt() { config --argjson r "$1" '.linux.intelRdt = $r'; }

@test "linux.intelRdt on a host without resctrl fails naming resctrl, and leaves nothing" {
  ! grep -qw resctrl /proc/self/mountinfo # this host: no RDT hardware, nothing mounted
  rdt '{"l3CacheSchema": "L3:0=ff"}'
  run berth create -b "$BUNDLE" "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *"create $ID: linux.intelRdt: resctrl is not mounted"* ]]
  [ "${#lines[@]}" -eq 1 ]
  assert_nothing_left "$ID"
}

@test "linux.intelRdt without the RDT plugin installed fails naming its package" {
  plugins=$TEST_TMP/plugins
  mkdir -m 755 "$plugins"
  cp "$BERTH_PLUGIN_PATH"/cgroup-*.so "$plugins/"
  rdt '{"closID": "c1"}'
  BERTH_PLUGIN_PATH=$plugins run berth create -b "$BUNDLE" "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *"linux.intelRdt: plugin intelrdt.so not installed in $plugins (package berth-plugin-intelrdt)"* ]]
  assert_nothing_left "$ID"
}

@test "the schemata are written to the container's group, the init and exec'd processes join it, delete removes it" {
  fake_resctrl
  rdt '{"l3CacheSchema": "L3:0=7f0;1=1f", "memBwSchema": "MB:0=50;1=100", "schemata": ["L3:1=3f"]}'
  berth run -d -b "$BUNDLE" "$ID"
  pid=$(state_field "$ID" pid)
  group=$RESCTRL/$ID
  [ "$(cat "$group/schemata")" = $'L3:0=7f0;1=1f\nMB:0=50;1=100\nL3:1=3f' ]
  grep -qx "$pid" "$group/tasks"
  berth exec -d --pid-file "$TEST_TMP/exec.pid" "$ID" sleep 50
  grep -qx "$(cat "$TEST_TMP/exec.pid")" "$group/tasks"
  # recorded for later commands: the plugin, and its blob naming the group
  [ "$(berth state "$ID" >/dev/null; jq -r '.intel_rdt.plugin' "$ROOT/$ID/state.json")" = intelrdt ]
  jq -e --arg g "$ID" '.intel_rdt.state | fromjson | .group == $g and .shared == false' "$ROOT/$ID/state.json"
  berth delete -f "$ID"
  [ ! -e "$group" ]
  [ -d "$RESCTRL/info" ] # the rest of resctrl untouched
}

@test "a closID group is shared by containers and kept when they are deleted" {
  fake_resctrl
  mkdir "$RESCTRL/shared1" && echo 'L3:0=7ff;1=7ff' >"$RESCTRL/shared1/schemata" && : >"$RESCTRL/shared1/tasks"
  rdt '{"closID": "shared1", "l3CacheSchema": "L3:0=ff;1=ff"}'
  berth run -d -b "$BUNDLE" "$ID"
  berth run -d -b "$BUNDLE" "$ID-b"
  grep -qx "$(state_field "$ID" pid)" "$RESCTRL/shared1/tasks"
  grep -qx "$(state_field "$ID-b" pid)" "$RESCTRL/shared1/tasks"
  [ "$(cat "$RESCTRL/shared1/schemata")" = 'L3:0=ff;1=ff' ]
  [ ! -e "$RESCTRL/$ID" ]
  berth delete -f "$ID"
  [ -d "$RESCTRL/shared1" ]
  berth delete -f "$ID-b"
  [ -d "$RESCTRL/shared1" ]
  # A closID group that does not exist yet is made, and still never removed by a container.
  rdt '{"closID": "fresh"}'
  berth run -d -b "$BUNDLE" "$ID-c"
  grep -qx "$(state_field "$ID-c" pid)" "$RESCTRL/fresh/tasks"
  berth delete -f "$ID-c"
  [ -d "$RESCTRL/fresh" ]
}

@test "enableMonitoring makes a monitoring group whose counters events --stats reports per domain" {
  fake_resctrl
  rdt '{"l3CacheSchema": "L3:0=7f;1=7f", "memBwSchema": "MB:0=70;1=70", "enableMonitoring": true}'
  berth run -d -b "$BUNDLE" "$ID"
  pid=$(state_field "$ID" pid)
  mon=$RESCTRL/$ID/mon_groups/$ID
  grep -qx "$pid" "$mon/tasks"
  grep -qx "$pid" "$RESCTRL/$ID/tasks" # through its control group, as the kernel requires
  # What the kernel would count: two domains.
  for d in 00 01; do
    mkdir -p "$mon/mon_data/mon_L3_$d"
    echo "1${d}0" >"$mon/mon_data/mon_L3_$d/llc_occupancy"
    echo "2${d}0" >"$mon/mon_data/mon_L3_$d/mbm_total_bytes"
    echo "3${d}0" >"$mon/mon_data/mon_L3_$d/mbm_local_bytes"
  done
  run berth events --stats "$ID"
  [ "$status" -eq 0 ] || { echo "$output"; return 1; }
  r=$(jq -c '.data.intel_rdt' <<<"$output")
  [ "$(jq -c '.cmt_stats' <<<"$r")" = '[{"llc_occupancy":1000},{"llc_occupancy":1010}]' ]
  [ "$(jq -c '.mbm_stats' <<<"$r")" = '[{"mbm_total_bytes":2000,"mbm_local_bytes":3000},{"mbm_total_bytes":2010,"mbm_local_bytes":3010}]' ]
  [ "$(jq -r '.l3_cache_schema' <<<"$r")" = 'L3:0=7f;1=7f' ]
  [ "$(jq -r '.mem_bw_schema' <<<"$r")" = 'MB:0=70;1=70' ]
  [ "$(jq -r '.l3_cache_schema_root' <<<"$r")" = 'L3:0=7ff;1=7ff' ]
  [ "$(jq -c '.l3_cache_info' <<<"$r")" = '{"cbm_mask":"7ff","min_cbm_bits":1,"num_closids":16}' ]
  [ "$(jq -c '.mem_bw_info' <<<"$r")" = '{"bandwidth_gran":10,"delay_linear":1,"min_bandwidth":10,"num_closids":8}' ]
  jq -e '.data.cpu' <<<"$output" >/dev/null # beside the cgroup's own stats
  berth delete -f "$ID"
  [ ! -e "$RESCTRL/$ID" ]
}

@test "schemata lines the host cannot take are refused naming the line and why, and nothing is left" {
  fake_resctrl
  check() {
    rdt "$1"
    run berth create -b "$BUNDLE" "$ID"
    [ "$status" -eq 1 ]
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == *"$2"* ]] || { echo "got: $output"; return 1; }
    assert_nothing_left "$ID"
    [ ! -e "$RESCTRL/$ID" ]
  }
  check '{"memBwSchema": "MB:0=55"}' \
    'linux.intelRdt.memBwSchema: schemata line "MB:0=55": domain 0: 55% is not a multiple of bandwidth_gran 10'
  check '{"memBwSchema": "MB:0=5"}' '"MB:0=5": domain 0: 5% is outside min_bandwidth 10..100'
  check '{"l3CacheSchema": "L3:0=fff"}' \
    'linux.intelRdt.l3CacheSchema: schemata line "L3:0=fff": domain 0: mask fff sets bits outside cbm_mask 7ff'
  check '{"l3CacheSchema": "L3:0=70f"}' 'mask 70f is not contiguous'
  check '{"schemata": ["L3:0=ff", "L2:0=f"]}' \
    'linux.intelRdt.schemata[1]: schemata line "L2:0=f": this host'"'"'s resctrl has no resource L2'
  check '{"l3CacheSchema": "L3CODE:0=ff\nL3DATA:0=ff"}' 'has no resource L3CODE'
  check '{"l3CacheSchema": "L3:3=ff"}' "domain 3: this host's L3 has no such domain"
  rdt '{"enableMonitoring": true}'
  berth create -b "$BUNDLE" "$ID" # not `run`: the created init would hold its output pipe
  berth delete -f "$ID"
  rm -r "$RESCTRL/info/L3_MON" # a host that cannot monitor
  check '{"enableMonitoring": true}' 'enableMonitoring: this host'"'"'s resctrl cannot monitor (no info/L3_MON)'
}

@test "a closID with a slash or dots is refused before anything is made" {
  fake_resctrl
  for bad in '../escape' 'a/b' '..' '.' 'info' 'mon_groups'; do
    rdt "$(jq -nc --arg c "$bad" '{closID: $c}')"
    run berth create -b "$BUNDLE" "$ID"
    [ "$status" -eq 1 ]
    [[ "$output" == *"linux.intelRdt.closID \"$bad\""* ]]
    assert_nothing_left "$ID"
  done
  [ "$(ls "$RESCTRL")" = "$(printf 'info\nmon_data\nmon_groups\nschemata\ntasks')" ]
  [ ! -e "$TEST_TMP/escape" ]
}

@test "no free CLOSID: the group count against num_closids is refused" {
  fake_resctrl
  echo 3 >"$RESCTRL/info/MB/num_closids" # the default group, "other" and one more
  mkdir "$RESCTRL/other"
  rdt '{"l3CacheSchema": "L3:0=ff"}'
  berth create -b "$BUNDLE" "$ID"
  config '.linux.intelRdt.l3CacheSchema = "L3:0=f"'
  run berth create -b "$BUNDLE" "$ID-b"
  [ "$status" -eq 1 ]
  [[ "$output" == *"resctrl group $ID-b: 3 groups in use and num_closids is 3: no CLOSID is free"* ]]
  assert_nothing_left "$ID-b"
}

@test "a create that fails after the group is made removes the group" {
  fake_resctrl
  rdt '{"l3CacheSchema": "L3:0=ff", "enableMonitoring": true}'
  config '.hooks.createRuntime = [{"path": "/bin/false"}]'
  run berth create -b "$BUNDLE" "$ID"
  [ "$status" -eq 1 ]
  assert_nothing_left "$ID"
  [ ! -e "$RESCTRL/$ID" ]
}

# berth SIGKILLed by itself at a failpoint of core/ (BERTH_TEST_CRASH_AT, as in crash.bats).
crash_at() {
  local point=$1 status=0
  shift
  BERTH_TEST_CRASH_AT="$point" "$BERTH" --root "$ROOT" "${BERTH_DRIVER_ARGS[@]}" "$@" \
    >"$TEST_TMP/crash.out" 2>&1 3>&- || status=$?
  [ "$status" -eq 137 ] || { echo "berth did not die at $point: $status: $(cat "$TEST_TMP/crash.out")"; return 1; }
}

@test "berth killed between the plugin's create and the record, or once the group is made: delete -f leaves no resctrl group" {
  fake_resctrl
  rdt '{"l3CacheSchema": "L3:0=ff", "enableMonitoring": true}'
  # create-rdt: right after the plugin's create, before the core records its handle; nothing
  # may exist there that the record does not name.
  crash_at create-rdt create -b "$BUNDLE" "$ID"
  berth delete -f "$ID"
  assert_nothing_left "$ID"
  [ ! -e "$RESCTRL/$ID" ]
  # create-started: the group made, its schemata written, the init in it and in its monitoring
  # group; the record names all of it.
  crash_at create-started create -b "$BUNDLE" "$ID"
  [ "$(cat "$RESCTRL/$ID/schemata")" = "L3:0=ff" ]
  [ -s "$RESCTRL/$ID/tasks" ]
  [ -s "$RESCTRL/$ID/mon_groups/$ID/tasks" ]
  pid=$(cat "$RESCTRL/$ID/tasks")
  berth delete -f "$ID"
  assert_nothing_left "$ID"
  process_gone "$pid"
  [ ! -e "$RESCTRL/$ID" ]
  [ -d "$RESCTRL/info" ]
}

@test "with the mba_MBps mount option memBwSchema takes MB/s" {
  fake_resctrl rw,mba_MBps
  rdt '{"memBwSchema": "MB:0=4096;1=2048"}'
  berth create -b "$BUNDLE" "$ID"
  [ "$(cat "$RESCTRL/$ID/schemata")" = 'MB:0=4096;1=2048' ]
}

@test "update --l3-cache-schema and --mem-bw-schema rewrite the group's schemata, checked as at create" {
  fake_resctrl
  rdt '{"l3CacheSchema": "L3:0=7ff;1=7ff", "memBwSchema": "MB:0=100;1=100"}'
  berth run -d -b "$BUNDLE" "$ID"
  berth update --l3-cache-schema 'L3:0=f;1=f0' --mem-bw-schema 'MB:0=30;1=40' "$ID"
  [ "$(cat "$RESCTRL/$ID/schemata")" = $'L3:0=f;1=f0\nMB:0=30;1=40' ]
  [ "$(jq -r '.config.linux.intelRdt.l3CacheSchema' "$ROOT/$ID/state.json")" = 'L3:0=f;1=f0' ]
  run berth update --mem-bw-schema 'MB:0=35' "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *'linux.intelRdt.memBwSchema: schemata line "MB:0=35": domain 0: 35% is not a multiple of bandwidth_gran 10'* ]]
  [ "$(cat "$RESCTRL/$ID/schemata")" = $'L3:0=f;1=f0\nMB:0=30;1=40' ]
  [ "$(jq -r '.config.linux.intelRdt.memBwSchema' "$ROOT/$ID/state.json")" = 'MB:0=30;1=40' ]
}

@test "update --l3-cache-schema on a container without linux.intelRdt is refused" {
  berth run -d -b "$BUNDLE" "$ID"
  run berth update --l3-cache-schema 'L3:0=f' "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *"update $ID: the container has no linux.intelRdt"* ]]
}

@test "features reports linux.intelRdt from the plugin and the host" {
  run berth features
  [ "$(jq -r '.linux.intelRdt.enabled' <<<"$output")" = false ] # no resctrl here
  jq -e '.["org.berth"].plugins[] | select(.name == "intelrdt") | .kind == "rdt" and .loadable' <<<"$output"
  fake_resctrl
  run berth features
  [ "$(jq -r '.linux.intelRdt.enabled' <<<"$output")" = true ]
}
