#!/usr/bin/env bats
# Configs that runc 1.1 runs and berth used to refuse or run differently: each case was
# reproduced side by side with runc, and the assertion is what runc's container shows.

load helpers

@test "a namespace with an empty path is a new namespace, as in runc" {
  config '.linux.namespaces |= map(if .type == "uts" then .path = "" else . end) | .hostname = "boat"'
  args sh -c 'hostname; readlink /proc/self/ns/uts'
  run berth run -b "$BUNDLE" "$ID"
  [ "$status" -eq 0 ] || { echo "$output"; return 1; }
  [ "${lines[0]}" = boat ]
  [ "${lines[1]}" != "$(readlink /proc/self/ns/uts)" ]
}

@test "a relative mount destination is taken from the container's /, without a warning (runtime-spec 1.2)" {
  config '.mounts += [{"destination": "run/rel", "type": "tmpfs", "source": "tmpfs", "options": ["size=64k"]}]'
  args sh -c 'grep " /run/rel " /proc/self/mountinfo | cut -d" " -f5,9'
  run berth run -b "$BUNDLE" "$ID"
  [ "$status" -eq 0 ] || { echo "$output"; return 1; }
  [ "$output" = "/run/rel tmpfs" ]
}

@test "a missing process.cwd is created, owned by root with mode 755, as in runc" {
  local dir="/parity-cwd-$ID"
  config --arg d "$dir/a/b" '.process.cwd = $d | .process.user = {"uid": 1000, "gid": 1000}'
  args pwd
  run berth run -b "$BUNDLE" "$ID"
  rm_later=$ROOTFS_DIR/rootfs$dir
  stat_out=$(stat -c '%u:%g %a' "$ROOTFS_DIR/rootfs$dir/a/b" 2>&1 || true)
  rm -rf "$rm_later"
  [ "$status" -eq 0 ] || { echo "$output"; return 1; }
  [ "$output" = "$dir/a/b" ]
  [ "$stat_out" = "0:0 755" ] || { echo "$stat_out"; return 1; }
}

@test "a new network namespace has lo up, as in runc" {
  args cat /sys/class/net/lo/operstate /sys/class/net/lo/flags
  run berth run -b "$BUNDLE" "$ID"
  [ "$status" -eq 0 ] || { echo "$output"; return 1; }
  # operstate of lo is "unknown" once up ("down" before); flags has IFF_UP (0x1).
  [ "${lines[0]}" = unknown ] || { echo "$output"; return 1; }
  [ $((${lines[1]} & 1)) -eq 1 ]
}

@test "run with a terminal and a piped stdout prints what the program printed, without \\r (ONLCR cleared as runc does)" {
  config '.process.terminal = true'
  args printf 'a\nb\n'
  berth run -b "$BUNDLE" "$ID" </dev/null >"$TEST_TMP/out"
  od -c "$TEST_TMP/out"
  cmp "$TEST_TMP/out" <(printf 'a\nb\n')
}

@test "a read-only /dev still gets its devices, pts, shm and console, then is read-only, as in runc" {
  config '.process.terminal = false | .mounts |= map(if .destination == "/dev" then .options += ["ro"] else . end)'
  args sh -c 'ls /dev/null /dev/pts/ptmx /dev/shm /dev/fd >/dev/null && echo > /dev/null && touch /dev/x; grep " /dev " /proc/self/mounts'
  run berth run -b "$BUNDLE" "$ID"
  [ "$status" -eq 0 ] || { echo "$output"; return 1; }
  [[ "$output" == *"/dev/x: Read-only file system"* ]] || { echo "$output"; return 1; }
  [[ "$output" == *"tmpfs /dev tmpfs ro,"* ]] || { echo "$output"; return 1; }
}

