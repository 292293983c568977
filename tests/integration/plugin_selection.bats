#!/usr/bin/env bats
# How the core finds a backend: a cgroup driver NAME is whatever cgroup-NAME.so the plugin
# directory holds, and auto asks the installed cgroup plugins in the order they declare. The
# vendor's driver here (tests/plugins/cgroup_foo.c) is one the core has never heard of.

load helpers

setup() {
  setup_bundle
  mkdir -m 755 "$TEST_TMP/plugins"
  cp "$BERTH_TEST_VENDOR_PLUGIN_DIR/cgroup-foo.so" "$TEST_TMP/plugins/"
  export BERTH_PLUGIN_PATH=$TEST_TMP/plugins:$BERTH_PLUGIN_PATH
  # Where cgroup-foo puts a container's cgroup: at the root of the host's cgroup2 mount.
  if cgroup2_host; then FOO_ROOT=/sys/fs/cgroup; else FOO_ROOT=/sys/fs/cgroup/unified; fi
}

teardown() {
  if [ -d "$ROOT" ]; then
    for id in $("$BERTH" --root "$ROOT" list -q 2>/dev/null); do
      "$BERTH" --root "$ROOT" delete -f "$id" >/dev/null 2>&1 || true
    done
  fi
  rmdir "$FOO_ROOT/berth-foo-$ID" 2>/dev/null || true
  rm -rf "$TEST_TMP"
}

foo() { "$BERTH" --root "$ROOT" --cgroup-driver=foo "$@"; }

@test "a vendor's cgroup-foo.so in the plugin directory runs a container as --cgroup-driver=foo" {
  args sleep 100
  foo run -d -b "$BUNDLE" "$ID"
  pid=$(foo state "$ID" | jq -r .pid)
  # The kernel puts the container's init where the vendor's plugin said.
  grep -qx "0::/berth-foo-$ID" "/proc/$pid/cgroup"
  grep -qx "$pid" "$FOO_ROOT/berth-foo-$ID/cgroup.procs"
  # The record names the driver and its plugin; later commands load it again from there.
  jq -e '.cgroup.driver == "foo" and .cgroup.plugin == "cgroup-foo"' "$ROOT/$ID/state.json"
  foo pause "$ID"
  [ "$(cat "$FOO_ROOT/berth-foo-$ID/cgroup.freeze")" = 1 ]
  [ "$(foo state "$ID" | jq -r .status)" = paused ]
  foo resume "$ID"
  [ "$(foo ps --format json "$ID" | jq -c .)" = "[$pid]" ]
  # Commands given no --cgroup-driver find the container's driver in its record.
  "$BERTH" --root "$ROOT" delete -f "$ID"
  [ ! -e "$FOO_ROOT/berth-foo-$ID" ]
}

@test "a cgroup driver that is not installed fails in one line naming it and the directories searched" {
  run "$BERTH" --root "$ROOT" --cgroup-driver=bar create -b "$BUNDLE" "$ID"
  [ "$status" -ne 0 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ "$output" == *'cgroup driver "bar": plugin cgroup-bar.so not installed in '"$BERTH_PLUGIN_PATH (no package of berth's ships it)" ]]
  [ ! -e "$ROOT/$ID" ]
  run "$BERTH" --root "$ROOT" --cgroup-driver=../v1 create -b "$BUNDLE" "$ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *'invalid cgroup driver name "../v1"'* ]]
}

@test "auto picks the first driver that applies here and that asked to be picked, never the vendor's" {
  args true
  "$BERTH" --root "$ROOT" create -b "$BUNDLE" "$ID"
  if cgroup2_host; then want=v2; else want=v1; fi
  jq -e --arg d "$want" '.cgroup.driver == $d and .cgroup.plugin == "cgroup-\($d)"' \
    "$ROOT/$ID/state.json"
  [ ! -e "$FOO_ROOT/berth-foo-$ID" ]
}

@test "a systemd-form cgroupsPath goes to the driver that takes it, and is refused by one that does not" {
  config '.linux.cgroupsPath = "system.slice:berth:'"$ID"'"'
  run foo create -b "$BUNDLE" "$ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *'has the systemd form slice:prefix:name but the cgroup driver is "foo"'* ]]
  [ ! -e "$FOO_ROOT/berth-foo-$ID" ]
  args true
  # Not `run`: a created container's init would hold its output pipe open until teardown.
  status=0
  "$BERTH" --root "$ROOT" create -b "$BUNDLE" "$ID" </dev/null >"$TEST_TMP/create.out" 2>&1 ||
    status=$?
  output=$(cat "$TEST_TMP/create.out")
  mapfile -t lines <<<"$output"
  if [ -d /run/systemd/system ]; then
    [ "$status" -eq 0 ]
    jq -e '.cgroup.driver == "systemd"' "$ROOT/$ID/state.json"
  else
    # The reason is cgroup-systemd's own, from its entry point.
    [ "$status" -ne 0 ]
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == *"cgroup driver auto: no cgroup plugin in $BERTH_PLUGIN_PATH applies to this host for --systemd-cgroup or a systemd-form cgroupsPath"*"cgroup-systemd: systemd is not running on this host"* ]]
  fi
}
