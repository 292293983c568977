#!/usr/bin/env bats
# Each known runc container-escape CVE, replayed against berth: a malicious image (a rootfs of
# the test's own) or config, a real container, and what a user would check afterwards (the
# host file unchanged, the mount not redirected, a clear refusal, nothing left behind).
# CVE-2019-5736 (overwriting the runtime through /proc/PID/exe) is in isolation.bats.

load helpers

teardown() {
  if [ -e "$TEST_TMP/.created-user" ]; then
    userdel "$RL_USER" 2>/dev/null || true
  fi
  if [ -d "$ROOT" ]; then
    for id in $(berth list -q 2>/dev/null); do berth delete -f "$id" >/dev/null 2>&1 || true; done
  fi
  rm -rf "$TEST_TMP"
}

# own_rootfs: the test's private copy of the rootfs, which it may make malicious.
own_rootfs() {
  RFS=$TEST_TMP/rootfs
  cp -a "$ROOTFS_DIR/rootfs" "$RFS"
  config --arg r "$RFS" '.root.path = $r'
}

# refused PATTERN: the last `run` failed with PATTERN in its message and left nothing behind.
refused() {
  [ "$status" -ne 0 ] || { echo "not refused: $output"; return 1; }
  [[ "$output" == *"$1"* ]] || { echo "unexpected message: $output"; return 1; }
  assert_nothing_left "$ID"
}

# A procfs look-alike on the host: attr files an LSM write would land in, a sysctl file.
fake_proc() {
  FAKE=$TEST_TMP/fakeproc
  mkdir -p "$FAKE/self/attr" "$FAKE/thread-self/attr" "$FAKE/sys/kernel"
  echo untouched > "$FAKE/self/attr/exec"
  echo untouched > "$FAKE/sys/kernel/shmmax"
}

@test "CVE-2019-16884: a tmpfs mounted over /proc, which would fake /proc/self/attr, is refused" {
  config '.mounts |= map(if .destination == "/proc"
                         then {"destination": "/proc", "type": "tmpfs", "source": "tmpfs"} else . end)'
  run berth run -b "$BUNDLE" "$ID"
  refused "/proc can only be covered by a procfs"
}

@test "CVE-2019-16884: a host directory bound over /proc is refused" {
  fake_proc
  config --arg f "$FAKE" '.mounts += [{"destination": "/proc", "type": "bind", "source": $f, "options": ["rbind"]}]'
  run berth run -b "$BUNDLE" "$ID"
  refused "/proc can only be covered by a procfs"
  [ "$(cat "$FAKE/self/attr/exec")" = untouched ]
}

@test "CVE-2019-19921: a volume whose destination is a symlink to /proc is refused" {
  own_rootfs
  fake_proc
  ln -s /proc "$RFS/vol"
  config --arg f "$FAKE" '.mounts += [{"destination": "/vol", "type": "bind", "source": $f, "options": ["rbind"]}]'
  run berth run -b "$BUNDLE" "$ID"
  refused "/proc can only be covered by a procfs"
}

@test "CVE-2019-19921: proc is never mounted through a symlink in the image" {
  own_rootfs
  rmdir "$RFS/proc"
  mkdir "$RFS/elsewhere"
  ln -s /elsewhere "$RFS/proc"
  run berth run -b "$BUNDLE" "$ID"
  refused "/proc is a symlink"
  [ -z "$(ls -A "$RFS/elsewhere")" ]
}

