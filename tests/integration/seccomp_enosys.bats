#!/usr/bin/env bats
# A profile whose default denies makes the system calls newer than it (numbers above the
# largest it names) fail with ENOSYS, as runc's filter does, so that libc falls back to the
# older call (glibc's pthread_create: clone3, then clone); what the profile names keeps its
# own action, and what it predates but does not name keeps the default. The numbers are
# x86_64's: 424 pidfd_send_signal, 430 fsopen, 434 pidfd_open, 435 clone3, 436 close_range,
# 437 openat2, 439 faccessat2.

load helpers

setup() {
  setup_bundle
  cp "$SYSCALL_PROBE" "$ROOTFS_DIR/rootfs/bin/syscall_probe"
}

# old_profile DEFAULT-ACTION: an engine's profile from before Linux 5.3, as Docker's lists its
# architectures: every system call below 424 allowed, pidfd_send_signal denied with EACCES,
# pidfd_open (the largest number it names) denied with the default's EPERM.
old_profile() {
  local names
  names=$("$SYSCALL_PROBE" names-below 424 | jq -R . | jq -s -c .)
  [ "$(jq length <<<"$names")" -gt 300 ]
  config --arg d "$1" --argjson n "$names" '.linux.seccomp = {"defaultAction": $d,
    "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
    "syscalls": [{"names": $n, "action": "SCMP_ACT_ALLOW"},
                 {"names": ["pidfd_send_signal"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13},
                 {"names": ["pidfd_open"], "action": "SCMP_ACT_ERRNO"}]}'
}

@test "an errno default: calls above the profile's largest get ENOSYS, named and older ones their action" {
  old_profile SCMP_ACT_ERRNO
  args syscall_probe 435 436 437 439 434 430 424 39
  run berth run -b "$BUNDLE" "$ID"
  echo "exit $status: $output"
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf '%s\n' '435 ENOSYS' '436 ENOSYS' '437 ENOSYS' '439 ENOSYS' \
    '434 EPERM' '430 EPERM' '424 EACCES' '39 ok')" ]
}

@test "clone3 on an old profile falls back: pthread_create works, busybox runs" {
  old_profile SCMP_ACT_ERRNO
  args syscall_probe thread
  run berth run -b "$BUNDLE" "$ID"
  echo "exit $status: $output"
  [ "$status" -eq 0 ]
  [ "$output" = "thread ok" ]
  args sh -c 'echo hi | cat; ls /bin/syscall_probe'
  run berth run -b "$BUNDLE" "$ID-sh"
  echo "exit $status: $output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = hi ]
  [ "${lines[1]}" = /bin/syscall_probe ]
}

@test "a kill default: a call newer than the profile gets ENOSYS instead of the kill (as runc)" {
  old_profile SCMP_ACT_KILL_PROCESS
  config '.process.rlimits += [{"type": "RLIMIT_CORE", "hard": 0, "soft": 0}]'
  args syscall_probe 435 437 424
  run berth run -b "$BUNDLE" "$ID"
  echo "exit $status: $output"
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf '%s\n' '435 ENOSYS' '437 ENOSYS' '424 EACCES')" ]
  # An older call the profile does not name still gets the default: killed (128+SIGSYS).
  args syscall_probe 430
  run berth run -b "$BUNDLE" "$ID-kill"
  [ "$status" -eq 159 ]
}

@test "no ENOSYS where the default lets calls through, or already is ENOSYS" {
  old_profile SCMP_ACT_LOG
  args syscall_probe 435 434
  run berth run -b "$BUNDLE" "$ID"
  echo "exit $status: $output"
  # clone3 with no arguments reaches the kernel: EINVAL; the named pidfd_open keeps EPERM.
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf '%s\n' '435 EINVAL' '434 EPERM')" ]
  old_profile SCMP_ACT_ERRNO
  config '.linux.seccomp.defaultErrnoRet = 38'
  args syscall_probe 430 435 434
  run berth run -b "$BUNDLE" "$ID-enosys"
  echo "exit $status: $output"
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf '%s\n' '430 ENOSYS' '435 ENOSYS' '434 EPERM')" ]
}

@test "berth exec gets the same filter: ENOSYS above the profile, its own action below" {
  old_profile SCMP_ACT_ERRNO
  args sleep 100
  berth run -d -b "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
  run berth exec "$ID" syscall_probe 435 434 424
  echo "exit $status: $output"
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf '%s\n' '435 ENOSYS' '434 EPERM' '424 EACCES')" ]
}

@test "with the filter flags and SCMP_ACT_NOTIFY (loaded before ready): the listener answers, newer calls get ENOSYS" {
  old_profile SCMP_ACT_ERRNO
  config --arg l "$TEST_TMP/agent.sock" '.linux.seccomp.listenerPath = $l
    | .linux.seccomp.flags = ["SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"]
    | .linux.seccomp.syscalls[0].names -= ["mkdir", "mkdirat"]
    | .linux.seccomp.syscalls += [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}]'
  args sh -c 'mkdir /tmp/x; syscall_probe 435 434 thread'
  python3 "$BERTH_SOURCE_DIR/tests/integration/seccomp_agent.py" "$TEST_TMP/agent.sock" "$TEST_TMP/agent" 122 &
  agent=$!
  HOST_PIDS+=("$agent")
  for _ in $(seq 50); do [ -e "$TEST_TMP/agent.sock.ready" ] && break; sleep 0.1; done
  run berth run -b "$BUNDLE" "$ID"
  wait "$agent"
  echo "exit $status: $output"
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == *"can't create directory '/tmp/x': Disk quota exceeded" ]]
  [ "${lines[1]}" = "435 ENOSYS" ]
  [ "${lines[2]}" = "434 EPERM" ]
  [ "${lines[3]}" = "thread ok" ]
  [ "$(head -n1 "$TEST_TMP/agent")" = "fd=anon_inode:seccomp notify" ]
}
