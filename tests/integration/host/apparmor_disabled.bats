#!/usr/bin/env bats
# process.apparmorProfile on a host whose kernel does not enforce AppArmor (this tier's): the
# plugin loads, and refuses every profile at create or exec with the reason, leaving nothing.
# The VM tier, with AppArmor on, has the other side (tests/vm/suites/v2/apparmor.bats).

load ../helpers

expect_refusal() { # expect_refusal STATUS "message part" berth-args...
  local code=$1 want=$2; shift 2
  run berth "$@"
  [ "$status" -eq "$code" ] || { echo "exit $status: $output"; return 1; }
  [ "${#lines[@]}" -eq 1 ] || { echo "more than one line: $output"; return 1; }
  [[ "$output" == "berth: "*"$want"* ]] || { echo "got: $output"; return 1; }
}

setup_file() {
  # What the plugin reads: no module, or a kernel that booted another major LSM.
  if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ]; then
    echo "this suite is for hosts without AppArmor; the VM tier covers AppArmor" >&2
    return 1
  fi
  export ROOTFS_DIR
  ROOTFS_DIR=$(mktemp -d /tmp/berth-it-rootfs.XXXXXX)
  chmod 755 "$ROOTFS_DIR"
  BERTH="$BERTH" "$BERTH_SOURCE_DIR/scripts/make-bundle.sh" "$ROOTFS_DIR" true >/dev/null
}

@test "an AppArmor profile on a host without AppArmor is refused at create, nothing left" {
  for profile in berth-test unconfined; do
    config --arg p "$profile" '.process.apparmorProfile = $p'
    expect_refusal 1 "create $ID: process.apparmorProfile \"$profile\": AppArmor is not enabled on this host" \
      create -b "$BUNDLE" "$ID"
    assert_nothing_left "$ID"
  done
  expect_refusal 1 "process.apparmorProfile \"unconfined\": AppArmor is not enabled on this host" \
    run -b "$BUNDLE" "$ID"
  assert_nothing_left "$ID"
}

@test "exec --apparmor on a host without AppArmor fails with 255 and leaves the container be" {
  args sleep 100
  berth run -d -b "$BUNDLE" "$ID"
  expect_refusal 255 'process.apparmorProfile "berth-test": AppArmor is not enabled on this host' \
    exec --apparmor berth-test "$ID" true
  echo '{"args": ["true"], "cwd": "/", "user": {"uid": 0, "gid": 0}, "apparmorProfile": "berth-test"}' \
    > "$TEST_TMP/process.json"
  expect_refusal 255 'process.apparmorProfile "berth-test": AppArmor is not enabled on this host' \
    exec --process "$TEST_TMP/process.json" "$ID"
  [ "$(state_field "$ID" status)" = running ]
  run berth exec "$ID" echo still here
  [ "$status" -eq 0 ]
  [ "$output" = "still here" ]
}

@test "features: the AppArmor plugin loads, apparmor.enabled is false" {
  features=$(berth features 2>/dev/null)
  jq -e '.linux.apparmor.enabled == false' <<<"$features"
  jq -e '.["org.berth"] | .pluginAbi as $abi | .plugins[] | select(.name == "apparmor")
         | .loadable and .kind == "lsm" and .abi == $abi' <<<"$features"
}
