#!/usr/bin/env bats
# linux.seccomp: the profile is loaded into the container's process with runc's semantics
# (actions, errnoRet, argument conditions, flags, SCMP_ACT_NOTIFY to a listener), and a bad
# profile fails create with one line naming the field.

load helpers

# seccomp PROFILE-JSON: the test's linux.seccomp.
seccomp() { config --argjson s "$1" '.linux.seccomp = $s'; }

expect_refusal() { # expect_refusal "message part" create args...
  local want=$1; shift
  run berth "$@"
  [ "$status" -eq 1 ] || { echo "exit $status: $output"; return 1; }
  [ "${#lines[@]}" -eq 1 ] || { echo "more than one line: $output"; return 1; }
  [[ "$output" == "berth: "*"$want"* ]] || { echo "got: $output"; return 1; }
}

@test "a blocked getcwd fails with EPERM; system calls unknown to libseccomp are skipped" {
  # runtime-tools' "seccomp blocking getcwd" check.
  seccomp '{"defaultAction": "SCMP_ACT_ALLOW",
            "syscalls": [{"names": ["getcwd", "no_such_syscall"], "action": "SCMP_ACT_ERRNO"}]}'
  args /bin/pwd
  run berth run -b "$BUNDLE" "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *"getcwd: Operation not permitted"* ]]
  config 'del(.linux.seccomp)'
  run berth run -b "$BUNDLE" "$ID-none"
  [ "$status" -eq 0 ]
  [ "$output" = / ]
}

@test "errnoRet is what the blocked call returns" {
  seccomp '{"defaultAction": "SCMP_ACT_ALLOW",
            "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 28}]}'
  config '.root.readonly = false'
  args sh -c 'mkdir /tmp/x; [ ! -e /tmp/x ] && echo absent'
  run berth run -b "$BUNDLE" "$ID"
  [[ "$output" == *"can't create directory '/tmp/x': No space left on device"* ]]
  [[ "$output" == *absent ]]
}

@test "argument conditions: distinct arguments are AND-ed, the same argument twice is OR-ed" {
  # kill(2): signal (args[1]) USR2 or TERM blocked; USR1 only when sent to the group (pid 0).
  seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
    {"names": ["kill"], "action": "SCMP_ACT_ERRNO",
     "args": [{"index": 1, "value": 12, "op": "SCMP_CMP_EQ"},
              {"index": 1, "value": 15, "op": "SCMP_CMP_EQ"}]},
    {"names": ["kill"], "action": "SCMP_ACT_ERRNO",
     "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_EQ"},
              {"index": 1, "value": 10, "op": "SCMP_CMP_EQ"}]}]}'
  # (A script of several lines: through jq, not the one-argument-per-line args helper.)
  config --arg s 'trap "echo got-usr1" USR1; trap "" USR2 TERM;
    kill -USR2 $$ || echo usr2-blocked; kill -TERM $$ || echo term-blocked;
    kill -USR1 0 || echo group-usr1-blocked; kill -USR1 $$ && echo usr1-allowed;
    kill -0 $$ && echo probe-allowed' '.process.args = ["sh", "-c", $s]'
  run berth run -b "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  for want in usr2-blocked term-blocked group-usr1-blocked got-usr1 usr1-allowed probe-allowed; do
    grep -qx "$want" <<<"$output"
  done
  [ "$(grep -c "Operation not permitted" <<<"$output")" -eq 3 ]
}

@test "a KILL rule kills the process: exit 128+SIGSYS" {
  seccomp '{"defaultAction": "SCMP_ACT_ALLOW",
            "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_KILL"}]}'
  # A seccomp kill dumps core; not into the host's core handler.
  config '.process.rlimits += [{"type": "RLIMIT_CORE", "hard": 0, "soft": 0}]'
  args mkdir /tmp/x
  run berth run -b "$BUNDLE" "$ID"
  [ "$status" -eq 159 ]
  config '.linux.seccomp.syscalls[0].action = "SCMP_ACT_KILL_PROCESS"'
  run berth run -b "$BUNDLE" "$ID-process"
  [ "$status" -eq 159 ]
}