# The racing process swaps the mount target /mnt/vol with a symlink to a host directory
# (absolute: the kernel would follow it from the host's root) while berth creates one container
# after another. A createRuntime hook, run after every mount and before pivot_root, looks at
# the init's mount table: no mount may ever land on the host directory.
@test "CVE-2021-30465, CVE-2023-27561: a mount target swapped with a symlink never lands outside the rootfs" {
  own_rootfs
  host=$TEST_TMP/host
  mkdir -p "$host" "$RFS/mnt/vol" "$TEST_TMP/src"
  ln -s "$host" "$RFS/mnt/link"
  cat > "$TEST_TMP/hook.sh" <<EOF
#!/bin/sh
pid=\$(jq -r .pid)
echo ran >> "$TEST_TMP/hook.ran"
awk -v h="$host" 'index(\$5, h) == 1' "/proc/\$pid/mountinfo" >> "$TEST_TMP/escaped"
EOF
  chmod +x "$TEST_TMP/hook.sh"
  config --arg s "$TEST_TMP/src" --arg h "$TEST_TMP/hook.sh" \
    '.mounts += [{"destination": "/mnt/vol", "type": "tmpfs", "source": "tmpfs"},
                 {"destination": "/mnt/vol", "type": "bind", "source": $s, "options": ["bind"]}]
     | .hooks = {"createRuntime": [{"path": $h}]}'
  python3 "$BERTH_SOURCE_DIR/tests/integration/swap_loop.py" "$RFS/mnt/vol" "$RFS/mnt/link" 300 &
  swapper=$!
  created=0
  # The host races 200 creates (up to 2 minutes on a loaded machine). The VM tier (guest/run.sh
  # sets BERTH_VM_TIER) adds only its kernel's mount calls to what the host shows, at a
  # fraction of the speed under emulation: 30 s there, some tens of creates, not 2 minutes.
  limit=120
  [ -z "${BERTH_VM_TIER:-}" ] || limit=30
  start=$SECONDS
  for i in $(seq 200); do
    if berth create -b "$BUNDLE" "$ID-$i" >/dev/null 2>&1; then created=$((created + 1)); fi
    berth delete -f "$ID-$i" >/dev/null 2>&1 || true
    [ $((SECONDS - start)) -lt "$limit" ] || break
  done
  kill "$swapper"
  wait "$swapper" || true
  echo "created $created of $i in $((SECONDS - start)) s, hook ran $(wc -l < "$TEST_TMP/hook.ran")"
  [ "$created" -gt 0 ]
  [ ! -s "$TEST_TMP/escaped" ] || { cat "$TEST_TMP/escaped"; false; }
  ! grep -q " $host" /proc/self/mountinfo
}

@test "CVE-2022-29162: the process gets no inheritable capabilities the config does not list" {
  config '.process.user = {"uid": 1000, "gid": 1000}
          | .process.capabilities = {"bounding": ["CAP_CHOWN", "CAP_NET_RAW"],
              "effective": ["CAP_CHOWN", "CAP_NET_RAW"], "permitted": ["CAP_CHOWN", "CAP_NET_RAW"],
              "inheritable": [], "ambient": []}'
  args sh -c 'grep -E "^Cap(Inh|Prm|Eff|Amb)" /proc/self/status; sleep 100'
  berth run -d -b "$BUNDLE" "$ID" > "$TEST_TMP/out"
  run berth exec "$ID" grep -E "^CapInh" /proc/self/status
  [ "$status" -eq 0 ]
  [ "$output" = "CapInh:	0000000000000000" ]
  pid=$(state_field "$ID" pid)
  [ "$(awk '$1 == "CapInh:" {print $2}' "/proc/$pid/status")" = 0000000000000000 ]
  [ "$(awk '$1 == "CapBnd:" {print $2}' "/proc/$pid/status")" = 0000000000002001 ]
}

@test "CVE-2022-29162: inheritable capabilities are exactly those listed" {
  config '.process.capabilities |= with_entries(.value = ["CAP_CHOWN", "CAP_KILL"])
          | .process.capabilities.inheritable = ["CAP_CHOWN"]'
  args grep -E "^CapInh" /proc/self/status
  run berth run -b "$BUNDLE" "$ID"
  [ "$status" -eq 0 ]
  [ "$output" = "CapInh:	0000000000000001" ]
}

# A real unprivileged user runs `spec --rootless` containers (one uid mapped, no cgroup
# namespace); RL sets up what rootless.bats does, for this test only.
RL_USER=berth-cve
rl() {
  setpriv --reuid="$RL_USER" --regid="$RL_USER" --init-groups \
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/ BERTH_PLUGIN_PATH="$TEST_TMP/plugins" \
    "$TEST_TMP/berth" --root "$TEST_TMP/rlroot" "$@"
}
rootless_bundle() {
  if ! id "$RL_USER" >/dev/null 2>&1; then
    useradd --no-create-home --shell /bin/sh "$RL_USER"
    touch "$TEST_TMP/.created-user"
  fi
  cp "$BERTH" "$TEST_TMP/berth"
  cp -r "$BERTH_PLUGIN_PATH" "$TEST_TMP/plugins"
  RLB=$TEST_TMP/rl
  mkdir "$RLB" "$TEST_TMP/rlroot"
  cp -a "$ROOTFS_DIR/rootfs" "$RLB/rootfs"
  chown -R "$RL_USER:" "$RLB" "$TEST_TMP/rlroot"
  rl spec --rootless -b "$RLB"
}

