#!/usr/bin/env bats
# process.scheduler, process.ioPriority, linux.personality and linux.memoryPolicy change the
# container's process as the host sees it (/proc/PID/stat, chrt, ionice, /proc/PID/personality,
# /proc/PID/numa_maps), for run and for exec; what `berth features` lists is exactly what is
# applied. The refusals are in process_fields_refusals.bats.

load helpers
load process_fields

@test "every scheduler policy that features lists is the policy of the container's process" {
  FEATURES=$(berth features)
  [ "$(features '.["org.berth"].process.scheduler.policies')" = \
    '["SCHED_OTHER","SCHED_FIFO","SCHED_RR","SCHED_BATCH","SCHED_IDLE","SCHED_DEADLINE"]' ]
  allow_realtime
  cp "$BUNDLE/config.json" "$TEST_TMP/pristine.json"
  # policy: scheduler object, then /proc/PID/stat policy, nice, rt_priority. A policy without a
  # nice value leaves the one the process inherited (ours: ctest may run niced).
  inherited=$(stat_field $$ 19)
  local -A cases=(
    [SCHED_OTHER]='{"policy": "SCHED_OTHER", "nice": 3}|0 3 0'
    [SCHED_BATCH]='{"policy": "SCHED_BATCH", "nice": -4}|3 -4 0'
    [SCHED_IDLE]="{\"policy\": \"SCHED_IDLE\"}|5 $inherited 0"
    [SCHED_FIFO]="{\"policy\": \"SCHED_FIFO\", \"priority\": 10}|1 $inherited 10"
    [SCHED_RR]="{\"policy\": \"SCHED_RR\", \"priority\": 20}|2 $inherited 20"
    [SCHED_DEADLINE]="{\"policy\": \"SCHED_DEADLINE\", \"runtime\": 1000000, \"deadline\": 5000000, \"period\": 10000000}|6 $inherited 0"
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
  [ "$(stat_field "$pid" 19)" = "$(stat_field $$ 19)" ]
  berth delete -f "$ID"
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
  [ "$(stat_field "$epid" 41)" = 5 ]
  [ "$(ionice -p "$epid")" = idle ]
  # ... and the container's process keeps its own.
  [ "$(stat_field "$pid" 41)" = 3 ]
  [ "$(ionice -p "$pid")" = "best-effort: prio 6" ]
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
    # MPOL_WEIGHTED_INTERLEAVE is Linux 6.9's (the VM tier boots Debian 12's 6.1): an older
    # kernel refuses it, and so does berth, in one line naming it, nothing made.
    if [ "$mode" = MPOL_WEIGHTED_INTERLEAVE ] && ! kernel_at_least 6.9; then
      pristine
      config ".linux.memoryPolicy = {\"mode\": \"$mode\", \"nodes\": $nodes}"
      expect_refusal 1 "linux.memoryPolicy: set_mempolicy MPOL_WEIGHTED_INTERLEAVE nodes 0: Invalid argument" \
        run -d -b "$BUNDLE" "$ID"
      assert_nothing_left "$ID"
      continue
    fi
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