@test "the filter is loaded last: not yet at create (Seccomp: 0), in the container (2); flags accepted" {
  seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
            "flags": ["SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"],
            "syscalls": [{"names": ["getcwd"], "action": "SCMP_ACT_LOG"}]}'
  args sh -c 'grep Seccomp: /proc/self/status'
  berth create -b "$BUNDLE" "$ID" >"$TEST_TMP/out" 2>&1
  pid=$(state_field "$ID" pid)
  # The init waits on exec.fifo unfiltered: the filter is its last act before execve.
  grep -qx "Seccomp:	0" "/proc/$pid/status"
  berth start "$ID"
  for _ in $(seq 50); do [ "$(state_field "$ID" status)" = stopped ] && break; sleep 0.1; done
  [ "$(cat "$TEST_TMP/out")" = "Seccomp:	2" ]
}

@test "without noNewPrivileges the filter is loaded with CAP_SYS_ADMIN, the container has its own caps" {
  seccomp '{"defaultAction": "SCMP_ACT_ALLOW",
            "syscalls": [{"names": ["getcwd"], "action": "SCMP_ACT_ERRNO", "errnoRet": 28}]}'
  config '.process.noNewPrivileges = false | .process.user = {"uid": 1000, "gid": 1000} | .process.capabilities = {}'
  args sh -c 'grep -E "^(Seccomp|NoNewPrivs|CapEff):" /proc/self/status; id -u; /bin/pwd'
  run berth run -b "$BUNDLE" "$ID"
  echo "$output"
  # In /proc/self/status's order: CapEff, NoNewPrivs, Seccomp.
  [ "${lines[0]}" = "CapEff:	0000000000000000" ]
  [ "${lines[1]}" = "NoNewPrivs:	0" ]
  [ "${lines[2]}" = "Seccomp:	2" ]
  [ "${lines[3]}" = 1000 ]
  [[ "${lines[4]}" == *"getcwd: No space left on device" ]]
}

@test "SCMP_ACT_NOTIFY: the listener gets the notify fd and the container state, and answers" {
  seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "listenerMetadata": "agent-args",
            "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}]}'
  config --arg l "$TEST_TMP/agent.sock" '.linux.seccomp.listenerPath = $l | .root.readonly = false
    | .annotations = {"org.example/key": "value"}'
  args sh -c 'mkdir /tmp/x; echo done'
  python3 "$BERTH_SOURCE_DIR/tests/integration/seccomp_agent.py" "$TEST_TMP/agent.sock" "$TEST_TMP/agent" 122 &
  agent=$!
  for _ in $(seq 50); do [ -e "$TEST_TMP/agent.sock.ready" ] && break; sleep 0.1; done
  berth create -b "$BUNDLE" "$ID" >"$TEST_TMP/out" 2>&1
  pid=$(state_field "$ID" pid)
  berth start "$ID"
  wait "$agent"
  cat "$TEST_TMP/agent" "$TEST_TMP/agent.1.json" "$TEST_TMP/out"
  [ "$(head -n1 "$TEST_TMP/agent")" = "fd=anon_inode:seccomp notify" ]
  grep -q "^nr=" "$TEST_TMP/agent"
  # The agent's answer (EDQUOT) is what mkdir got.
  grep -q "can't create directory '/tmp/x': Disk quota exceeded" "$TEST_TMP/out"
  [ ! -e "$ROOTFS_DIR/rootfs/tmp/x" ]
  s=$(cat "$TEST_TMP/agent.1.json")
  [ "$(jq -c .fds <<<"$s")" = '["seccompFd"]' ]
  [ "$(jq -r .metadata <<<"$s")" = agent-args ]
  [ "$(jq -r .pid <<<"$s")" = "$pid" ]
  [ "$(jq -r .state.id <<<"$s")" = "$ID" ]
  [ "$(jq -r .state.status <<<"$s")" = creating ]
  [ "$(jq -r .state.pid <<<"$s")" = "$pid" ]
  [ "$(jq -r .state.bundle <<<"$s")" = "$(realpath "$BUNDLE")" ]
  [ "$(jq -r '.state.annotations["org.example/key"]' <<<"$s")" = value ]
  jq -e .ociVersion <<<"$s"
}

