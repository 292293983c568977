#!/usr/bin/env bats
# podman 4.3 (through conmon) drives berth: `podman --runtime berth`, with a private
# containers.conf and storage.conf, its own --root/--runroot/--tmpdir, no network and the
# cgroupfs manager, so that nothing else on the host is touched.

bats_require_minimum_version 1.5.0
load helpers

setup_file() {
  need_engine podman
  need_engine conmon
  e2e_setup_file podman
  local p=$E2E/podman
  mkdir -p "$p"/{storage,runroot,tmp,cni,imgtmp}
  # default_ulimits: podman's default 1048576 needs CAP_SYS_RESOURCE, which a VM's
  # bounding set may lack. runtime_supports_*: podman decides by the runtime's basename.
  cat > "$p/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
netns = "none"

[network]
network_config_dir = "$p/cni"

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
lock_type = "file"
runtime = "berth"
runtime_supports_json = ["crun", "runc", "berth"]
runtime_supports_nocgroups = ["crun", "berth"]
tmp_dir = "$p/tmp"
static_dir = "$p/storage/libpod"
volume_path = "$p/storage/volumes"
image_copy_tmp_dir = "$p/imgtmp"

[engine.runtimes]
berth = ["$E2E/bin/berth"]
EOF
  cat > "$p/storage.conf" <<EOF
[storage]
driver = "overlay"
runroot = "$p/runroot"
graphroot = "$p/storage"
EOF
  # A command, not a function: `script` runs it for the terminal tests.
  cat > "$E2E/bin/podman-e2e" <<EOF
#!/bin/sh
export CONTAINERS_CONF='$p/containers.conf' CONTAINERS_STORAGE_CONF='$p/storage.conf'
export TMPDIR='$p/tmp'
exec podman --root '$p/storage' --runroot '$p/runroot' --tmpdir '$p/tmp' "\$@"
EOF
  chmod 755 "$E2E/bin/podman-e2e"
  # Every container's cgroup (and conmon's) goes below our own parent.
  CG=--cgroup-parent=/$E2E_NAME
  export CG
  tar --numeric-owner -C "$E2E/bundle/rootfs" -cf "$E2E/rootfs.tar" .
  # The image copy writes a blob-info cache to /var/lib/containers/cache whatever the
  # storage root: a private mount namespace with an empty /var/lib keeps the host's clean.
  unshare --mount --propagation private -- sh -c \
    'mount -t tmpfs -o mode=0755 berth-e2e /var/lib && exec "$@"' _ \
    "$E2E/bin/podman-e2e" import -q "$E2E/rootfs.tar" "$IMAGE" >/dev/null
}

teardown_file() {
  if [ -n "${E2E:-}" ]; then
    pm rm -a -f -t 0 >/dev/null 2>&1 || true
    pm rmi -a -f >/dev/null 2>&1 || true
  fi
  e2e_teardown_file
}

# Every test removes the containers it made, also when it fails half-way.
teardown() {
  pm rm -a -f -t 0 >/dev/null 2>&1 || true
}

pm() { "$E2E/bin/podman-e2e" "$@"; }

cid_status() { pm inspect -f '{{.State.Status}}' "$1"; }

# The v1 cgroup directory of a podman container (cgroupfs manager, our parent).
ctr_cgroup() { echo "/$E2E_NAME/libpod-$1"; }

@test "podman import makes the image from a busybox rootfs; podman info names berth" {
  run pm images --format '{{.Repository}}:{{.Tag}}'
  [ "$status" -eq 0 ]
  [ "$output" = "$IMAGE" ]
  run pm info --format '{{.Host.OCIRuntime.Name}} {{.Host.OCIRuntime.Path}}'
  [ "$status" -eq 0 ]
  [ "$output" = "berth $E2E/bin/berth" ]
  run pm info --format '{{.Host.OCIRuntime.Version}}'
  [[ "$output" == "berth version "* ]]
}

