#!/usr/bin/env bats
# process.scheduler, process.ioPriority, linux.personality and linux.memoryPolicy change the
# container's process as the host sees it (/proc/PID/stat, chrt, ionice, /proc/PID/personality,
# /proc/PID/numa_maps), for run and for exec; what `berth features` lists is exactly what is
# applied; bad values are refused in one line naming the field, leaving nothing behind.

load helpers

setup() {
  setup_bundle '.process.args = ["sleep", "100"]'
  cp "$BUNDLE/config.json" "$TEST_TMP/pristine.json"
}

pristine() { cp "$TEST_TMP/pristine.json" "$BUNDLE/config.json"; }

# features FILTER: of `berth features` as the test read it into FEATURES (once: each run
# probes every plugin).
features() { jq -c "$1" <<<"$FEATURES"; }

# stat_field PID N: field N of /proc/PID/stat (19 nice, 40 rt_priority, 41 policy).
stat_field() {
  local stat
  stat=$(cat "/proc/$1/stat")
  stat=${stat##*) } # after the command name; this is field 3
  awk -v n=$(($2 - 2)) '{print $n}' <<<"$stat"
}

sched_attr() { python3 "$BATS_TEST_DIRNAME/sched_getattr.py" "$1"; }

# A real-time policy needs real-time runtime in the container's cpu cgroup where the kernel has
# RT group scheduling (cpu.rt_runtime_us) and the driver makes a v1 cpu cgroup, which starts
# with none (the kernel then answers EPERM).
allow_realtime() {
  [ "$(test_driver)" = v1 ] && [ -e "$(cgroup_dir self cpu)/cpu.rt_runtime_us" ] || return 0
  config '.linux.resources.cpu.realtimeRuntime = 10000 | .linux.resources.cpu.realtimePeriod = 1000000'
}

# run_container FILTER: the test's container, running `sleep 100` with the config edited by FILTER
# (from the pristine one); $pid is its process.
run_container() {
  pristine
  config "$1"
  berth run -d -b "$BUNDLE" "$ID"
  pid=$(state_field "$ID" pid)
}

# expect_refusal STATUS "message part" args...: berth exits with STATUS (1, or 255 for exec as
# runc), saying one line.
expect_refusal() {
  local code=$1 want=$2
  shift 2
  run berth "$@"
  [ "$status" -eq "$code" ] || { echo "exit $status: $output"; return 1; }
  [ "${#lines[@]}" -eq 1 ] || { echo "more than one line: $output"; return 1; }
  [[ "$output" == "berth: "*"$want"* ]] || { echo "got: $output, wanted: $want"; return 1; }
}

@test "every scheduler policy that features lists is the policy of the container's process" {
  FEATURES=$(berth features)
  [ "$(features '.["org.berth"].process.scheduler.policies')" = \
    '["SCHED_OTHER","SCHED_FIFO","SCHED_RR","SCHED_BATCH","SCHED_IDLE","SCHED_DEADLINE"]' ]
  allow_realtime
  cp "$BUNDLE/config.json" "$TEST_TMP/pristine.json"
  # policy: scheduler object, then /proc/PID/stat policy, nice, rt_priority
  local -A cases=(
    [SCHED_OTHER]='{"policy": "SCHED_OTHER", "nice": 3}|0 3 0'
    [SCHED_BATCH]='{"policy": "SCHED_BATCH", "nice": -4}|3 -4 0'
    [SCHED_IDLE]='{"policy": "SCHED_IDLE"}|5 0 0'
    [SCHED_FIFO]='{"policy": "SCHED_FIFO", "priority": 10}|1 0 10'
    [SCHED_RR]='{"policy": "SCHED_RR", "priority": 20}|2 0 20'
    [SCHED_DEADLINE]='{"policy": "SCHED_DEADLINE", "runtime": 1000000, "deadline": 5000000, "period": 10000000}|6 0 0'
  )
  for policy in $(features '.["org.berth"].process.scheduler.policies[]' | jq -r .); do
    run_container ".process.scheduler = ${cases[$policy]%|*}"
    got="$(stat_field "$pid" 41) $(stat_field "$pid" 19) $(stat_field "$pid" 40)"
    [ "$got" = "${cases[$policy]#*|}" ] || { echo "$policy: policy nice prio $got"; return 1; }
    chrt -p "$pid" | grep -q "policy: $policy\$" || { chrt -p "$pid"; return 1; }
    if [ "$policy" = SCHED_DEADLINE ]; then
      chrt -p "$pid" | grep -q 'parameters: 1000000/5000000/10000000$' || { chrt -p "$pid"; return 1; }
    fi
    berth delete -f "$ID"
  done
}

@test "scheduler flags reach the kernel: reset-on-fork, reclaim, overrun, keep policy, keep params" {
  allow_realtime
  cp "$BUNDLE/config.json" "$TEST_TMP/pristine.json"
  run_container '.process.scheduler = {"policy": "SCHED_FIFO", "priority": 10, "flags": ["SCHED_FLAG_RESET_ON_FORK"]}'
  chrt -p "$pid" | grep -q 'policy: SCHED_FIFO|SCHED_RESET_ON_FORK$' || { chrt -p "$pid"; return 1; }
  berth delete -f "$ID"
  run_container '.process.scheduler = {"policy": "SCHED_DEADLINE", "runtime": 1000000, "deadline": 5000000, "period": 10000000, "flags": ["SCHED_FLAG_RECLAIM", "SCHED_FLAG_DL_OVERRUN"]}'
  [[ "$(sched_attr "$pid")" == "policy=6 flags=6 "* ]] || { sched_attr "$pid"; return 1; }
  berth delete -f "$ID"
  # Without a keep flag this would be SCHED_BATCH (3) at nice 5.
  run_container '.process.scheduler = {"policy": "SCHED_BATCH", "nice": 5, "flags": ["SCHED_FLAG_KEEP_POLICY"]}'
  [ "$(stat_field "$pid" 41) $(stat_field "$pid" 19)" = "0 5" ]
  berth delete -f "$ID"
  run_container '.process.scheduler = {"policy": "SCHED_BATCH", "nice": 5, "flags": ["SCHED_FLAG_KEEP_PARAMS"]}'
  [ "$(stat_field "$pid" 19)" = 0 ]
  berth delete -f "$ID"
}

# The spec has no utilization values: the clamps are 0, as runc sets them. A kernel without
# utilization clamping (no uclamp lines in /proc/PID/sched) refuses the flags, naming them.
@test "SCHED_FLAG_UTIL_CLAMP_MAX is applied where the kernel clamps, else refused naming it" {
  config '.process.scheduler = {"policy": "SCHED_OTHER", "flags": ["SCHED_FLAG_UTIL_CLAMP_MAX"]}'
  if grep -q '^uclamp.max' /proc/self/sched; then
    berth run -d -b "$BUNDLE" "$ID"
    pid=$(state_field "$ID" pid)
    grep -Eq '^uclamp.max +: +0$' "/proc/$pid/sched" || { grep uclamp "/proc/$pid/sched"; return 1; }
  else
    expect_refusal 1 "create $ID: process.scheduler: sched_setattr SCHED_OTHER flags SCHED_FLAG_UTIL_CLAMP_MAX: Operation not supported" \
      create -b "$BUNDLE" "$ID"
    assert_nothing_left "$ID"
  fi
}

@test "every I/O priority class that features lists is the container process's" {
  FEATURES=$(berth features)
  [ "$(features '.["org.berth"].process.ioPriority.classes')" = \
    '["IOPRIO_CLASS_RT","IOPRIO_CLASS_BE","IOPRIO_CLASS_IDLE"]' ]
  local -A want=([IOPRIO_CLASS_RT]='realtime: prio 3' [IOPRIO_CLASS_BE]='best-effort: prio 5'
    [IOPRIO_CLASS_IDLE]='idle')
  local -A level=([IOPRIO_CLASS_RT]=3 [IOPRIO_CLASS_BE]=5 [IOPRIO_CLASS_IDLE]=0)
  for class in $(features '.["org.berth"].process.ioPriority.classes[]' | jq -r .); do
    run_container ".process.ioPriority = {\"class\": \"$class\", \"priority\": ${level[$class]}}"
    [ "$(ionice -p "$pid")" = "${want[$class]}" ] || { echo "$class: $(ionice -p "$pid")"; return 1; }
    berth delete -f "$ID"
  done
}

@test "exec applies the scheduler and I/O priority of its own process, and inherits the container's" {
  run_container '.process.scheduler = {"policy": "SCHED_BATCH", "nice": 6} | .process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 6}'
  # exec without --process: the container's process, as runc does.
  run berth exec "$ID" cat /proc/self/stat
  [ "$status" -eq 0 ]
  stat=${output##*) }
  [ "$(awk '{print $39, $17}' <<<"$stat")" = "3 6" ] || { echo "policy nice: $stat"; return 1; }
  run berth exec "$ID" ionice
  [ "$output" = "best-effort: prio 6" ] || { echo "exec ionice: $output"; return 1; }
  # exec --process: its own.
  jq -n '{args: ["sleep", "100"], cwd: "/", user: {uid: 0, gid: 0},
    scheduler: {policy: "SCHED_IDLE"}, ioPriority: {class: "IOPRIO_CLASS_IDLE", priority: 0}}' \
    > "$TEST_TMP/process.json"
  berth exec -d --pid-file "$TEST_TMP/exec.pid" --process "$TEST_TMP/process.json" "$ID"
  epid=$(cat "$TEST_TMP/exec.pid")
  [ "$(stat_field "$epid" 41)" = 5 ] && [ "$(ionice -p "$epid")" = idle ]
  # ... and the container's process keeps its own.
  [ "$(stat_field "$pid" 41)" = 3 ] && [ "$(ionice -p "$pid")" = "best-effort: prio 6" ]
}

@test "exec --process with a real-time scheduler runs under it" {
  allow_realtime
  cp "$BUNDLE/config.json" "$TEST_TMP/pristine.json"
  run_container .
  jq -n '{args: ["sleep", "100"], cwd: "/", user: {uid: 0, gid: 0},
    scheduler: {policy: "SCHED_RR", priority: 5}}' > "$TEST_TMP/process.json"
  berth exec -d --pid-file "$TEST_TMP/exec.pid" --process "$TEST_TMP/process.json" "$ID"
  epid=$(cat "$TEST_TMP/exec.pid")
  [ "$(stat_field "$epid" 41) $(stat_field "$epid" 40)" = "2 5" ]
  [ "$(stat_field "$pid" 41)" = 0 ]
}

