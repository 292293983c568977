#!/usr/bin/env bats
# containerd 1.6 drives berth through its runc shim (io.containerd.runc.v2, BinaryName =
# berth via `ctr run --runc-binary`). The test starts its own containerd: its own config,
# root, state and sockets under a temp dir, the CRI plugin off, images imported from an OCI
# layout built by hand.

# shellcheck disable=SC2086 # $RUNC is the two shim flags, split on purpose
bats_require_minimum_version 1.5.0
load helpers

setup_file() {
  need_engine containerd
  need_engine ctr
  need_engine containerd-shim-runc-v2
  e2e_setup_file containerd
  local c=$E2E/containerd
  mkdir -p "$c"
  # The shim keeps its sockets in /run/containerd/s and ctr its fifos in
  # /run/containerd/fifo, whatever the config says: remove them after if they are ours.
  [ -e /run/containerd ] || touch "$E2E/made-run-containerd"
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
  # TMPDIR: the shim's --process files and console sockets, ctr's fifos and import.
  mkdir -p "$c/tmp"
  TMPDIR=$c/tmp containerd --config "$c/config.toml" >"$c/containerd.log" 2>&1 3>&- &
  echo $! > "$c/containerd.pid"
  cat > "$E2E/bin/ctr-e2e" <<EOF
#!/bin/sh
export TMPDIR='$c/tmp'
exec ctr --address '$c/containerd.sock' --namespace '$E2E_NAME' "\$@"
EOF
  chmod 755 "$E2E/bin/ctr-e2e"
  wait_for 30 ctr version >/dev/null 2>&1 || { cat "$c/containerd.log"; return 1; }
  # The runc shim, told to run berth with a private root (it adds the namespace).
  RUNC="--runc-binary=$E2E/bin/berth --runc-root=$E2E/runc-root"
  export RUNC
  "$BATS_TEST_DIRNAME/make-oci-image.sh" "$E2E/bundle/rootfs" "$E2E/image.tar" "$IMAGE"
  ctr image import "$E2E/image.tar" >/dev/null
}

teardown_file() {
  local pid made_run=false
  [ -e "${E2E:-/nonexistent}/made-run-containerd" ] && made_run=true
  if [ -n "${E2E:-}" ] && [ -f "$E2E/containerd/containerd.pid" ]; then
    remove_containers
    ctr image rm "$IMAGE" >/dev/null 2>&1 || true
    pid=$(cat "$E2E/containerd/containerd.pid")
    kill -TERM "$pid" 2>/dev/null || true
    wait_for 10 process_gone "$pid" || kill -KILL "$pid" 2>/dev/null || true
  fi
  e2e_teardown_file
  if $made_run; then
    rmdir /run/containerd/fifo /run/containerd/s /run/containerd 2>/dev/null || true
  fi
}

teardown() {
  remove_containers
}

ctr() { "$E2E/bin/ctr-e2e" "$@"; }

process_gone() { [ ! -e "/proc/$1" ]; }

# Kill and delete every task and container of our namespace.
remove_containers() {
  local id
  for id in $(ctr container ls -q 2>/dev/null); do
    ctr task kill -a -s SIGKILL "$id" >/dev/null 2>&1 || true
    wait_for 10 task_stopped_or_gone "$id" || true
    ctr task delete -f "$id" >/dev/null 2>&1 || true
    ctr container delete "$id" >/dev/null 2>&1 || true
  done
}

task_status() { ctr task ls | awk -v id="$1" '$1 == id {print $3}'; }
task_stopped() { [ "$(task_status "$1")" = STOPPED ]; }
task_stopped_or_gone() { [[ "$(task_status "$1")" =~ ^(STOPPED)?$ ]]; }

at_least_lines() { [ "$(wc -l < "$2")" -ge "$1" ]; }

# The shim's root for our namespace.
shim_root() { echo "$E2E/runc-root/$E2E_NAME"; }

@test "ctr image import takes the OCI layout built by hand" {
  run ctr image ls -q
  [ "$status" -eq 0 ]
  [ "$output" = "$IMAGE" ]
  run ctr image check
  [[ "$output" == *"$IMAGE"*complete* ]]
}

@test "ctr run --rm IMAGE echo hello, through the runc shim pointed at berth" {
  run ctr run --rm $RUNC "$IMAGE" e2e-hello echo hello </dev/null
  [ "$status" -eq 0 ]
  [ "$output" = hello ]
  run -3 ctr run --rm $RUNC "$IMAGE" e2e-exit sh -c 'exit 3' </dev/null
  [ -z "$(ctr container ls -q)" ]
  [ -z "$(berth_at "$(shim_root)" list -q)" ]
  # The shim's last word is `delete --force` of an ID that is already gone: exit 0, as runc.
  grep -q "^--root $(shim_root) --log .* --log-format json delete --force e2e-hello\$" "$E2E_LOG"
  berth_at "$(shim_root)" delete --force e2e-hello
}

