#!/usr/bin/env bats
# The container's seccomp filter is the init's last act, and no fd of berth's caller reaches
# the container: a profile may kill or deny any system call the container's own program does
# not need, and a caller's fd left open without CLOEXEC (a host directory: CVE-2024-21626) is
# gone in the container even where close_range(2) is missing or refused.

load helpers

# seccomp ACTION NAME...: a profile that allows everything but NAME..., which get ACTION.
seccomp() {
  local action=$1; shift
  config --arg a "$action" --argjson n "$(printf '%s\n' "$@" | jq -R . | jq -s -c .)" \
    '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": $n, "action": $a}]}'
}

# The container's process lists its fds: 3 is ls's own directory, so "0 1 2 3" is stdio only.
LIST_FDS='ls /proc/self/fd | tr "\n" " "'

@test "a profile that kills or denies close_range: the container runs with fds 0-2 only" {
  args sh -c "$LIST_FDS"
  for action in SCMP_ACT_KILL SCMP_ACT_ERRNO; do
    for nnp in true false; do
      seccomp "$action" close_range
      config --argjson n "$nnp" '.process.noNewPrivileges = $n'
      run berth run -b "$BUNDLE" "$ID-$nnp-${action#SCMP_ACT_}" 8<"$TEST_TMP" 9>"$TEST_TMP/file"
      echo "$action nnp=$nnp: exit $status: $output"
      [ "$status" -eq 0 ]
      [ "$output" = "0 1 2 3 " ]
    done
  done
}

@test "a host directory fd leaked by the caller cannot be read through (CVE-2024-21626)" {
  # An engine's older profile: an errno for close_range, which it does not know.
  seccomp SCMP_ACT_ERRNO close_range
  mkdir "$TEST_TMP/host"
  echo host-secret >"$TEST_TMP/host/secret"
  args sh -c 'cat /proc/self/fd/8/secret || echo no-fd-8; cat /proc/self/fd/8/../../../../etc/debian_version || echo no-escape'
  run berth run -b "$BUNDLE" "$ID" 8<"$TEST_TMP/host"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" != *host-secret* ]] && grep -qx no-fd-8 <<<"$output" && grep -qx no-escape <<<"$output"
}

@test "no system call of the init after the filter: a profile killing any of them runs the container" {
  # What the init made after loading the filter before it became the last act (strace -f):
  # with noNewPrivileges the ready message, the exec.fifo wait and close_range; without it
  # also the user and capability change and the executable lookup. busybox true needs none.
  # capset stays after the filter without noNewPrivileges (loading needs CAP_SYS_ADMIN):
  # the container has CAP_SYS_ADMIN here, so there is nothing left to drop. (As root: busybox
  # stats /etc/busybox.conf for any other user.)
  config '.process.user = {"uid": 0, "gid": 0, "additionalGids": [5]}
    | .process.capabilities = {"bounding": ["CAP_SYS_ADMIN"], "effective": ["CAP_SYS_ADMIN"],
                               "permitted": ["CAP_SYS_ADMIN"]}'
  args true
  for call in write read close openat newfstatat close_range chdir umask setgroups setresgid \
    setresuid; do
    for action in SCMP_ACT_KILL_PROCESS SCMP_ACT_ERRNO; do
      for nnp in true false; do
        seccomp "$action" "$call"
        config --argjson n "$nnp" '.process.noNewPrivileges = $n'
        run berth run -b "$BUNDLE" "$ID"
        [ "$status" -eq 0 ] || { echo "$call $action nnp=$nnp: exit $status: $output"; return 1; }
      done
    done
  done
}

@test "without noNewPrivileges, capset is all that follows the filter; the sets are the container's" {
  # CAP_SYS_ADMIN is kept to load the filter, then dropped by the last capset.
  seccomp SCMP_ACT_KILL_PROCESS close_range chdir setresuid setgroups umask
  config '.process.noNewPrivileges = false'
  args sh -c 'grep -E "^(Cap(Inh|Prm|Eff|Bnd|Amb)|Seccomp):" /proc/self/status >/tmp/status'
  config '.root.readonly = false'
  berth run -b "$BUNDLE" "$ID"
  cat "$ROOTFS_DIR/rootfs/tmp/status"
  grep -qx "Seccomp:	2" "$ROOTFS_DIR/rootfs/tmp/status"
  mv "$ROOTFS_DIR/rootfs/tmp/status" "$TEST_TMP/without-nnp"
  config '.process.noNewPrivileges = true | del(.linux.seccomp)'
  berth run -b "$BUNDLE" "$ID-nnp"
  grep -v Seccomp "$TEST_TMP/without-nnp" >"$TEST_TMP/a"
  grep -v Seccomp "$ROOTFS_DIR/rootfs/tmp/status" >"$TEST_TMP/b"
  rm -f "$ROOTFS_DIR/rootfs/tmp/status"
  diff "$TEST_TMP/a" "$TEST_TMP/b"
  # CAP_SYS_ADMIN (bit 21) is in none of them.
  while read -r _ hex; do [ $((0x$hex & (1 << 21))) -eq 0 ]; done <"$TEST_TMP/a"
}

