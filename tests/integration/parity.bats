#!/usr/bin/env bats
# Configs that runc 1.1 runs and berth used to refuse or run differently: each case was
# reproduced side by side with runc, and the assertion is what runc's container shows.

load helpers

@test "a namespace with an empty path is a new namespace, as in runc" {
  config '.linux.namespaces |= map(if .type == "uts" then .path = "" else . end) | .hostname = "boat"'
  args sh -c 'hostname; readlink /proc/self/ns/uts'
  run berth run -b "$BUNDLE" "$ID"
  [ "$status" -eq 0 ] || { echo "$output"; return 1; }
  [ "${lines[0]}" = boat ]
  [ "${lines[1]}" != "$(readlink /proc/self/ns/uts)" ]
}