@test "linux.personality LINUX32: uname -m says what linux32 says on the host, for run and exec" {
  FEATURES=$(berth features)
  [ "$(features '.["org.berth"].linux.personality')" = '{"domains":["LINUX","LINUX32"],"flags":[]}' ]
  want=$(setarch linux32 uname -m)
  [ "$want" != "$(uname -m)" ]
  config '.process.args = ["uname", "-m"] | .linux.personality = {"domain": "LINUX32"}'
  run berth run -b "$BUNDLE" "$ID"
  [ "$status" -eq 0 ] && [ "$output" = "$want" ] || { echo "run: $output"; return 1; }
  run_container '.linux.personality = {"domain": "LINUX32"}'
  [ "$(cat "/proc/$pid/personality")" = 00000008 ]
  run berth exec "$ID" uname -m
  [ "$output" = "$want" ] || { echo "exec: $output"; return 1; }
  berth delete -f "$ID"
  # LINUX resets to the native domain.
  run_container '.linux.personality = {"domain": "LINUX"}'
  [ "$(cat "/proc/$pid/personality")" = 00000000 ]
  run berth exec "$ID" uname -m
  [ "$output" = "$(uname -m)" ]
}

@test "every memory policy mode and flag that features lists is the container's memory policy, also in exec" {
  FEATURES=$(berth features)
  [ "$(features '.linux.memoryPolicy.flags')" = \
    '["MPOL_F_NUMA_BALANCING","MPOL_F_RELATIVE_NODES","MPOL_F_STATIC_NODES"]' ]
  # numa_maps names the policy of each mapping; with no policy of its own, the task's.
  local -A want=([MPOL_DEFAULT]='default' [MPOL_BIND]='bind:0' [MPOL_INTERLEAVE]='interleave:0'
    [MPOL_WEIGHTED_INTERLEAVE]='weighted interleave:0' [MPOL_PREFERRED]='prefer:0'
    [MPOL_PREFERRED_MANY]='prefer (many):0' [MPOL_LOCAL]='local')
  [ "$(features '.linux.memoryPolicy.modes | length')" = "${#want[@]}" ]
  for mode in $(features '.linux.memoryPolicy.modes[]' | jq -r .); do
    nodes='"0"'
    [ "$mode" != MPOL_DEFAULT ] && [ "$mode" != MPOL_LOCAL ] || nodes=null
    run_container ".linux.memoryPolicy = {\"mode\": \"$mode\", \"nodes\": $nodes}"
    grep -q "^[0-9a-f]* ${want[$mode]} file=/bin/sleep" "/proc/$pid/numa_maps" ||
      { echo "$mode:"; head -2 "/proc/$pid/numa_maps"; return 1; }
    berth delete -f "$ID"
  done
  run_container '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "0", "flags": ["MPOL_F_STATIC_NODES"]}'
  grep -q '^[0-9a-f]* bind=static:0 file=/bin/sleep' "/proc/$pid/numa_maps"
  berth delete -f "$ID"
  run_container '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "0", "flags": ["MPOL_F_RELATIVE_NODES", "MPOL_F_NUMA_BALANCING"]}'
  grep -q '^[0-9a-f]* bind=relative|balancing:0 file=/bin/sleep' "/proc/$pid/numa_maps"
  run berth exec "$ID" cat /proc/self/numa_maps
  [[ "${lines[0]}" == *" bind=relative|balancing:0 file=/bin/cat "* ]] || { echo "exec: ${lines[0]}"; return 1; }
}