@test "podman run --rm IMAGE echo hello" {
  run pm run --rm "$CG" "$IMAGE" echo hello
  [ "$status" -eq 0 ]
  [ "$output" = hello ]
  [ -z "$(pm ps -a -q)" ]
  [ -z "$(berth_at "$E2E/berth-root" list -q)" ] # --rm's cleanup deleted berth's state too
}

@test "podman run reports the container's status: its exit code, 127 not found, 126 not executable" {
  run pm run --rm "$CG" "$IMAGE" sh -c 'exit 3'
  [ "$status" -eq 3 ]
  run -127 pm run --rm "$CG" "$IMAGE" /nonexistent
  [[ "$output" == *'exec: "/nonexistent"'* ]]
  # As runc (Go's exec.LookPath): an existing file without execute bits is EACCES,
  # which podman maps to 126.
  run -126 pm run --rm "$CG" "$IMAGE" /etc/passwd
  [[ "$output" == *"ermission denied"* ]]
}

@test "podman run -d, exec, stop, rm" {
  id=$(pm run -d "$CG" "$IMAGE" sh -c 'trap "exit 0" TERM; sleep 1000 & wait')
  [ "$(cid_status "$id")" = running ]
  run pm exec "$id" sh -c 'echo exec-ok; cat /proc/1/cmdline | tr "\0" " "'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = exec-ok ]
  [[ "${lines[1]}" == "sh -c trap"* ]]
  run pm exec "$id" sh -c 'exit 7'
  [ "$status" -eq 7 ]
  run pm exec -i "$id" cat <<<"through-stdin"
  [ "$output" = through-stdin ]
  run pm exec --user 1000:1000 -e FOO=bar -w /tmp "$id" sh -c 'echo $(id -u):$(id -g) $FOO $(pwd)'
  [ "$output" = "1000:1000 bar /tmp" ]
  start=$SECONDS
  pm stop -t 20 "$id" # SIGTERM reaches the trap: well before the 20 s timeout
  [ $((SECONDS - start)) -lt 10 ]
  [ "$(cid_status "$id")" = exited ]
  [ "$(pm inspect -f '{{.State.ExitCode}}' "$id")" = 0 ]
  pm rm "$id"
  [ -z "$(pm ps -a -q)" ]
  [ -z "$(berth_at "$E2E/berth-root" list -q)" ]
  [ ! -e "/sys/fs/cgroup/memory$(ctr_cgroup "$id")" ]
}

@test "podman run -t and exec -t get a terminal through --console-socket" {
  run script -qec "$E2E/bin/podman-e2e run --rm -t $CG $IMAGE sh -c 'tty; echo run-tty-ok'" /dev/null </dev/null
  [ "$status" -eq 0 ] && [[ "$output" == *"/dev/pts/0"* ]] && [[ "$output" == *run-tty-ok* ]]
  id=$(pm run -d "$CG" "$IMAGE" sleep 1000)
  run script -qec "$E2E/bin/podman-e2e exec -t $id sh -c 'test -t 0 && tty && echo exec-tty-ok'" /dev/null </dev/null
  [ "$status" -eq 0 ] && [[ "$output" == *"/dev/pts/"* ]] && [[ "$output" == *exec-tty-ok* ]]
}

@test "podman run --memory 64m --pids-limit 50: the limits are in the container's cgroup" {
  id=$(pm run -d "$CG" --memory 64m --pids-limit 50 "$IMAGE" sleep 1000)
  cg=$(ctr_cgroup "$id")
  [ "$(cgroup_file memory "$cg" memory.limit_in_bytes)" = 67108864 ]
  [ "$(cgroup_file pids "$cg" pids.max)" = 50 ]
  grep -q "^[0-9]*:memory:$cg\$" "/proc/$(pm inspect -f '{{.State.Pid}}' "$id")/cgroup"
  # Seen from inside (berth's cgroup mount) and enforced: the 50th fork fails.
  run pm exec "$id" cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max
  [ "${lines[0]}" = 67108864 ] && [ "${lines[1]}" = 50 ]
  run pm exec "$id" sh -c 'for i in $(seq 60); do sleep 100 & done'
  [[ "$output" == *"can't fork"* ]]
  [ "$(cgroup_file pids "$cg" pids.current)" -le 50 ]
  # podman update goes through `berth update --resources=FILE`.
  pm update --memory 128m "$id"
  [ "$(cgroup_file memory "$cg" memory.limit_in_bytes)" = 134217728 ]
}

