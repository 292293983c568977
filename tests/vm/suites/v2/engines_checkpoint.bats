#!/usr/bin/env bats
# podman checkpoints and restores a running container with berth as its runtime (issue 13):
# the engine's real calls, through tests/e2e's logging wrapper (its log is what
# tests/e2e/OBSERVED.md records). VM only: CRIU needs the VM's kernel. podman uses its
# systemd cgroup manager (berth gets --systemd-cgroup and a "slice:prefix:name" path).
# The setup is tests/e2e/podman.bats' (private storage and config under one temp dir).
# Not yet here: containerd's `ctr container checkpoint` (its runc shim pauses the container
# first, and berth refuses to checkpoint a paused one; runc dumps it, passing CRIU
# --freeze-cgroup, which berth's checkpoint request does not carry yet).

bats_require_minimum_version 1.5.0
load ../../../e2e/helpers

COUNTER='i=0; while :; do i=$((i + 1)); echo $i > /tmp/count; echo $i >> /tmp/log; sleep 0.2; done'

setup_file() {
  need_engine podman
  need_engine criu
  e2e_setup_file engines_checkpoint
  setup_podman
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

teardown_file() {
  [ -n "${E2E:-}" ] || return 0
  # What the engines called, into the TAP (the VM's results) for tests/e2e/OBSERVED.md.
  [ ! -s "$E2E_LOG" ] || sed 's/^/# observed: /' "$E2E_LOG" >&3
  pm rm -a -f -t 0 >/dev/null 2>&1 || true
  e2e_teardown_file
}

pm() {
  CONTAINERS_CONF=$E2E/podman/containers.conf CONTAINERS_STORAGE_CONF=$E2E/podman/storage.conf \
    TMPDIR=$E2E/podman/tmp podman --root "$E2E/podman/storage" --runroot "$E2E/podman/runroot" \
    --tmpdir "$E2E/podman/tmp" "$@"
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
