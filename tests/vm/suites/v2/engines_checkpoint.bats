#!/usr/bin/env bats
# podman and containerd checkpoint and restore a running container with berth as their
# runtime (issue 13): the engines' real calls, through tests/e2e's logging wrapper (its log
# is what tests/e2e/OBSERVED.md records). VM only: CRIU needs the VM's kernel. podman uses
# its systemd cgroup manager (berth gets --systemd-cgroup and a "slice:prefix:name" path),
# containerd's runc shim cgroupfs paths (berth's v2 driver): both drivers, one run.
# The engines' setups are tests/e2e/podman.bats' and containerd.bats' (private storage,
# config, sockets and namespace under one temp dir), less what this suite does not use.

bats_require_minimum_version 1.5.0
load ../../../e2e/helpers

COUNTER='i=0; while :; do i=$((i + 1)); echo $i > /tmp/count; sleep 0.2; done'

setup_file() {
  need_engine podman
  need_engine containerd
  need_engine criu
  e2e_setup_file engines_checkpoint
  setup_podman
  setup_containerd
}

setup_podman() {
  local p=$E2E/podman
  mkdir -p "$p"/{storage,runroot,tmp,cni,imgtmp}
  cat > "$p/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
netns = "none"

[network]
network_config_dir = "$p/cni"

[engine]
cgroup_manager = "systemd"
events_logger = "file"
lock_type = "file"
runtime = "berth"
runtime_supports_json = ["crun", "runc", "berth"]
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
  tar --numeric-owner -C "$E2E/bundle/rootfs" -cf "$E2E/rootfs.tar" .
  pm import -q "$E2E/rootfs.tar" "$IMAGE" >/dev/null
}

setup_containerd() {
  local c=$E2E/containerd
  mkdir -p "$c/tmp"
  cat > "$c/config.toml" <<EOF
version = 2
root = "$c/root"
state = "$c/state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.aufs",
  "io.containerd.snapshotter.v1.devmapper"]

[grpc]
  address = "$c/containerd.sock"

[ttrpc]
  address = "$c/containerd.sock.ttrpc"

[debug]
  address = ""

[metrics]
  address = ""

[plugins."io.containerd.internal.v1.opt"]
  path = "$c/opt"
EOF
  TMPDIR=$c/tmp containerd --config "$c/config.toml" >"$c/containerd.log" 2>&1 3>&- &
  echo $! > "$c/containerd.pid"
  wait_for 60 ctr version >/dev/null 2>&1 || { cat "$c/containerd.log"; return 1; }
  "$BERTH_SOURCE_DIR/tests/e2e/make-oci-image.sh" "$E2E/bundle/rootfs" "$E2E/image.tar" "$IMAGE"
  ctr image import "$E2E/image.tar" >/dev/null
}

teardown_file() {
  [ -n "${E2E:-}" ] || return 0
  # What the engines called, into the TAP (the VM's results) for tests/e2e/OBSERVED.md.
  [ ! -s "$E2E_LOG" ] || sed 's/^/# observed: /' "$E2E_LOG" >&3
  pm rm -a -f -t 0 >/dev/null 2>&1 || true
  local id pid
  if [ -f "$E2E/containerd/containerd.pid" ]; then
    for id in $(ctr container ls -q 2>/dev/null); do
      ctr task kill -a -s SIGKILL "$id" >/dev/null 2>&1 || true
      ctr task delete -f "$id" >/dev/null 2>&1 || true
      ctr container delete "$id" >/dev/null 2>&1 || true
    done
    pid=$(cat "$E2E/containerd/containerd.pid")
    kill -TERM "$pid" 2>/dev/null || true
  fi
  e2e_teardown_file
  # The shim's cgroups on v2: /NAMESPACE/ID below the root (e2e_teardown_file knows v1's).
  [ ! -d "/sys/fs/cgroup/$E2E_NAME" ] || find "/sys/fs/cgroup/$E2E_NAME" -depth -type d -exec rmdir {} + || true
}

pm() {
  CONTAINERS_CONF=$E2E/podman/containers.conf CONTAINERS_STORAGE_CONF=$E2E/podman/storage.conf \
    TMPDIR=$E2E/podman/tmp podman --root "$E2E/podman/storage" --runroot "$E2E/podman/runroot" \
    --tmpdir "$E2E/podman/tmp" "$@"
}
ctr() {
  TMPDIR=$E2E/containerd/tmp command ctr --address "$E2E/containerd/containerd.sock" \
    --namespace "$E2E_NAME" "$@"
}