# Each field's kinds of refusal once here, every rule in tests/unit/test_process_attrs.c.
@test "bad values are refused in one line naming the field, before anything is made" {
  local cases=(
    '.process.scheduler = {"policy": "SCHED_FAST"}|process.scheduler.policy: unknown policy SCHED_FAST'
    '.process.scheduler = {"policy": "SCHED_OTHER", "flags": ["SCHED_FLAG_TURBO"]}|process.scheduler.flags[0]: unknown flag SCHED_FLAG_TURBO'
    '.process.scheduler = {"policy": "SCHED_OTHER", "priority": 10}|process.scheduler.priority: SCHED_OTHER takes none (only SCHED_FIFO and SCHED_RR)'
    '.process.scheduler = {"policy": "SCHED_RR", "priority": 1, "runtime": 5000}|process.scheduler.runtime: SCHED_RR takes none (only SCHED_DEADLINE)'
    '.process.ioPriority = {"class": "IOPRIO_CLASS_FAST", "priority": 1}|process.ioPriority.class: unknown class IOPRIO_CLASS_FAST'
    '.process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 8}|process.ioPriority.priority: 8 is out of range (0-7)'
    '.linux.personality = {"domain": "LINUX64"}|linux.personality.domain: unknown domain LINUX64'
    '.linux.personality = {"domain": "LINUX", "flags": ["ADDR_NO_RANDOMIZE"]}|linux.personality.flags[0]: ADDR_NO_RANDOMIZE is not supported'
    '.linux.memoryPolicy = {"mode": "MPOL_RANDOM"}|linux.memoryPolicy.mode: unknown mode MPOL_RANDOM'
    '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "0-x"}|linux.memoryPolicy.nodes: 0-x is not a node or a range of nodes (as in 0-3,7)'
    '.linux.memoryPolicy = {"mode": "MPOL_INTERLEAVE"}|linux.memoryPolicy.nodes: MPOL_INTERLEAVE needs at least one node'
    '.process.scheduler = {"policy": "SCHED_DEADLINE", "runtime": 1000000, "deadline": 5000000} | .hooks.startContainer = [{"path": "/bin/true"}]|process.scheduler: a SCHED_DEADLINE process cannot fork the startContainer hooks without SCHED_FLAG_RESET_ON_FORK'
    # What only the kernel can judge: refused by it, in the same one line, naming what was asked.
    '.process.scheduler = {"policy": "SCHED_DEADLINE", "runtime": 1024, "deadline": 2000, "period": 2000}|process.scheduler: sched_setattr SCHED_DEADLINE runtime 1024 deadline 2000 period 2000: Invalid argument'
    '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "1023"}|linux.memoryPolicy: set_mempolicy MPOL_BIND nodes 1023: Invalid argument'
  )
  for c in "${cases[@]}"; do
    pristine
    config "${c%%|*}"
    expect_refusal 1 "${c#*|}" create -b "$BUNDLE" "$ID"
    assert_nothing_left "$ID"
  done
}