@test "berth exec under a profile that kills close_range: the process sees fds 0-2 only" {
  seccomp SCMP_ACT_KILL close_range
  args sleep 100
  berth run -d -b "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
  run berth exec "$ID" sh -c "$LIST_FDS" 8<"$TEST_TMP"
  echo "exit $status: $output"
  [ "$status" -eq 0 ] && [ "$output" = "0 1 2 3 " ]
}

@test "SCMP_ACT_NOTIFY (the filter loads before ready) with close_range killed: fds 0-2 only" {
  config --arg l "$TEST_TMP/agent.sock" '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
    "listenerPath": $l, "syscalls": [{"names": ["mkdirat"], "action": "SCMP_ACT_NOTIFY"},
                                     {"names": ["close_range"], "action": "SCMP_ACT_KILL"}]}'
  args sh -c "$LIST_FDS"
  python3 "$BERTH_SOURCE_DIR/tests/integration/seccomp_agent.py" "$TEST_TMP/agent.sock" "$TEST_TMP/agent" 122 &
  agent=$!
  for _ in $(seq 50); do [ -e "$TEST_TMP/agent.sock.ready" ] && break; sleep 0.1; done
  run berth run -b "$BUNDLE" "$ID" 8<"$TEST_TMP"
  kill "$agent" 2>/dev/null || true
  wait "$agent" || true
  echo "exit $status: $output"
  [ "$status" -eq 0 ] && [ "$output" = "0 1 2 3 " ]
}

@test "close_range missing (ENOSYS, as before Linux 5.11): the caller's fds are closed through /proc/self/fd" {
  seccomp SCMP_ACT_ERRNO getcwd
  args sh -c "$LIST_FDS; cat /proc/self/fd/8/../../../../etc/debian_version 2>/dev/null || echo no-escape"
  run "$DENY_SYSCALLS" 38 close_range -- "$BERTH" --root "$ROOT" "${BERTH_DRIVER_ARGS[@]}" \
    run -b "$BUNDLE" "$ID" 8<"$TEST_TMP" 9>"$TEST_TMP/file"
  echo "exit $status: $output"
  [ "$status" -eq 0 ] && [ "${lines[0]}" = "0 1 2 3 no-escape" ]
  # --preserve-fds keeps the first N after stdio, and only those.
  args sh -c "$LIST_FDS"
  run "$DENY_SYSCALLS" 38 close_range -- "$BERTH" --root "$ROOT" "${BERTH_DRIVER_ARGS[@]}" \
    run --preserve-fds 1 -b "$BUNDLE" "$ID-preserve" 3<"$TEST_TMP/file" 8<"$TEST_TMP"
  echo "exit $status: $output"
  [ "$status" -eq 0 ] && [ "$output" = "0 1 2 3 4 " ]
}

@test "no close_range and no /proc in the container: the fds are walked through the host's procfs, nothing leaks" {
  config '.process.capabilities.bounding += ["CAP_SYS_ADMIN"] | .process.capabilities.effective += ["CAP_SYS_ADMIN"]
    | .process.capabilities.permitted += ["CAP_SYS_ADMIN"]'
  args sh -c 'umount -l /proc && touch /tmp/unmounted; sleep 100'
  config '.root.readonly = false'
  berth run -d -b "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
  for _ in $(seq 50); do [ -e "$ROOTFS_DIR/rootfs/tmp/unmounted" ] && break; sleep 0.1; done
  rm "$ROOTFS_DIR/rootfs/tmp/unmounted"
  # Without /proc the container cannot list its fds; it can still try to use fd 8.
  run "$DENY_SYSCALLS" 38 close_range -- "$BERTH" --root "$ROOT" "${BERTH_DRIVER_ARGS[@]}" \
    exec "$ID" sh -c 'echo started; { true <&8; } 2>/dev/null && echo LEAKED' 8<"$TEST_TMP"
  echo "exit $status: $output"
  [[ "$output" == *started* ]]
  [[ "$output" != *LEAKED* ]]
}