# count FILE: the counter's last value; empty between truncating and writing.
count_in() { cat "$1" 2>/dev/null; }
count_above() { local c; c=$(count_in "$1"); [ -n "$c" ] && [ "$c" -gt "$2" ]; }
count_changed() { local c; c=$(count_in "$1"); [ -n "$c" ] && [ "$c" != "$2" ]; }
# next_count FILE BEFORE: the first value written after BEFORE (a restarted counter writes 1).
next_count() {
  wait_for 60 count_changed "$1" "$2" || { echo "$1 stays at $2" >&2; return 1; }
  count_in "$1"
}
# The runtime's command lines the engine passed, of COMMAND.
calls() { grep -E "(^| )$1( |\$)" "$E2E_LOG"; }

@test "podman container checkpoint and restore: the container counts on from memory with a new pid, in a systemd scope" {
  id=$(pm run -d "$IMAGE" sh -c "$COUNTER")
  pid=$(pm inspect -f '{{.State.Pid}}' "$id")
  # The container's writable layer: the count survives the rootfs being unmounted.
  file=$(pm inspect -f '{{.GraphDriver.Data.UpperDir}}' "$id")/tmp/count
  wait_for 60 count_above "$file" 4
  pm container checkpoint "$id"
  [ "$(pm inspect -f '{{.State.Status}}' "$id")" = exited ]
  wait_for 10 test ! -e "/proc/$pid"
  before=$(count_in "$file")
  pm container restore "$id"
  [ "$(pm inspect -f '{{.State.Status}}' "$id")" = running ]
  new=$(pm inspect -f '{{.State.Pid}}' "$id")
  [ "$new" != "$pid" ]
  [ "$(next_count "$file" "$before")" -eq $((before + 1)) ]
  # podman's systemd cgroup manager: the restored process is in the container's scope.
  grep -q "^0::/machine.slice/.*$id.*\.scope\$" "/proc/$new/cgroup"
  calls checkpoint
  calls restore
  pm rm -f -t 0 "$id"
}

@test "ctr checkpoints a task through the runc shim pointed at berth and restores it: it counts on from memory" {
  runc=(--runc-binary="$E2E/bin/berth" --runc-root="$E2E/runc-root")
  # Output to a file through the shim's pipes: CRIU restores the container's pipes (runc's
  # descriptors.json), not a /dev/null of the host (--null-io) it cannot see.
  ctr run -d --log-uri "file://$E2E/e2e-ck.out" "${runc[@]}" "$IMAGE" e2e-ck sh -c "$COUNTER"
  pid=$(ctr task ls | awk '$1 == "e2e-ck" {print $2}')
  wait_for 60 count_above "/proc/$pid/root/tmp/count" 4
  # A checkpoint image in containerd's store (spec, runtime, task): the shim checkpoints
  # with the container running on.
  ctr container checkpoint --task e2e-ck e2e-ck-checkpoint
  [ "$(ctr task ls | awk '$1 == "e2e-ck" {print $3}')" = RUNNING ]
  ctr task kill -s SIGKILL e2e-ck
  wait_for 30 test ! -e "/proc/$pid"
  ctr task delete e2e-ck
  ctr container delete e2e-ck
  # The image's task was dumped at some count; restored, it goes on from there.
  ctr container restore --live e2e-ck e2e-ck-checkpoint
  [ "$(ctr task ls | awk '$1 == "e2e-ck" {print $3}')" = RUNNING ]
  new=$(ctr task ls | awk '$1 == "e2e-ck" {print $2}')
  [ "$new" != "$pid" ]
  file=/proc/$new/root/tmp/count
  first=$(count_in "$file")
  [ "$(next_count "$file" "$first")" -gt 5 ] # a fresh start would count 1, 2, ...
  grep -q "^0::/$E2E_NAME/e2e-ck\$" "/proc/$new/cgroup"
  # ctr tasks checkpoint --exit: the shim's checkpoint without --leave-running ends the task.
  ctr tasks checkpoint --exit --image-path "$E2E/ck-image" --work-path "$E2E/ck-work" e2e-ck
  [ -s "$E2E/ck-image/inventory.img" ]
  wait_for 30 test ! -e "/proc/$new"
  calls checkpoint
  calls restore
}
