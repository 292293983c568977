#!/usr/bin/env bats
# checkpoint and restore through CRIU (issue 13), with runc's flags and semantics: after a
# checkpoint without --leave-running the container is gone (runc destroys it) and `restore`
# makes it again under the same ID from the bundle, its processes from the image.
#
# VM only: the host's kernel fails `criu check`; the VM's Debian kernel passes it. The VM
# tier runs this file under the v2 driver (here) and under systemd
# (suites/systemd/checkpoint.bats is a link to this file): the restored process must land in
# the driver's cgroup or unit, with the limits, under both.
#
# A terminal container is not here: criu's command line cannot hand the restored pty's master
# back (runc's RPC orphan-pts-master), so berth refuses its restore before criu runs
# (checkpoint_refusals.bats).

load ../../../integration/helpers

# The counter every container runs: a count kept in the shell's memory, written to /data/count
# (a bind mount of the test's directory) so that the host reads it, and appended to /data/log.
# A process that restarted instead of being restored would write 1 first.
COUNTER='i=0; while :; do i=$((i + 1)); echo $i > /data/count; echo $i >> /data/log; sleep 0.2; done'

setup() {
  setup_bundle
  mkdir -p "$TEST_TMP/data"
  config --arg data "$TEST_TMP/data" \
    '.mounts += [{"destination": "/data", "type": "bind", "source": $data, "options": ["rbind", "rw"]}]'
  args sh -c "$COUNTER"
  # The unit systemd.bats checks (berth's default too; runc's differs).
  if [ "$(test_driver)" = systemd ]; then config '.linux.cgroupsPath = "system.slice:berth:'"$ID"'"'; fi
  IMG=$TEST_TMP/image
}

# wait_until SECONDS COMMAND...: poll until COMMAND succeeds.
wait_until() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    [ $SECONDS -lt $deadline ] || { echo "timed out: $*"; return 1; }
    sleep 0.1
  done
}

# The last count; empty while the shell is between truncating and writing the file.
count() { cat "$TEST_TMP/data/count" 2>/dev/null; }
count_above() { local c; c=$(count); [ -n "$c" ] && [ "$c" -gt "$1" ]; }
# The first count written after $1, once the file changes (a restarted counter writes 1).
next_count() {
  wait_until 60 count_changed "$1" >&2
  count
}
count_changed() { local c; c=$(count); [ -n "$c" ] && [ "$c" != "$1" ]; }
# counts_on BEFORE: the restored counter counts past BEFORE, and the log is 1, 2, ... without a
# gap or a restart: it went on from the count in memory. (Not "the next count is BEFORE+1":
# under TCG the counter is a few counts further before the host looks.)
counts_on() {
  wait_until 60 count_above "$1" >&2 || return 1
  local log
  log=$(cat "$TEST_TMP/data/log")
  [ "$log" = "$(seq "$(wc -l <<<"$log")")" ] || { echo "not 1..N:" $log; return 1; }
}

# One line, naming $1: the refusals' format.
one_line_naming() {
  [ "$status" -ne 0 ] || { echo "exit 0: $output"; return 1; }
  [ "${#lines[@]}" -eq 1 ] || { echo "not one line: $output"; return 1; }
  [[ "$output" == *"$1"* ]] || { echo "does not name $1: $output"; return 1; }
}

# on_pipe COMMAND...: COMMAND with its stdin, stdout and stderr on a pipe of the test's, as
# runc's own tests run containers to checkpoint: a detached container inherits the runtime's
# stdio, and CRIU restores a pipe that the runtime hands it (descriptors.json, inherit-fd),
# but not a file of the host outside the container's mounts (bats's output). What COMMAND
# wrote there is printed if it fails.
on_pipe() {
  local p rc=0
  exec {p}<> <(:)
  "$@" <&"$p" >&"$p" 2>&"$p" || rc=$?
  [ "$rc" -eq 0 ] || timeout 1 cat <&"$p" || true
  exec {p}>&-
  return "$rc"
}

restore() { on_pipe berth restore -d "$@" -b "$BUNDLE" "$ID"; }

start_counter() {
  on_pipe berth run -d "$@" -b "$BUNDLE" "$ID"
  PID=$(state_field "$ID" pid)
  wait_until 60 count_above 4
}

