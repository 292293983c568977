#!/usr/bin/env bats
# What the kernel shows about a container's process: namespaces, mounts, capabilities,
# user, limits — checked from the host through /proc, as a user would.

load helpers

start_sleeper() {
  args sleep 100
  berth run -d -b "$BUNDLE" "$ID"
  PID=$(state_field "$ID" pid)
}

@test "the container's init lives in its own namespaces" {
  # `berth spec` (as runc's) asks for a cgroup namespace only on a unified host.
  config '.linux.namespaces |= map(select(.type != "cgroup")) + [{"type": "cgroup"}]'
  start_sleeper
  for ns in pid net ipc uts mnt cgroup; do
    [ "$(readlink /proc/$PID/ns/$ns)" != "$(readlink /proc/self/ns/$ns)" ]
  done
  [ "$(readlink /proc/$PID/ns/user)" = "$(readlink /proc/self/ns/user)" ]
}

@test "the process is pid 1 of its namespace and sees the hostname" {
  config '.hostname = "boat"'
  args sh -c 'echo "$$ $(hostname)"'
  run berth run -b "$BUNDLE" "$ID"
  [ "$status" -eq 0 ]
  [ "$output" = "1 boat" ]
}

@test "a namespace is joined by path" {
  start_sleeper
  config --arg p "/proc/$PID/ns/uts" --arg n "/proc/$PID/ns/net" \
    '.linux.namespaces |= map(if .type == "uts" then .path = $p elif .type == "network" then .path = $n else . end) | del(.hostname)'
  args sleep 100
  berth run -d -b "$BUNDLE" "$ID-join"
  pid2=$(state_field "$ID-join" pid)
  [ "$(readlink /proc/$pid2/ns/uts)" = "$(readlink /proc/$PID/ns/uts)" ]
  [ "$(readlink /proc/$pid2/ns/net)" = "$(readlink /proc/$PID/ns/net)" ]
  [ "$(readlink /proc/$pid2/ns/pid)" != "$(readlink /proc/$PID/ns/pid)" ]
}

@test "the root is pivoted and read-only, /proc and /dev are the container's" {
  args sh -c 'touch /x 2>&1; ls /; stat -c "%t:%T %F" /dev/null; cat /proc/self/mounts'
  run berth run -b "$BUNDLE" "$ID"
  [[ "$output" == *"Read-only file system"* ]]
  [[ "$output" == *"1:3 character special file"* ]]
  [[ "$output" == *"proc /proc proc"* ]]
  [[ "$output" != *"/tmp/berth-it"* ]]
}

@test "masked paths are masked and read-only paths are read-only" {
  args sh -c 'wc -c < /proc/timer_list; echo 1 > /proc/sys/kernel/domainname 2>&1; ls /sys/firmware | wc -l'
  run berth run -b "$BUNDLE" "$ID"
  [ "${lines[0]}" = 0 ]
  [[ "${lines[1]}" == *"Read-only file system"* ]]
  [ "${lines[2]}" = 0 ]
}

@test "capabilities in /proc/PID/status are the spec's" {
  start_sleeper
  # CAP_KILL (5), CAP_NET_BIND_SERVICE (10), CAP_AUDIT_WRITE (29)
  grep -q '^CapEff:	0000000020000420$' /proc/$PID/status
  grep -q '^CapPrm:	0000000020000420$' /proc/$PID/status
  grep -q '^CapBnd:	0000000020000420$' /proc/$PID/status
  grep -q '^CapAmb:	0000000000000000$' /proc/$PID/status
  grep -q '^NoNewPrivs:	1$' /proc/$PID/status
}

