#!/usr/bin/env bats
# podman and containerd checkpoint and restore a running container with berth as their
# runtime (issue 13): the engines' real calls, through tests/e2e's logging wrapper (its log
# is what tests/e2e/OBSERVED.md records). VM only: CRIU needs the VM's kernel. podman uses
# its systemd cgroup manager (berth gets --systemd-cgroup and a "slice:prefix:name" path),
# containerd's runc shim cgroupfs paths (berth's v2 driver): both drivers, one run.
# The engines' setups are tests/e2e/podman.bats' and containerd.bats' (private storage,
# config, sockets and namespace under one temp dir), less what this suite does not use.
# Not yet here: containerd's `ctr container checkpoint` (its runc shim pauses the container
# first, and berth refuses to checkpoint a paused one; runc dumps it, passing CRIU
# --freeze-cgroup, which berth's checkpoint request does not carry yet).

bats_require_minimum_version 1.5.0
load ../../../e2e/helpers

COUNTER='i=0; while :; do i=$((i + 1)); echo $i > /tmp/count; echo $i >> /tmp/log; sleep 0.2; done'

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
  # It counts on from memory: past BEFORE, and the log is 1..N without a restart (under TCG it
  # counts on a few before the host looks, so not "the next count is BEFORE+1").
  wait_for 60 count_above "$file" "$before"
  log=$(cat "${file%/count}/log")
  [ "$log" = "$(seq "$(wc -l <<<"$log")")" ] || { echo "not 1..N:" $log; return 1; }
  # podman's systemd cgroup manager: the restored process is in the container's scope.
  grep -q "^0::/machine.slice/.*$id.*\.scope\$" "/proc/$new/cgroup"
  calls checkpoint
  calls restore
  pm rm -f -t 0 "$id"
}