@test "checkpoint ends the container; restore brings it back under its ID, counting on from memory, with its bind mount, tmpfs, cgroup and memory limit" {
  config '.linux.resources += {"memory": {"limit": 67108864}}
          | .mounts += [{"destination": "/scratch", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "size=1m"]}]'
  args sh -c "echo only-in-the-tmpfs > /scratch/mark; $COUNTER"
  start_counter
  cg=$(cgroup_dir "$PID")
  [ "$(cat "$cg/memory.max")" = 67108864 ]

  berth checkpoint --image-path "$IMG" "$ID"
  wait_until 10 process_gone "$PID"
  # As runc: the checkpointed container no longer exists, its cgroup (or unit) is gone.
  run berth state "$ID"
  [ "$status" -ne 0 ]
  wait_until 10 test ! -e "$cg"
  [ -s "$IMG/inventory.img" ]
  before=$(count)
  sleep 1
  [ "$(count)" = "$before" ] # nothing counts while it is an image

  restore --image-path "$IMG"
  [ "$(state_field "$ID" status)" = running ]
  pid=$(state_field "$ID" pid)
  [ "$pid" != "$PID" ]
  # The count goes on from the value in memory, through the bind mount to the same host dir.
  counts_on "$before"
  # The tmpfs came back with what the process wrote into it before the checkpoint.
  [ "$(cat "/proc/$pid/root/scratch/mark")" = only-in-the-tmpfs ]
  grep -q ' /scratch .* - tmpfs ' "/proc/$pid/mountinfo"
  # The same cgroup as before, holding the new pid, with the limit.
  [ "$(cgroup_dir "$pid")" = "$cg" ]
  grep -qx "$pid" "$cg/cgroup.procs"
  [ "$(cat "$cg/memory.max")" = 67108864 ]
  if [ "$(test_driver)" = systemd ]; then
    unit=${cg##*/}
    [ "$(systemctl show -p ActiveState --value "$unit")" = active ]
    [ "$(systemctl show -p MemoryMax --value "$unit")" = 67108864 ]
  fi
  berth delete -f "$ID"
  assert_nothing_left "$ID"
}

@test "checkpoint --leave-running writes the image and the container runs on with its pid" {
  start_counter
  berth checkpoint --leave-running --image-path "$IMG" "$ID"
  [ "$(state_field "$ID" status)" = running ]
  [ "$(state_field "$ID" pid)" = "$PID" ]
  c=$(count)
  [ "$(next_count "$c")" -gt "$c" ]
  [ -s "$IMG/inventory.img" ]
  [ -s "$IMG/pstree.img" ]
  compgen -G "$IMG/pages-*.img" >/dev/null
}

@test "checkpoint --pre-dump leaves the container running; a dump with --parent-path on it restores" {
  start_counter
  berth checkpoint --pre-dump --image-path "$TEST_TMP/parent" "$ID"
  [ "$(state_field "$ID" status)" = running ]
  [ "$(state_field "$ID" pid)" = "$PID" ]
  compgen -G "$TEST_TMP/parent/pages-*.img" >/dev/null
  # --parent-path is relative to the image directory, as CRIU's --prev-images-dir.
  berth checkpoint --parent-path ../parent --image-path "$IMG" "$ID"
  [ "$(readlink "$IMG/parent")" = ../parent ]
  wait_until 10 process_gone "$PID"
  before=$(count)
  restore --image-path "$IMG"
  [ "$(state_field "$ID" status)" = running ]
  counts_on "$before"
}

@test "restore refuses a missing image path in one line, nothing left" {
  run berth restore -d --image-path "$TEST_TMP/none" -b "$BUNDLE" "$ID"
  one_line_naming "$TEST_TMP/none"
  assert_nothing_left "$ID"
}

@test "restore refuses an ID that exists in one line, the container stays as it was" {
  berth create -b "$BUNDLE" "$ID"
  pid=$(state_field "$ID" pid)
  mkdir "$IMG"
  run berth restore -d --image-path "$IMG" -b "$BUNDLE" "$ID"
  one_line_naming "$ID"
  [[ "$output" == *exist* ]]
  [ "$(state_field "$ID" status)" = created ]
  [ "$(state_field "$ID" pid)" = "$pid" ]
}

@test "checkpoint refuses a work path it cannot use in one line and the container runs on; the image does not restore into another container's bundle" {
  start_counter
  touch "$TEST_TMP/file"
  run berth checkpoint --image-path "$IMG" --work-path "$TEST_TMP/file/work" "$ID"
  one_line_naming "$TEST_TMP/file/work"
  [ "$(state_field "$ID" status)" = running ]
  [ "$(state_field "$ID" pid)" = "$PID" ]
  c=$(count)
  [ "$(next_count "$c")" -gt "$c" ]

  berth checkpoint --image-path "$IMG" "$ID"
  # Another container: same rootfs, without the bind mount the image's process has.
  mkdir "$TEST_TMP/other"
  jq 'del(.mounts[] | select(.destination == "/data"))' "$BUNDLE/config.json" > "$TEST_TMP/other/config.json"
  run berth restore -d --image-path "$IMG" -b "$TEST_TMP/other" "$ID-other"
  one_line_naming "$ID-other"
  assert_nothing_left "$ID-other"
  c=$(count)
  sleep 1
  [ "$(count)" = "$c" ] # no restored process counts
}