@test "user, groups, umask, cwd, env and rlimits are the spec's" {
  config '.process.user = {"uid": 1000, "gid": 1001, "additionalGids": [2000, 2001], "umask": 63}
          | .process.cwd = "/tmp" | .process.env += ["FOO=bar"] | .root.readonly = false
          | .process.rlimits = [{"type": "RLIMIT_NOFILE", "hard": 512, "soft": 256}]'
  args sh -c 'id -u; id -g; id -G; umask; pwd; echo $FOO; ulimit -n; ulimit -Hn; echo $HOME'
  run berth run -b "$BUNDLE" "$ID"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 1000 ]
  [ "${lines[1]}" = 1001 ]
  [ "${lines[2]}" = "1001 2000 2001" ]
  [ "${lines[3]}" = 0077 ]
  [ "${lines[4]}" = /tmp ]
  [ "${lines[5]}" = bar ]
  [ "${lines[6]}" = 256 ]
  [ "${lines[7]}" = 512 ]
  [ "${lines[8]}" = / ]
}

@test "a non-root user keeps capabilities only through the ambient set" {
  # As with runc: without inheritable capabilities the ambient set cannot be raised, and a
  # non-root process loses every capability at exec.
  config '.process.user = {"uid": 1000, "gid": 1000}'
  args sleep 100
  berth run -d -b "$BUNDLE" "$ID"
  pid=$(state_field "$ID" pid)
  grep -q '^Uid:	1000	1000	1000	1000$' /proc/$pid/status
  grep -q '^CapEff:	0000000000000000$' /proc/$pid/status
  config '.process.capabilities.inheritable = .process.capabilities.bounding'
  berth run -d -b "$BUNDLE" "$ID-amb"
  pid=$(state_field "$ID-amb" pid)
  grep -q '^CapEff:	0000000020000420$' /proc/$pid/status
  grep -q '^CapAmb:	0000000020000420$' /proc/$pid/status
}

@test "devices from linux.devices are created with their mode and owner" {
  config '.linux.devices = [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 432, "uid": 5, "gid": 6}]'
  args stat -c '%t:%T %a %u:%g' /dev/fuse
  run berth run -b "$BUNDLE" "$ID"
  [ "$status" -eq 0 ]
  [ "$output" = "a:e5 660 5:6" ]
}

@test "linux.devices may hold a FIFO and an unbuffered (\"u\") device, which the devices cgroup does not know" {
  config '.linux.devices = [{"path": "/dev/fifo0", "type": "p", "fileMode": 432},
                            {"path": "/dev/unbuffered", "type": "u", "major": 1, "minor": 3}]'
  args sh -c 'test -p /dev/fifo0 && stat -c "%a" /dev/fifo0 && test -c /dev/unbuffered && echo x > /dev/unbuffered && echo written'
  run berth run -b "$BUNDLE" "$ID"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 660 ]
  [ "${lines[1]}" = written ]
}

@test "rootfsPropagation unbindable makes the container's root unbindable" {
  config '.linux.rootfsPropagation = "unbindable"'
  args sh -c 'awk "\$5 == \"/\"" /proc/self/mountinfo'
  run berth run -b "$BUNDLE" "$ID"
  [ "$status" -eq 0 ]
  [[ "$output" == *" unbindable "* ]]
}

@test "sysctl values are written in the container's namespaces" {
  config '.linux.sysctl = {"net.ipv4.ip_forward": "1", "kernel.shmmax": "123456789"}'
  args sh -c 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmax'
  host_forward=$(cat /proc/sys/net/ipv4/ip_forward)
  run berth run -b "$BUNDLE" "$ID"
  [ "${lines[0]}" = 1 ]
  [ "${lines[1]}" = 123456789 ]
  [ "$(cat /proc/sys/net/ipv4/ip_forward)" = "$host_forward" ]
}

@test "oomScoreAdj is applied" {
  config '.process.oomScoreAdj = 500'
  args cat /proc/self/oom_score_adj
  run berth run -b "$BUNDLE" "$ID"
  [ "$output" = 500 ]
}

