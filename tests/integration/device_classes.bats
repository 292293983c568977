#!/usr/bin/env bats
# Devices by class: the annotation berth.devices = "VENDOR/CLASS,..." asks the device plugin
# device-VENDOR.so which host devices a class is; the container gets their nodes and the
# cgroup rules to use them, through the driver in use. The vendor here, "test"
# (tests/plugins/device_test.c), has one real class (kmsg: /dev/kmsg, c 1:11, which runc's
# default rules do not allow) and each way a plugin can be wrong.

load helpers
bats_require_minimum_version 1.5.0

setup() {
  setup_bundle
  mkdir -m 755 "$TEST_TMP/plugins"
  cp "$BERTH_TEST_VENDOR_PLUGIN_DIR/device-test.so" "$TEST_TMP/plugins/"
  export BERTH_PLUGIN_PATH=$TEST_TMP/plugins:$BERTH_PLUGIN_PATH
}

devices() { config --arg v "$1" '.annotations["berth.devices"] = $v'; }

# A create refused in one line that holds each expected text, with nothing left behind.
refused() {
  run berth create -b "$BUNDLE" "$ID"
  [ "$status" -eq 1 ] || { echo "status $status: $output"; return 1; }
  [ "${#lines[@]}" -eq 1 ] || { echo "not one line: $output"; return 1; }
  local want
  for want in "$@"; do
    [[ "$output" == *"$want"* ]] || { echo "no \"$want\" in: $output"; return 1; }
  done
  [ -z "$(berth list -q)" ]
  [ ! -e "$ROOT/$ID" ]
}

@test "a vendor's device class gives the container the node, usable through the cgroup rule" {
  devices test/kmsg
  args sh -c 'stat -c "%F %t:%T" /dev/kmsg && : >/dev/kmsg && echo opened'
  run berth run -b "$BUNDLE" "$ID"
  [ "$status" -eq 0 ] && [ "$output" = $'character special file 1:b\nopened' ] || {
    echo "$output"
    return 1
  }
}

@test "the classes a container got are recorded in state.json, with the plugin and its version" {
  devices test/kmsg
  args sleep 100
  berth create -b "$BUNDLE" "$ID"
  jq -e '.device_classes == [{"class": "test/kmsg", "plugin": "device-test",
                              "plugin_version": "0.1-test", "devices": ["/dev/kmsg"]}]' \
    "$ROOT/$ID/state.json"
  # The rule went to the cgroup driver with the spec: allowed "rwm" after the spec's own.
  jq -e '.config.linux.resources.devices[-1] == {"allow": true, "type": "c", "major": 1,
                                                 "minor": 11, "access": "rwm"}' \
    "$ROOT/$ID/state.json"
}

@test "without the class, the same node from linux.devices alone cannot be opened" {
  config '.linux.devices = [{"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11}]'
  args sh -c 'stat -c "%F %t:%T" /dev/kmsg && : >/dev/kmsg && echo opened'
  run berth run -b "$BUNDLE" "$ID"
  [[ "$output" == "character special file 1:b"* ]] || { echo "$output"; return 1; }
  if [ "$(test_driver)" = none ]; then
    return 0 # no cgroup, no device rules: the node opens (the class's rule cannot matter)
  fi
  [ "$status" -ne 0 ]
  [[ "$output" == *"Operation not permitted"* ]]
  [[ "$output" != *opened* ]]
}

@test "several classes in one annotation, and a node the spec lists itself keeps the spec's mode" {
  devices test/kmsg,test/kmsg
  config '.linux.devices = [{"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11,
                             "fileMode": 432}]'
  args sh -c 'stat -c "%a" /dev/kmsg && : >/dev/kmsg && echo opened'
  run berth run -b "$BUNDLE" "$ID"
  [ "$status" -eq 0 ] && [ "$output" = $'660\nopened' ] || { echo "$output"; return 1; }
}

@test "berth features lists the device plugin with its kind and classes" {
  run berth features
  [ "$status" -eq 0 ]
  jq -e '.["org.berth"].plugins[] | select(.name == "device-test")
         | .loadable and .kind == "device" and .classes == ["kmsg"]' <<<"$output"
}

@test "a class the plugin does not know is refused naming class, plugin and reason" {
  devices test/gpu
  refused 'annotation berth.devices "test/gpu"' 'plugin device-test.so 0.1-test' \
    'unknown class "gpu"'
}

@test "a plugin's own error is refused naming class, plugin and its reason" {
  devices test/fails
  refused '"test/fails"' 'device-test.so' 'firmware not ready: Device or resource busy'
}

@test "a path that is not a device is refused" {
  devices test/notdev
  refused '"test/notdev"' 'plugin device-test.so named /dev/pts, which is not a character or block device'
}

@test "a path outside /dev is refused, also one that climbs out with .." {
  devices test/outside
  refused '"test/outside"' 'plugin device-test.so named /etc/passwd, which is not a path below /dev/'
  devices test/dotdot
  refused '"test/dotdot"' 'named /dev/../etc/passwd, which is not a path below /dev/'
}

@test "a device the host lacks, or a class of no device, is refused" {
  devices test/missing
  refused '"test/missing"' 'plugin device-test.so named /dev/berth-no-such: No such file or directory'
  devices test/empty
  refused '"test/empty"' 'plugin device-test.so 0.1-test: the class has no device'
}

@test "a vendor with no plugin installed is refused naming the missing file" {
  devices nosuch/tun
  refused 'annotation berth.devices "nosuch/tun"' 'plugin device-nosuch.so not installed'
}

@test "a class not of the form VENDOR/CLASS is refused" {
  devices kmsg
  refused 'annotation berth.devices "kmsg": not VENDOR/CLASS'
  devices '../x/kmsg'
  refused 'not VENDOR/CLASS'
  devices ''
  refused 'annotation berth.devices "": no class'
}

@test "a device plugin that crashes in resolve is named with its op, and leaves no container" {
  devices test/crash
  run --separate-stderr "$BERTH" --root "$ROOT" create -b "$BUNDLE" "$ID"
  [ "$status" -eq 139 ] || { echo "exit $status: $stderr"; return 1; }
  [ "$stderr" = "berth: plugin $TEST_TMP/plugins/device-test.so crashed (SIGSEGV) in op resolve" ] ||
    { echo "stderr: $stderr"; return 1; }
  # Asked before anything of the container is made: nothing to list or delete.
  [ -z "$(berth list -q)" ]
  [ ! -e "$ROOT/$ID" ]
}