@test "exec --process with bad values is refused in one line and starts nothing" {
  run_container .
  before=$(berth ps "$ID" | wc -l)
  jq -n '{args: ["sleep", "100"], cwd: "/", scheduler: {policy: "SCHED_FIFO"}}' > "$TEST_TMP/p1.json"
  expect_refusal 255 "process.scheduler.priority: SCHED_FIFO takes 1 to 99, not 0" \
    exec --process "$TEST_TMP/p1.json" "$ID"
  jq -n '{args: ["sleep", "100"], cwd: "/", ioPriority: {class: "IOPRIO_CLASS_IDLE"}}' > "$TEST_TMP/p2.json"
  expect_refusal 255 "process.ioPriority.priority: required" exec --process "$TEST_TMP/p2.json" "$ID"
  # Refused by the kernel in the exec'd init: one line, and no process left in the container.
  jq -n '{args: ["sleep", "100"], cwd: "/", scheduler: {policy: "SCHED_DEADLINE", runtime: 1024, deadline: 2000, period: 2000}}' \
    > "$TEST_TMP/p3.json"
  expect_refusal 255 "process.scheduler: sched_setattr SCHED_DEADLINE runtime 1024 deadline 2000 period 2000: Invalid argument" \
    exec --process "$TEST_TMP/p3.json" "$ID"
  [ "$(berth ps "$ID" | wc -l)" = "$before" ]
}
