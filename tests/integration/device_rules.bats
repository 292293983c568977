#!/usr/bin/env bats
# linux.resources.devices is the device policy: a node that linux.devices creates is usable
# only when a rule there (or runc's default set: null, zero, full, tty, random, urandom, ptmx,
# pts, tun) allows it, as with runc. berth used to add an rwm allow rule for every
# linux.devices entry after the spec's own, overriding an explicit deny.

load helpers

KMSG='{"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11, "fileMode": 420}'

@test "a device in linux.devices stays denied when linux.resources.devices denies everything" {
  config --argjson d "$KMSG" '.linux.devices = [$d] | .linux.resources.devices = [{"allow": false, "access": "rwm"}]'
  args sh -c 'test -c /dev/kmsg && echo created; echo "<7>berth test" > /dev/kmsg && echo written; true'
  run berth run -b "$BUNDLE" "$ID"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = created ]
  [[ "${lines[1]}" == *"/dev/kmsg: Operation not permitted"* ]]
  [[ "$output" != *written* ]]
}

@test "the default devices stay usable under a deny-all policy" {
  config --argjson d "$KMSG" '.linux.devices = [$d] | .linux.resources.devices = [{"allow": false, "access": "rwm"}]'
  args sh -c 'echo x > /dev/null && head -c 4 /dev/zero | wc -c && head -c 4 /dev/urandom | wc -c && echo x > /dev/full; echo done'
  run berth run -b "$BUNDLE" "$ID"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 4 ]
  [ "${lines[1]}" = 4 ]
  [[ "${lines[2]}" == *"No space left on device"* ]]
  [ "${lines[3]}" = done ]
}

@test "a device that linux.resources.devices allows is usable" {
  config --argjson d "$KMSG" '.linux.devices = [$d] | .linux.resources.devices = [{"allow": false, "access": "rwm"}, {"allow": true, "type": "c", "major": 1, "minor": 11, "access": "rw"}]'
  args sh -c 'echo "<7>berth test: an allowed device" > /dev/kmsg && echo written'
  run berth run -b "$BUNDLE" "$ID"
  [ "$status" -eq 0 ]
  [ "$output" = written ]
}