@test "an exec'd process gets the container's filter; NOTIFY reports it as running" {
  seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
    {"names": ["getcwd"], "action": "SCMP_ACT_ERRNO"},
    {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}]}'
  config --arg l "$TEST_TMP/agent.sock" '.linux.seccomp.listenerPath = $l | .root.readonly = false'
  args sleep 100
  python3 "$BERTH_SOURCE_DIR/tests/integration/seccomp_agent.py" "$TEST_TMP/agent.sock" "$TEST_TMP/agent" 122 3 &
  agent=$!
  for _ in $(seq 50); do [ -e "$TEST_TMP/agent.sock.ready" ] && break; sleep 0.1; done
  berth run -d -b "$BUNDLE" "$ID"
  pid=$(state_field "$ID" pid)
  run berth exec "$ID" /bin/pwd
  [ "$status" -eq 1 ]
  [[ "$output" == *"getcwd: Operation not permitted"* ]]
  run berth exec "$ID" sh -c 'grep Seccomp: /proc/self/status; mkdir /tmp/y'
  echo "$output"
  [ "${lines[0]}" = "Seccomp:	2" ]
  [[ "${lines[1]}" == *"can't create directory '/tmp/y': Disk quota exceeded" ]]
  berth delete -f "$ID"
  wait "$agent"
  s=$(cat "$TEST_TMP/agent.3.json")
  [ "$(jq -r .state.status <<<"$s")" = running ]
  [ "$(jq -r .state.pid <<<"$s")" = "$pid" ]
  [ "$(jq -r .pid <<<"$s")" != "$pid" ]
}

@test "SCMP_ACT_NOTIFY with nobody listening fails create and leaves nothing" {
  seccomp '{"defaultAction": "SCMP_ACT_ALLOW",
            "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]}'
  config --arg l "$TEST_TMP/nobody.sock" '.linux.seccomp.listenerPath = $l'
  expect_refusal "linux.seccomp.listenerPath $TEST_TMP/nobody.sock: connect: No such file or directory" \
    create -b "$BUNDLE" "$ID"
  assert_nothing_left "$ID"
}

@test "a malformed profile fails create with one line naming the field, leaving nothing" {
  seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
    {"names": ["getcwd"], "action": "SCMP_ACT_ERRNO"},
    {"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 1, "value": 0, "op": "SCMP_CMP_EQ"}]},
    {"names": ["kill"], "action": "SCMP_ACT_ERRNO"},
    {"names": ["umask"], "action": "SCMP_ACT_FOO"}]}'
  expect_refusal "create $ID: config.json: linux.seccomp.syscalls[3].action: unknown action SCMP_ACT_FOO" \
    create -b "$BUNDLE" "$ID"
  config '.linux.seccomp.syscalls[3].action = "SCMP_ACT_ERRNO" | .linux.seccomp.architectures = ["SCMP_ARCH_X86_64", "SCMP_ARCH_Z80"]'
  expect_refusal "linux.seccomp.architectures[1]: unknown architecture SCMP_ARCH_Z80" create -b "$BUNDLE" "$ID"
  config 'del(.linux.seccomp.architectures) | .linux.seccomp.syscalls[1].args[0].op = "SCMP_CMP_ALMOST"'
  expect_refusal "linux.seccomp.syscalls[1].args[0].op: unknown operator SCMP_CMP_ALMOST" create -b "$BUNDLE" "$ID"
  config '.linux.seccomp.syscalls[1].args[0] = {"index": 6, "value": 0, "op": "SCMP_CMP_EQ"}'
  expect_refusal "linux.seccomp.syscalls[1].args[0].index: 6 is out of range" create -b "$BUNDLE" "$ID"
  config '.linux.seccomp.syscalls[1].args[0].index = 0 | .linux.seccomp.flags = ["SECCOMP_FILTER_FLAG_FAST"]'
  expect_refusal "linux.seccomp.flags[0]: unknown flag SECCOMP_FILTER_FLAG_FAST" create -b "$BUNDLE" "$ID"
  config 'del(.linux.seccomp.flags) | .linux.seccomp.syscalls[2].names = "kill"'
  expect_refusal "linux.seccomp.syscalls[2].names: must be an array of strings" create -b "$BUNDLE" "$ID"
  assert_nothing_left "$ID"
}