@test "CVE-2023-25809: a rootless container's read-only /sys leaves no cgroup hierarchy below it writable" {
  rootless_bundle
  # The hierarchies below /sys, as the container sees them: with the spec's own cgroup mount
  # on top, and without (the advisory's "rbind, ro" /sys alone).
  for filter in . '.mounts |= map(select(.destination != "/sys/fs/cgroup"))'; do
    jq "$filter"' | .process.terminal = false
        | .process.args = ["sh", "-c", "awk '\''$5 ~ \"^/sys/fs/cgroup\" {print $5, $6}'\'' /proc/self/mountinfo"]' \
      "$RLB/config.json" > "$TEST_TMP/config.json"
    cat "$TEST_TMP/config.json" > "$RLB/config.json"
    run rl run -b "$RLB" "$ID"
    echo "$output"
    [ "$status" -eq 0 ]
    [ "${#lines[@]}" -gt 0 ]
    for line in "${lines[@]}"; do [[ "${line#* }" == ro,* ]]; done
  done
}

@test "CVE-2024-21626: a process.cwd through a host directory's fd (/proc/self/fd/N) is refused" {
  mkdir "$TEST_TMP/hostdir"
  echo secret > "$TEST_TMP/hostdir/hostfile"
  config '.process.cwd = "/proc/self/fd/3"'
  args sh -c 'ls; cat hostfile'
  run berth run --preserve-fds 1 -b "$BUNDLE" "$ID" 3<"$TEST_TMP/hostdir"
  # Refused where the missing cwd would be made: the in-root walk follows no magic link (the
  # check after chdir, "outside the container's root", stays as the second line: exec below).
  refused "process.cwd: /proc/1/fd/3 is a magic link, refusing to follow it"
  # No fd of the runtime's own reaches the process either.
  for n in $(seq 3 20); do
    config --arg c "/proc/self/fd/$n" '.process.cwd = $c'
    run berth run -b "$BUNDLE" "$ID" 3<"$TEST_TMP/hostdir"
    [ "$status" -ne 0 ]
    [[ "$output" != *secret* ]]
  done
}

@test "CVE-2024-21626: exec --cwd /proc/self/fd/N cannot reach the host either" {
  mkdir "$TEST_TMP/hostdir"
  echo secret > "$TEST_TMP/hostdir/hostfile"
  args sleep 100
  berth run -d -b "$BUNDLE" "$ID"
  run berth exec --preserve-fds 1 --cwd /proc/self/fd/3 "$ID" cat hostfile 3<"$TEST_TMP/hostdir"
  [ "$status" -ne 0 ]
  [[ "$output" != *secret* ]]
  [[ "$output" == *"process.cwd /proc/self/fd/3: outside the container's root"* ]]
}

# An image without a /dev tmpfs in its config keeps its own /dev entries.
no_dev_tmpfs() {
  config '.mounts |= map(select(.destination != "/dev"))'
}

@test "CVE-2025-31133: maskedPaths refuses an image's /dev/null that is a symlink to a procfs file" {
  own_rootfs
  no_dev_tmpfs
  ln -s /proc/sys/kernel/core_pattern "$RFS/dev/null"
  config '.linux.maskedPaths = ["/proc/timer_list"]'
  args sh -c 'stat -c %F /proc/timer_list'
  run berth run -b "$BUNDLE" "$ID"
  refused "linux.maskedPaths: /dev/null is not the null device (1:3)"
}