@test "ctr run -d, ctr task exec, ctr task ps, ctr task kill" {
  ctr run -d --null-io $RUNC "$IMAGE" e2e-task sh -c 'trap "exit 0" TERM; sleep 1000 & wait'
  [ "$(task_status e2e-task)" = RUNNING ]
  pid=$(ctr task ls | awk '$1 == "e2e-task" {print $2}')
  run ctr task exec --exec-id e1 e2e-task sh -c 'echo exec-ok; grep memory /proc/self/cgroup' </dev/null
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = exec-ok ]
  [ "${lines[1]#*:memory:}" = "/$E2E_NAME/e2e-task" ]
  run -4 ctr task exec --exec-id e2 e2e-task sh -c 'exit 4' </dev/null
  run ctr task ps e2e-task
  [[ "$output" == *"$pid"* ]]
  ctr task kill e2e-task # SIGTERM
  wait_for 10 task_stopped e2e-task
  ctr task delete e2e-task
  ctr container delete e2e-task
  [ -z "$(berth_at "$(shim_root)" list -q)" ]
  [ ! -e "/sys/fs/cgroup/memory/$E2E_NAME/e2e-task" ]
}

@test "ctr run --memory-limit --cpus: the limits are in the container's cgroup" {
  ctr run -d --null-io $RUNC --memory-limit 67108864 --cpus 0.5 "$IMAGE" e2e-limits sleep 1000
  cg=/$E2E_NAME/e2e-limits
  [ "$(cgroup_file memory "$cg" memory.limit_in_bytes)" = 67108864 ]
  [ "$(cgroup_file cpu "$cg" cpu.cfs_quota_us)" = 50000 ]
  [ "$(cgroup_file cpu "$cg" cpu.cfs_period_us)" = 100000 ]
  pid=$(ctr task ls | awk '$1 == "e2e-limits" {print $2}')
  grep -q "^[0-9]*:memory:$cg\$" "/proc/$pid/cgroup"
}

@test "ctr task pause / resume freeze and thaw the container" {
  ctr run -d --null-io $RUNC "$IMAGE" e2e-pause sleep 1000
  ctr task pause e2e-pause
  [ "$(task_status e2e-pause)" = PAUSED ]
  [ "$(cgroup_file freezer "/$E2E_NAME/e2e-pause" freezer.state)" = FROZEN ]
  ctr task resume e2e-pause
  [ "$(task_status e2e-pause)" = RUNNING ]
  [ "$(cgroup_file freezer "/$E2E_NAME/e2e-pause" freezer.state)" = THAWED ]
}

@test "ctr task kill --all reaches every process of the container" {
  ctr run -d --null-io $RUNC "$IMAGE" e2e-all sh -c 'sleep 1000 & sleep 1000'
  procs=/sys/fs/cgroup/pids/$E2E_NAME/e2e-all/cgroup.procs
  wait_for 5 at_least_lines 2 "$procs"
  ctr task kill --all -s SIGKILL e2e-all
  wait_for 10 task_stopped e2e-all
  wait_for 5 test ! -s "$procs"
  grep -q "kill --all e2e-all 9\$" "$E2E_LOG"
}

@test "ctr run -t and ctr task exec -t get a terminal through --console-socket" {
  run script -qec "$E2E/bin/ctr-e2e run --rm -t $RUNC $IMAGE e2e-tty sh -c 'tty; echo run-tty-ok'" /dev/null </dev/null
  [ "$status" -eq 0 ]
  [[ "$output" == *"/dev/pts/0"* ]]
  [[ "$output" == *run-tty-ok* ]]
  ctr run -d --null-io $RUNC "$IMAGE" e2e-exec-tty sleep 1000
  run script -qec "$E2E/bin/ctr-e2e task exec -t --exec-id t1 e2e-exec-tty sh -c 'test -t 0 && tty && echo exec-tty-ok'" /dev/null </dev/null
  [ "$status" -eq 0 ]
  [[ "$output" == *"/dev/pts/"* ]]
  [[ "$output" == *exec-tty-ok* ]]
}

@test "berth's errors reach ctr through the shim's --log JSON" {
  run -1 ctr run --rm $RUNC "$IMAGE" e2e-missing /nonexistent </dev/null
  [[ "$output" == *'OCI runtime create failed'*'exec: "/nonexistent"'* ]]
  # As runc (Go's exec.LookPath): an existing file without execute bits is EACCES.
  run -1 ctr run --rm $RUNC "$IMAGE" e2e-noexec /etc/passwd </dev/null
  [[ "$output" == *'exec: "/etc/passwd": '[Pp]'ermission denied'* ]]
  [ -z "$(berth_at "$(shim_root)" list -q)" ]
}

@test "every container's cgroup and berth state is gone" {
  remove_containers
  run find /sys/fs/cgroup/ -mindepth 3 -maxdepth 3 -path "*/$E2E_NAME/*" -type d
  [ -z "$output" ]
  [ -z "$(berth_at "$(shim_root)" list -q 2>/dev/null)" ]
}