@test "bind mounts with options, tmpfs with data" {
  mkdir "$TEST_TMP/data" && echo shared > "$TEST_TMP/data/file"
  config --arg src "$TEST_TMP/data" '.mounts += [
    {"destination": "/data", "type": "bind", "source": $src, "options": ["rbind", "ro"]},
    {"destination": "/scratch", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m", "mode=700"]}]'
  args sh -c 'cat /data/file; touch /data/new 2>&1; stat -c %a /scratch; grep " /scratch " /proc/self/mounts'
  run berth run -b "$BUNDLE" "$ID"
  [ "${lines[0]}" = shared ]
  [[ "${lines[1]}" == *"Read-only file system"* ]]
  [ "${lines[2]}" = 700 ]
  [[ "${lines[3]}" == *"size=1024k"* ]]
  [ ! -e "$TEST_TMP/data/new" ]
}

@test "a user namespace maps the container's root" {
  config '.linux.namespaces += [{"type": "user"}]
          | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
          | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
  args sleep 100
  berth run -d -b "$BUNDLE" "$ID"
  pid=$(state_field "$ID" pid)
  [ "$(readlink /proc/$pid/ns/user)" != "$(readlink /proc/self/ns/user)" ]
  grep -q '^Uid:	100000	100000	100000	100000$' /proc/$pid/status
  [ "$(awk '{print $1, $2, $3}' /proc/$pid/uid_map)" = "0 100000 65536" ]
}

# The runtime spec: a namespace type left out is inherited from the runtime, the mount one too
# (runtime-tools' linux_ns_itype). runc then mounts the container's /proc, /dev ... in the
# host's namespace, makes the host's / rslave and leaves the mounts behind; berth builds the
# root in a scratch namespace and runs the container in the host's namespace on a detached,
# private copy of it, which no host path leads to.
@test "without a mount namespace the container shares the host's, and its mounts stay off the host" {
  config '.linux.namespaces |= map(select(.type != "mount"))'
  args sleep 100
  berth create -b "$BUNDLE" "$ID"
  pid=$(state_field "$ID" pid)
  [ "$(readlink /proc/$pid/ns/mnt)" = "$(readlink /proc/self/ns/mnt)" ]
  [ -z "$(grep -F "$ROOTFS_DIR" /proc/self/mountinfo)" ]
  berth start "$ID"
  # Its root is the rootfs, read-only, with its own /dev and masked paths; the host's files
  # are out of reach and no mount of the namespace is below that root.
  run berth exec "$ID" sh -c 'readlink /proc/self/ns/mnt; ls /bin/busybox; touch /x 2>&1
    stat -c "%t:%T" /dev/null; wc -c < /proc/timer_list; ls -d '"$TEST_TMP"' 2>&1
    cat /proc/self/mountinfo | wc -l'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "$(readlink /proc/self/ns/mnt)" ]
  [ "${lines[1]}" = /bin/busybox ]
  [[ "${lines[2]}" == *"Read-only file system"* ]]
  [ "${lines[3]}" = 1:3 ]
  [ "${lines[4]}" = 0 ]
  [[ "${lines[5]}" == *"No such file or directory"* ]]
  [ "${lines[6]}" = 0 ]
  [ "$(readlink /proc/$pid/ns/mnt)" = "$(readlink /proc/self/ns/mnt)" ]
  [ -z "$(grep -F "$ROOTFS_DIR" /proc/self/mountinfo)" ]
  berth delete -f "$ID"
  assert_nothing_left "$ID"
  [ -z "$(grep -F "$ROOTFS_DIR" /proc/self/mountinfo)" ]
}

@test "without a mount namespace, a user namespace or a propagation other than private is refused" {
  config '.linux.namespaces |= map(select(.type != "mount")) + [{"type": "user"}]
          | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
          | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
  run berth create -b "$BUNDLE" "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *"a user namespace needs a mount namespace too"* ]]
  config '.linux.namespaces |= map(select(.type != "user")) | del(.linux.uidMappings, .linux.gidMappings)
          | .linux.rootfsPropagation = "rshared"'
  run berth create -b "$BUNDLE" "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *"linux.rootfsPropagation: rshared needs a mount namespace"* ]]
  assert_nothing_left "$ID"
  config '.linux.rootfsPropagation = "rprivate"'
  args true
  berth run -b "$BUNDLE" "$ID"
}

@test "--no-pivot runs the container with MS_MOVE and chroot" {
  args sh -c 'ls /bin/busybox && cat /proc/self/mountinfo | wc -l'
  run berth run --no-pivot -b "$BUNDLE" "$ID"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = /bin/busybox ]
}

