#!/usr/bin/env bats
# `--debug` maps a container's start: one "phase NAME: MS ms" line per start-up phase, from
# the runtime and (relayed over the sync socket) from the init, each phase once.

load helpers

# Every phase of a `run` whose config has a hook of each kind the runtime or the init reports
# (startContainer runs after the init's last report, inside exec.fifo), a user namespace and
# the default mounts.
PHASES=(
  "startup" "config" "lsm prepare" "device classes" "plugin load" "state dir and record"
  "cgroup create" "sealed exe" "clone" "id maps" "init record" "cgroup apply"
  "hooks prestart" "hooks createRuntime" "init, to ready" "state write" "state load"
  "exec.fifo" "hooks poststart" "container runs" "hooks poststop" "teardown"
  "init: phase init re-exec" "init: phase bootstrap receive" "init: phase mount sources"
  "init: phase rootfs prepare" "init: phase mount /proc" "init: phase mount /dev"
  "init: phase devices" "init: phase hooks createContainer" "init: phase pivot_root"
  "init: phase cwd, terminal, hostname, sysctl" "init: phase loopback"
  "init: phase masked and readonly paths" "init: phase keyring, oom_score_adj, rlimits"
  "init: phase lsm" "init: phase scheduler, ioprio, personality, mempolicy"
  "init: phase seccomp compile" "init: phase user, capabilities, executable"
)

with_hooks() {
  local kind
  for kind in prestart createRuntime createContainer startContainer poststart poststop; do
    config --arg k "$kind" '.hooks[$k] = [{"path": "/bin/true"}]'
  done
}

@test "run --debug logs every start-up phase once, with its duration in ms" {
  with_hooks
  berth --debug --log "$TEST_TMP/log" run -b "$BUNDLE" "$ID"
  local phase line count
  for phase in "${PHASES[@]}"; do
    case $phase in init:*) line="msg=\"$phase: " ;; *) line="msg=\"phase $phase: " ;; esac
    count=$(grep -cF "$line" "$TEST_TMP/log" || true)
    [ "$count" -eq 1 ] || { echo "$phase: $count lines"; cat "$TEST_TMP/log"; false; }
    grep -F "$line" "$TEST_TMP/log" | grep -qE ': [0-9]+\.[0-9]{3} ms"' ||
      { echo "$phase: no duration"; grep -F "$line" "$TEST_TMP/log"; false; }
  done
}

@test "without --debug no phase is logged" {
  berth --log "$TEST_TMP/log" run -b "$BUNDLE" "$ID"
  ! grep -q "phase" "$TEST_TMP/log"
}
