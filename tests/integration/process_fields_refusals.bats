#!/usr/bin/env bats
# process.scheduler, process.ioPriority, linux.personality and linux.memoryPolicy: bad values,
# and what the kernel refuses, are one line naming the field, for create and exec, and leave
# nothing behind (a file of its own: each suite has its time limit).

load helpers
load process_fields

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

# Each field's kinds of refusal once here, every rule in tests/unit/test_process_attrs.c.
@test "bad values are refused in one line naming the field, before anything is made" {
  # FILTER => MESSAGE (a jq filter may hold "|")
  local cases=(
    '.process.scheduler = {"policy": "SCHED_FAST"} => process.scheduler.policy: unknown policy SCHED_FAST'
    '.process.scheduler = {"policy": "SCHED_OTHER", "flags": ["SCHED_FLAG_TURBO"]} => process.scheduler.flags[0]: unknown flag SCHED_FLAG_TURBO'
    '.process.scheduler = {"policy": "SCHED_OTHER", "priority": 10} => process.scheduler.priority: SCHED_OTHER takes none (only SCHED_FIFO and SCHED_RR)'
    '.process.scheduler = {"policy": "SCHED_RR", "priority": 1, "runtime": 5000} => process.scheduler.runtime: SCHED_RR takes none (only SCHED_DEADLINE)'
    '.process.ioPriority = {"class": "IOPRIO_CLASS_FAST", "priority": 1} => process.ioPriority.class: unknown class IOPRIO_CLASS_FAST'
    '.process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 8} => process.ioPriority.priority: 8 is out of range (0-7)'
    '.linux.personality = {"domain": "LINUX64"} => linux.personality.domain: unknown domain LINUX64'
    '.linux.personality = {"domain": "LINUX", "flags": ["ADDR_NO_RANDOMIZE"]} => linux.personality.flags[0]: ADDR_NO_RANDOMIZE is not supported'
    '.linux.memoryPolicy = {"mode": "MPOL_RANDOM"} => linux.memoryPolicy.mode: unknown mode MPOL_RANDOM'
    '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "0-x"} => linux.memoryPolicy.nodes: 0-x is not a node or a range of nodes (as in 0-3,7)'
    '.linux.memoryPolicy = {"mode": "MPOL_INTERLEAVE"} => linux.memoryPolicy.nodes: MPOL_INTERLEAVE needs at least one node'
    '.process.scheduler = {"policy": "SCHED_DEADLINE", "runtime": 1000000, "deadline": 5000000} | .hooks.startContainer = [{"path": "/bin/true"}] => process.scheduler: a SCHED_DEADLINE process cannot fork the startContainer hooks without SCHED_FLAG_RESET_ON_FORK'
    # What only the kernel can judge: refused by it, in the same one line, naming what was asked.
    '.process.scheduler = {"policy": "SCHED_DEADLINE", "runtime": 1024, "deadline": 2000, "period": 2000} => process.scheduler: sched_setattr SCHED_DEADLINE runtime 1024 deadline 2000 period 2000: Invalid argument'
    '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "1023"} => linux.memoryPolicy: set_mempolicy MPOL_BIND nodes 1023: Invalid argument'
  )
  for c in "${cases[@]}"; do
    pristine
    config "${c%% => *}"
    expect_refusal 1 "${c#* => }" create -b "$BUNDLE" "$ID"
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