@test "--preserve-fds passes extra fds to the container" {
  args sh -c 'cat <&3'
  echo through-fd3 > "$TEST_TMP/fd3"
  run berth run --preserve-fds 1 -b "$BUNDLE" "$ID" 3<"$TEST_TMP/fd3"
  [ "$status" -eq 0 ]
  [ "$output" = through-fd3 ]
}

@test "runtime fds do not leak into the container" {
  args sh -c 'ls /proc/self/fd | wc -l'
  run berth run -b "$BUNDLE" "$ID" 3</dev/null
  # 0 1 2 and the fd ls opens for the directory
  [ "$output" = 4 ]
}

@test "a time namespace shifts the container's clocks by linux.timeOffsets" {
  config '.linux.namespaces += [{"type": "time"}]
          | .linux.timeOffsets = {"boottime": {"secs": 864000, "nanosecs": 0}}'
  args sh -c 'echo $$; cut -d. -f1 /proc/uptime'
  run berth run -b "$BUNDLE" "$ID"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 1 ]
  [ "${lines[1]}" -ge 864000 ]
  [ "$(cut -d. -f1 /proc/uptime)" -lt 864000 ]
}

@test "domainname is set in the container's uts namespace" {
  config '.domainname = "example.org"'
  args cat /proc/sys/kernel/domainname
  run berth run -b "$BUNDLE" "$ID"
  [ "$output" = example.org ]
  [ "$(cat /proc/sys/kernel/domainname)" != example.org ]
}

@test "socket activation: LISTEN_FDS meant for berth reaches the container, first" {
  args sh -c 'echo $LISTEN_FDS $LISTEN_PID; cat <&3; cat <&4'
  echo activated > "$TEST_TMP/fd3"
  echo preserved > "$TEST_TMP/fd4"
  run sh -c 'export LISTEN_FDS=1 LISTEN_PID=$$; exec "$@" 3<"$0/fd3" 4<"$0/fd4"' "$TEST_TMP" \
    "$BERTH" --root "$ROOT" "${BERTH_DRIVER_ARGS[@]}" run --preserve-fds 1 -b "$BUNDLE" "$ID"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "1 1" ]
  [ "${lines[1]}" = activated ]
  [ "${lines[2]}" = preserved ]
}

@test "CVE-2019-5736: the host's berth cannot be written through the init's /proc/PID/exe" {
  args sleep 100
  berth create -b "$BUNDLE" "$ID"
  pid=$(state_field "$ID" pid)
  run python3 - "$pid" "$BERTH" "$ROOT" "$ID" <<'PY'
import os, subprocess, sys
pid, berth, root, cid = sys.argv[1:]
fd = os.open(f"/proc/{pid}/exe", os.O_PATH)   # taken while init is still berth
subprocess.run([berth, "--root", root, "start", cid], check=True)
# The binary it ran from sits on a read-only mount (statvfs through the fd says so), and a
# write through it is refused: EROFS, or ETXTBSY while some berth happens to be running.
print("ro" if os.statvfs(f"/proc/self/fd/{fd}").f_flag & os.ST_RDONLY else "rw")
try:
    os.open(f"/proc/self/fd/{fd}", os.O_WRONLY)
    print("writable")
except OSError as e:
    print("refused" if e.errno in (30, 26) else e.strerror)  # EROFS, ETXTBSY
PY
  [ "${lines[0]}" = ro ]
  [ "${lines[1]}" = refused ]
}