@test "CVE-2025-52565: an image's /dev/console that is a symlink is refused, the pty never covers its target" {
  own_rootfs
  no_dev_tmpfs
  ln -s /proc/sys/kernel/core_pattern "$RFS/dev/console"
  config '.process.terminal = true'
  args sh -c 'stat -c %F /proc/sys/kernel/core_pattern'
  run python3 "$BERTH_SOURCE_DIR/tests/integration/pty_run.py" "$BERTH" --root "$ROOT" \
    "${BERTH_DRIVER_ARGS[@]}" run -b "$BUNDLE" "$ID"
  [[ "$output" != *"character special file"* ]]
  refused "/dev/console is a symlink"
}

@test "CVE-2025-52881: a sysctl is never written through a /proc that is not procfs" {
  own_rootfs
  mkdir -p "$RFS/proc/sys/kernel"
  echo untouched > "$RFS/proc/sys/kernel/shmmax"
  config '.mounts |= map(select(.destination != "/proc")) | .linux.maskedPaths = []
          | .linux.readonlyPaths = [] | .linux.sysctl = {"kernel.shmmax": "42"}'
  run berth run -b "$BUNDLE" "$ID"
  refused "linux.sysctl kernel.shmmax: /proc is not a procfs mount"
  [ "$(cat "$RFS/proc/sys/kernel/shmmax")" = untouched ]
}

@test "CVE-2025-52881: oomScoreAdj is never written through a /proc that is not procfs" {
  own_rootfs
  mkdir -p "$RFS/proc/self"
  echo untouched > "$RFS/proc/self/oom_score_adj"
  config '.mounts |= map(select(.destination != "/proc")) | .linux.maskedPaths = []
          | .linux.readonlyPaths = [] | .root.readonly = false | .process.oomScoreAdj = 100'
  run berth run -b "$BUNDLE" "$ID"
  refused "process.oomScoreAdj: /proc is not a procfs mount"
  [ "$(cat "$RFS/proc/self/oom_score_adj")" = untouched ]
}

# What the init reads or reopens about itself after pivot_root comes from the host's procfs, not
# from an image's own proc/ directory (the config below mounts no proc).
no_proc_rootfs() {
  own_rootfs
  config '.mounts |= map(select(.destination != "/proc")) | .linux.maskedPaths = []
          | .linux.readonlyPaths = [] | .root.readonly = false'
}

# host_status_field PID FIELD: a line of the process's status as the host's /proc shows it.
host_status_field() { awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status"; }

@test "CVE-2025-52881: an image's proc/sys/kernel/cap_last_cap cannot keep the bounding set whole" {
  no_proc_rootfs
  mkdir -p "$RFS/proc/sys/kernel"
  echo -1 > "$RFS/proc/sys/kernel/cap_last_cap"
  args sleep 30
  berth run -d -b "$BUNDLE" "$ID"
  pid=$(state_field "$ID" pid)
  # The spec's bounding set (CAP_AUDIT_WRITE, CAP_KILL, CAP_NET_BIND_SERVICE), not every
  # capability of the kernel.
  [ "$(host_status_field "$pid" CapBnd)" = 0000000020000420 ]
}

@test "CVE-2025-52881: an image's proc/self/setgroups cannot make the init skip additionalGids" {
  no_proc_rootfs
  mkdir -p "$RFS/proc/self"
  echo deny > "$RFS/proc/self/setgroups"
  config '.process.user = {"uid": 1000, "gid": 1000, "additionalGids": [2000, 2001]}'
  args sleep 30
  berth run -d -b "$BUNDLE" "$ID"
  pid=$(state_field "$ID" pid)
  [ "$(awk '$1 == "Groups:" {$1 = ""; print}' "/proc/$pid/status" | xargs)" = "2000 2001" ]
}

@test "CVE-2025-52881: an image's proc/self/fd cannot open the start gate before start" {
  no_proc_rootfs
  mkdir -p "$RFS/proc/self/fd"
  for n in $(seq 0 64); do : > "$RFS/proc/self/fd/$n"; done
  args sleep 30
  berth create -b "$BUNDLE" "$ID"
  pid=$(state_field "$ID" pid)
  sleep 0.5
  # Still the init waiting on exec.fifo, not the container's process.
  [ "$(cat "/proc/$pid/comm")" != sleep ]
  [ "$(state_field "$ID" status)" = created ]
  berth start "$ID"
  [ "$(state_field "$ID" status)" = running ]
}
