#!/usr/bin/env bats
# checkpoint and restore refused before anything is touched: without criu.so, with a criu
# whose `criu check` fails, and for bad input. Each is one line on stderr (exit 1); a running
# container goes on running with its state, a refused restore leaves no state dir, cgroup or
# mount. (A real dump and restore needs a kernel where `criu check` passes: the VM tier,
# tests/vm/suites/v2/checkpoint.bats.)

load helpers

expect_refusal() { # expect_refusal "message part" berth args...
  local want=$1
  shift
  run berth "$@"
  [ "$status" -eq 1 ] || { echo "exit $status: $output"; return 1; }
  [ "${#lines[@]}" -eq 1 ] || { echo "more than one line: $output"; return 1; }
  [[ "$output" == "berth: "*"$want"* ]] || { echo "got: $output"; return 1; }
}

setup() {
  setup_bundle
  args sleep 1000
  # A criu whose check fails the way this host's does (a kernel criu cannot use), and one that
  # passes check and would record any other call: the refusals must come before either runs.
  FAILING_CRIU=$TEST_TMP/criu-failing
  printf '#!/bin/sh\necho "Error (criu/kerndat.c:1615): kerndat_vdso_fill_symtable failed when initializing kerndat." >&2\nexit 1\n' > "$FAILING_CRIU"
  WORKING_CRIU=$TEST_TMP/criu-working
  printf '#!/bin/sh\n[ "$1" = check ] && { echo "Looks good."; exit 0; }\necho "$@" >> %s/criu-called\nexit 1\n' "$TEST_TMP" > "$WORKING_CRIU"
  chmod 755 "$FAILING_CRIU" "$WORKING_CRIU"
}

run_container() {
  berth run -d -b "$BUNDLE" "$ID" < /dev/null
  PID=$(state_field "$ID" pid)
}

# The container is as it was: running, same init.
assert_untouched() {
  [ "$(state_field "$ID" status)" = running ]
  [ "$(state_field "$ID" pid)" = "$PID" ]
  [ ! -e "$TEST_TMP/criu-called" ] || { echo "criu ran: $(cat "$TEST_TMP/criu-called")"; return 1; }
}

# An image as a dump leaves it, as far as berth reads it before criu: criu's inventory.img
# and berth's record of the container (ID, root).
fake_image() { # fake_image DIR ID ROOTFS
  mkdir -p "$1"
  : > "$1/inventory.img"
  jq -n --arg id "$2" --arg root "$3" '{id: $id, rootfs: $root}' > "$1/berth-checkpoint.json"
}

@test "checkpoint and restore without criu.so name the package berth-plugin-criu" {
  mkdir -m 755 "$TEST_TMP/plugins"
  cp "$BERTH_PLUGIN_PATH"/cgroup-*.so "$TEST_TMP/plugins/"
  run_container
  BERTH_PLUGIN_PATH=$TEST_TMP/plugins expect_refusal \
    "checkpoint $ID: plugin criu.so not installed in $TEST_TMP/plugins (package berth-plugin-criu)" \
    --criu "$WORKING_CRIU" checkpoint --image-path "$TEST_TMP/image" "$ID"
  assert_untouched
  [ ! -e "$TEST_TMP/image" ]
  fake_image "$TEST_TMP/old" other "$(readlink -f "$ROOTFS_DIR/rootfs")"
  BERTH_PLUGIN_PATH=$TEST_TMP/plugins expect_refusal \
    "restore new$ID: plugin criu.so not installed in $TEST_TMP/plugins (package berth-plugin-criu)" \
    --criu "$WORKING_CRIU" restore --image-path "$TEST_TMP/old" -b "$BUNDLE" "new$ID"
  assert_nothing_left "new$ID"
}

@test "a criu whose check fails refuses checkpoint and restore with criu's own reason" {
  run_container
  expect_refusal "checkpoint $ID: criu is not usable here: $FAILING_CRIU check failed (exit status 1): Error (criu/kerndat.c:1615): kerndat_vdso_fill_symtable failed" \
    --criu "$FAILING_CRIU" checkpoint --image-path "$TEST_TMP/image" "$ID"
  assert_untouched
  [ ! -e "$TEST_TMP/image" ]
  fake_image "$TEST_TMP/old" other "$(readlink -f "$ROOTFS_DIR/rootfs")"
  expect_refusal "restore new$ID: criu is not usable here: $FAILING_CRIU check failed" \
    --criu "$FAILING_CRIU" restore --image-path "$TEST_TMP/old" -b "$BUNDLE" "new$ID"
  assert_nothing_left "new$ID"
}