@test "a bind mount onto / goes over the rootfs, and later mounts on top of it, as in runc" {
  cp -a "$ROOTFS_DIR/rootfs" "$TEST_TMP/other"
  echo over >"$TEST_TMP/other/marker"
  config --arg s "$TEST_TMP/other" \
    '.mounts = [{"destination": "/", "type": "bind", "source": $s, "options": ["rbind"]}] + .mounts'
  args sh -c 'cat /marker; ls /proc/self/stat'
  run berth run -b "$BUNDLE" "$ID"
  [ "$status" -eq 0 ] || { echo "$output"; return 1; }
  [ "$output" = "over
/proc/self/stat" ]
  [ ! -e "$ROOTFS_DIR/rootfs/marker" ]
}

@test "a non-root user can reopen its stdout and stderr pipes, as in runc" {
  config '.process.user = {"uid": 1000, "gid": 1000}'
  args sh -c 'echo out > /proc/self/fd/1; echo err > /proc/self/fd/2'
  run berth run -b "$BUNDLE" "$ID"
  [ "$status" -eq 0 ] || { echo "$output"; return 1; }
  [ "$output" = "out
err" ]
}

@test "a host file or the caller's terminal given as stdio keeps its owner (unlike runc, which chowns it)" {
  config '.process.user = {"uid": 1000, "gid": 1000}'
  args sh -c 'echo out'
  : > "$TEST_TMP/host.log"
  berth run -b "$BUNDLE" "$ID" > "$TEST_TMP/host.log"
  [ "$(cat "$TEST_TMP/host.log")" = out ]
  [ "$(stat -c %u "$TEST_TMP/host.log")" = 0 ]
  # A terminal of the caller's (not the container's pty: process.terminal is false).
  args sh -c 'echo hi'
  run python3 "$BERTH_SOURCE_DIR/tests/integration/pty_run.py" sh -c \
    "$BERTH --root $ROOT ${BERTH_DRIVER_ARGS[*]} run -b $BUNDLE $ID-tty; stat -c %u \$(tty)"
  [ "$status" -eq 0 ] || { echo "$output"; return 1; }
  [ "${lines[-1]}" = 0 ] || { echo "$output"; return 1; }
}

@test "a non-root user owns its terminal (the tty group kept), as in runc" {
  config '.process.terminal = true | .process.user = {"uid": 1000, "gid": 1000}'
  args sh -c 'stat -c %u:%g $(tty)'
  run python3 "$BERTH_SOURCE_DIR/tests/integration/pty_run.py" "$BERTH" --root "$ROOT" \
    "${BERTH_DRIVER_ARGS[@]}" run -b "$BUNDLE" "$ID"
  [ "$status" -eq 0 ] || { echo "$output"; return 1; }
  [ "${lines[0]}" = "1000:5" ] || { echo "$output"; return 1; }
}

@test "a bind source the mapped user cannot reach is opened with the runtime's rights, as in runc" {
  mkdir -p "$TEST_TMP/locked/src"
  echo secret-ok >"$TEST_TMP/locked/src/file"
  chmod 000 "$TEST_TMP/locked"
  ln -s locked/src "$TEST_TMP/link"
  config --arg a "$TEST_TMP/locked/src" --arg b "$TEST_TMP/link" '.linux.namespaces += [{"type": "user"}]
          | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
          | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
          | .mounts += [{"destination": "/tmp", "type": "bind", "source": $a, "options": ["bind", "ro"]},
                        {"destination": "/root", "type": "bind", "source": $b, "options": ["rbind"]}]'
  args sh -c 'cat /tmp/file /root/file; touch /tmp/x || echo read-only'
  run berth run -b "$BUNDLE" "$ID"
  chmod 755 "$TEST_TMP/locked"
  [ "$status" -eq 0 ] || { echo "$output"; return 1; }
  [ "${lines[0]}" = secret-ok ] && [ "${lines[1]}" = secret-ok ] || { echo "$output"; return 1; }
  [ "${lines[-1]}" = read-only ]
}

@test "an rbind source opened for a user namespace keeps its submounts locked: the container cannot uncover what they hide" {
  mkdir -p "$TEST_TMP/src/sub"
  echo hidden >"$TEST_TMP/src/sub/under"
  host_mount -t tmpfs -o mode=755 tmpfs "$TEST_TMP/src/sub"
  echo cover >"$TEST_TMP/src/sub/top"
  config --arg s "$TEST_TMP/src" '.linux.namespaces += [{"type": "user"}]
          | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
          | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
          | .mounts += [{"destination": "/tmp", "type": "bind", "source": $s, "options": ["rbind"]}]'
  args sh -c 'cat /tmp/sub/top; umount /tmp/sub 2>/dev/null; ls /tmp/sub'
  run berth run -b "$BUNDLE" "$ID"
  [ "$status" -eq 0 ] || { echo "$output"; return 1; }
  [ "${lines[0]}" = cover ] && [ "${lines[1]}" = top ] || { echo "$output"; return 1; }
}

@test "a bind source the mapped user cannot reach mounts when the init joins a namespace too (the slow path)" {
  unshare --net sleep 600 &
  HOST_PIDS+=($!)
  mkdir -p "$TEST_TMP/locked/src"
  echo secret-ok >"$TEST_TMP/locked/src/file"
  chmod 000 "$TEST_TMP/locked"
  # A network namespace owned by the host's user namespace: sysfs cannot be mounted for it.
  config --arg a "$TEST_TMP/locked/src" --arg n "/proc/${HOST_PIDS[0]}/ns/net" '
          .linux.namespaces = [.linux.namespaces[] | select(.type != "network")]
            + [{"type": "user"}, {"type": "network", "path": $n}]
          | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
          | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
          | .mounts = [.mounts[] | select(.type != "sysfs" and .type != "cgroup")]
          | .mounts += [{"destination": "/tmp", "type": "bind", "source": $a, "options": ["bind"]}]'
  args cat /tmp/file
  run berth run -b "$BUNDLE" "$ID"
  chmod 755 "$TEST_TMP/locked"
  [ "$status" -eq 0 ] && [ "$output" = secret-ok ] || { echo "$output"; return 1; }
}