@test "podman ps lists the running container, ps -a the exited one" {
  id=$(pm run -d --name e2e-ps "$CG" "$IMAGE" sleep 1000)
  run pm ps --format '{{.ID}} {{.Names}} {{.Status}}'
  [ "${#lines[@]}" -eq 1 ] && [[ "${lines[0]}" == "${id:0:12} e2e-ps Up "* ]]
  pm kill "$id" # SIGKILL by default
  [ "$(pm wait "$id")" = 137 ]
  [ -z "$(pm ps -q)" ]
  run pm ps -a --format '{{.Names}} {{.Status}}'
  [[ "$output" == "e2e-ps Exited (137)"* ]]
}

@test "podman pause / unpause freeze and thaw the container" {
  id=$(pm run -d "$CG" "$IMAGE" sleep 1000)
  cg=$(ctr_cgroup "$id")
  pm pause "$id"
  [ "$(cid_status "$id")" = paused ]
  [ "$(cgroup_file freezer "$cg" freezer.state)" = FROZEN ]
  [ "$(berth_at "$E2E/berth-root" state "$id" | jq -r .status)" = paused ]
  run pm ps -a --format '{{.Status}}'
  [ "$output" = Paused ]
  pm unpause "$id"
  [ "$(cid_status "$id")" = running ]
  [ "$(cgroup_file freezer "$cg" freezer.state)" = THAWED ]
  run pm exec "$id" echo thawed
  [ "$output" = thawed ]
}

@test "podman kill -s USR1 reaches the process; stop without a PID namespace is kill --all" {
  id=$(pm run -d "$CG" "$IMAGE" sh -c 'trap "echo got-usr1; exit 6" USR1; sleep 1000 & wait')
  pm kill -s USR1 "$id"
  [ "$(pm wait "$id")" = 6 ]
  [ "$(pm logs "$id")" = got-usr1 ]
  # --pid host: killing init is not enough, podman asks the runtime for every process.
  id=$(pm run -d --pid host "$CG" "$IMAGE" sh -c 'trap "exit 5" TERM; sleep 1000 & wait')
  pm stop -t 20 "$id"
  [ "$(pm inspect -f '{{.State.ExitCode}}' "$id")" = 5 ]
  grep -q "^kill --all $id 15\$" "$E2E_LOG"
}

@test "a container killed by the OOM killer is reported as such" {
  id=$(pm create "$CG" --memory 32m --memory-swap 32m "$IMAGE" \
    sh -c 'x=$(head -c 200000000 /dev/zero | tr "\0" a); echo survived')
  # podman 4.3 reads BUNDLE/oom, but conmon 2.1 (cgroup v1) creates "oom" in its working
  # directory, which is podman's (containers/podman#13102, fixed in podman 5 by
  # --persist-dir): start it from the bundle so that the two meet.
  bundle=$(pm inspect -f '{{.StaticDir}}' "$id")
  [ -d "$bundle" ]
  run sh -c "cd '$bundle' && exec '$E2E/bin/podman-e2e' start -a '$id'"
  [ "$status" -eq 137 ] && [[ "$output" != *survived* ]]
  [ "$(pm inspect -f '{{.State.OOMKilled}} {{.State.ExitCode}}' "$id")" = "true 137" ]
}

@test "every container's cgroup and berth state is gone" {
  pm rm -a -f -t 0
  run find /sys/fs/cgroup/ -maxdepth 3 -path "*/$E2E_NAME/libpod-*"
  [ -z "$output" ]
  [ -z "$(berth_at "$E2E/berth-root" list -q)" ]
}