@test "a --criu that does not exist is refused as not usable" {
  run_container
  expect_refusal "checkpoint $ID: criu is not usable here: $TEST_TMP/no-criu check failed (exit status 127): exec $TEST_TMP/no-criu: No such file or directory" \
    --criu "$TEST_TMP/no-criu" checkpoint --image-path "$TEST_TMP/image" "$ID"
  assert_untouched
}

@test "restore without an image (no --image-path, no ./checkpoint) is refused" {
  cd "$TEST_TMP"
  expect_refusal "restore $ID: image path $TEST_TMP/checkpoint: No such file or directory" \
    --criu "$WORKING_CRIU" restore -b "$BUNDLE" "$ID"
  assert_nothing_left "$ID"
  mkdir "$TEST_TMP/empty"
  expect_refusal "restore $ID: image path $TEST_TMP/empty holds no checkpoint (inventory.img)" \
    --criu "$WORKING_CRIU" restore --image-path "$TEST_TMP/empty" -b "$BUNDLE" "$ID"
  assert_nothing_left "$ID"
}

@test "restore of an ID that exists is refused and the container is untouched" {
  run_container
  fake_image "$TEST_TMP/old" "$ID" "$(readlink -f "$ROOTFS_DIR/rootfs")"
  expect_refusal "restore $ID: container with id $ID already exists" \
    --criu "$WORKING_CRIU" restore --image-path "$TEST_TMP/old" -b "$BUNDLE" "$ID"
  assert_untouched
}

@test "a work path that cannot be a directory is refused before criu runs" {
  run_container
  : > "$TEST_TMP/file"
  expect_refusal "checkpoint $ID: work path $TEST_TMP/file/work: Not a directory" \
    --criu "$WORKING_CRIU" checkpoint --image-path "$TEST_TMP/image" --work-path "$TEST_TMP/file/work" "$ID"
  assert_untouched
  [ ! -e "$TEST_TMP/image" ]
  expect_refusal "checkpoint $ID: work path $TEST_TMP/file: Not a directory" \
    --criu "$WORKING_CRIU" checkpoint --image-path "$TEST_TMP/image" --work-path "$TEST_TMP/file" "$ID"
  assert_untouched
  fake_image "$TEST_TMP/old" "other" "/elsewhere"
  expect_refusal "restore new$ID: work path $TEST_TMP/nowhere: No such file or directory" \
    --criu "$WORKING_CRIU" restore --image-path "$TEST_TMP/old" --work-path "$TEST_TMP/nowhere" -b "$BUNDLE" "new$ID"
  assert_nothing_left "new$ID"
}

@test "an image of another container (other ID, other root) is refused" {
  fake_image "$TEST_TMP/old" other /elsewhere/rootfs
  expect_refusal "restore $ID: image path $TEST_TMP/old holds container other (root /elsewhere/rootfs), not $ID" \
    --criu "$WORKING_CRIU" restore --image-path "$TEST_TMP/old" -b "$BUNDLE" "$ID"
  assert_nothing_left "$ID"
  [ ! -e "$TEST_TMP/criu-called" ]
}

@test "checkpoint of a container that is not running is refused" {
  berth create -b "$BUNDLE" "$ID" < /dev/null
  expect_refusal "checkpoint $ID: container is created, not running" \
    --criu "$WORKING_CRIU" checkpoint --image-path "$TEST_TMP/image" "$ID"
  [ "$(state_field "$ID" status)" = created ]
  [ ! -e "$TEST_TMP/image" ]
  expect_refusal "checkpoint nosuch$ID: container nosuch$ID does not exist" \
    --criu "$WORKING_CRIU" checkpoint --image-path "$TEST_TMP/image" "nosuch$ID"
}

@test "restore --manage-cgroups-mode takes runc's modes only" {
  run berth restore --manage-cgroups-mode hard -b "$BUNDLE" "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *"--manage-cgroups-mode: hard is not soft, full, strict or ignore"* ]]
  assert_nothing_left "$ID"
}

@test "restore of a terminal container is refused before criu runs: criu's command line cannot hand back the pty" {
  config '.process.terminal = true'
  fake_image "$TEST_TMP/old" "$ID" "$(readlink -f "$ROOTFS_DIR/rootfs")"
  expect_refusal "restore $ID: process.terminal: a terminal container cannot be restored through criu's command line" \
    --criu "$WORKING_CRIU" restore --image-path "$TEST_TMP/old" --console-socket "$TEST_TMP/console.sock" -b "$BUNDLE" "$ID"
  assert_nothing_left "$ID"
  [ ! -e "$TEST_TMP/criu-called" ]
}
