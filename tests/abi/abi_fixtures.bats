#!/usr/bin/env bats
# Plugins of other ABI minors drive real containers through today's core (DESIGN.md, "The
# plugin ABI"): cgroup-v1.so rebuilt as a 1.0 plugin and as a plugin of the next minor works
# as the cgroup driver; a major-2 one is refused, naming the file. Each test installs one
# fixture as the only plugin of a private plugin directory (BERTH_PLUGIN_PATH). The fixtures
# are the cgroup v1 backend: this suite runs on hosts with v1 hierarchies (the build host).

load "$BERTH_SOURCE_DIR/tests/integration/helpers.bash"

# use_fixture NAME: ABI_FIXTURES/NAME/cgroup-v1.so is the only plugin berth finds.
use_fixture() {
  mkdir -m 755 "$TEST_TMP/plugins"
  install -m 644 "$ABI_FIXTURES/$1/cgroup-v1.so" "$TEST_TMP/plugins/cgroup-v1.so"
  export BERTH_PLUGIN_PATH=$TEST_TMP/plugins
  BERTH_DRIVER_ARGS=(--cgroup-driver=v1)
}

# The fixture (not an installed cgroup-v1.so) made the container's cgroup, which holds its init.
assert_driven_by() {
  local version
  version=$(jq -r .cgroup.plugin_version "$ROOT/$ID/state.json")
  [ "$version" = "$1" ] || { echo "state.json: cgroup plugin version $version, want $1"; return 1; }
  local pid dir
  pid=$(state_field "$ID" pid)
  dir=$(container_cgroup_dir "$ID" memory)
  grep -qx "$pid" "$dir/cgroup.procs" || { echo "init $pid not in $dir"; return 1; }
}

# create, start, ps, pause/resume, kill --all and delete through the fixture; then no cgroup.
drive_container() {
  args sleep 1000
  berth create -b "$BUNDLE" "$ID"
  berth start "$ID"
  assert_driven_by "$1"
  local pid
  pid=$(state_field "$ID" pid)
  run berth ps --format json "$ID"
  [ "$status" -eq 0 ] && [ "$output" = "[$pid]" ] || { echo "ps: $output"; return 1; }
  berth pause "$ID"
  [ "$(state_field "$ID" status)" = paused ]
  berth resume "$ID"
  berth kill --all "$ID" KILL
  for _ in $(seq 100); do [ "$(state_field "$ID" status)" = stopped ] && break; sleep 0.05; done
  [ "$(state_field "$ID" status)" = stopped ]
  berth delete "$ID"
  assert_nothing_left "$ID"
}

@test "a 1.0 cgroup plugin drives a container's whole life, the host reading nothing past its 1.0 tables" {
  use_fixture abi-1.0
  drive_container abi-1.0-fixture
}

@test "a 1.0 cgroup plugin has no enter_sub: exec --cgroup is refused naming it, the container unharmed" {
  use_fixture abi-1.0
  args sleep 1000
  berth create -b "$BUNDLE" "$ID"
  berth start "$ID"
  run berth exec --cgroup sub "$ID" true
  [ "$status" -ne 0 ]
  [[ "$output" == *"plugin cgroup-v1 cannot enter sub-cgroups"* ]] || { echo "$output"; false; }
  [[ "$output" != *"ABI fixture"* ]]
  [ "$(state_field "$ID" status)" = running ]
  berth delete -f "$ID"
  assert_nothing_left "$ID"
}

@test "a cgroup plugin of a newer minor (longer descriptor and ops table) is accepted, its extra members ignored" {
  use_fixture newer-minor
  drive_container abi-newer-minor-fixture
  # enter_sub, which it has (1.1 < its minor), is used.
  args sleep 1000
  berth create -b "$BUNDLE" "$ID"
  berth start "$ID"
  mkdir "$(container_cgroup_dir "$ID" memory)/sub"
  berth exec --cgroup memory:sub "$ID" true
  berth delete -f "$ID"
  assert_nothing_left "$ID"
}

@test "a major-2 cgroup plugin is refused, the message naming its file and ABI; nothing is left" {
  use_fixture major-2
  run berth create -b "$BUNDLE" "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *"plugin $TEST_TMP/plugins/cgroup-v1.so: built for plugin ABI 2.0, this berth speaks 1.x"* ]] ||
    { echo "$output"; false; }
  [ "$(echo "$output" | wc -l)" -eq 1 ]
  assert_nothing_left "$ID"
}
