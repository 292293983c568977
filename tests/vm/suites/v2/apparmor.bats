#!/usr/bin/env bats
# process.apparmorProfile on a kernel that enforces AppArmor (the VM tier; this host's side,
# without AppArmor, is tests/integration/host/apparmor_disabled.bats). Two small profiles of
# the test's own are loaded with apparmor_parser for the file and removed after it; each test
# checks what the kernel says about the container's processes (/proc/PID/attr/current) and
# what the profile does to them.

load ../../../integration/helpers

DENY=berth-test-deny
OTHER=berth-test-other

# A profile that allows what a container does but writing /tmp/denied*.
write_profile() { # write_profile NAME EXTRA-RULE
  cat > "$PROFILE_DIR/$1" <<PROFILE
profile $1 flags=(attach_disconnected,mediate_deleted) {
  file,
  capability,
  network,
  signal,
  ptrace,
  unix,
  mount,
  umount,
  pivot_root,
  $2
}
PROFILE
  apparmor_parser -r "$PROFILE_DIR/$1"
}

setup_file() {
  export ROOTFS_DIR PROFILE_DIR
  ROOTFS_DIR=$(mktemp -d /tmp/berth-it-rootfs.XXXXXX)
  chmod 755 "$ROOTFS_DIR"
  BERTH="$BERTH" "$BERTH_SOURCE_DIR/scripts/make-bundle.sh" "$ROOTFS_DIR" true >/dev/null
  PROFILE_DIR=$(mktemp -d /tmp/berth-it-apparmor.XXXXXX)
  # "audit": a deny rule is silent otherwise, and a test reads the kernel's record.
  write_profile "$DENY" 'audit deny /tmp/denied* w,'
  write_profile "$OTHER" 'audit deny /tmp/other* w,'
}

teardown_file() {
  for p in "$DENY" "$OTHER"; do
    [ -f "$PROFILE_DIR/$p" ] && apparmor_parser -R "$PROFILE_DIR/$p"
  done
  rm -rf "$PROFILE_DIR" "$ROOTFS_DIR"
}

setup() {
  # The rootfs is read-only: a tmpfs at /tmp to write into.
  setup_bundle '.mounts += [{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs",
                            "options": ["nosuid", "nodev"]}]'
}

profile() { config --arg p "$1" '.process.apparmorProfile = $p'; }

start() {
  args sleep 100
  berth run -d -b "$BUNDLE" "$ID"
  PID=$(state_field "$ID" pid)
}

@test "apparmor: the container's process runs under its profile, enforced" {
  profile "$DENY"
  args cat /proc/1/attr/current /proc/self/attr/apparmor/current
  run berth run -b "$BUNDLE" "$ID"
  [ "$status" -eq 0 ] || { echo "$output"; return 1; }
  [ "${lines[0]}" = "$DENY (enforce)" ]
  [ "${lines[1]}" = "$DENY (enforce)" ]
  # Seen from the host, with the process as another user and no_new_privs (applied after the
  # label was written, as runc does), and with the kernel's own "unconfined".
  config '.process.user = {"uid": 1000, "gid": 1000} | .process.noNewPrivileges = true'
  start
  [ "$(cat /proc/"$PID"/attr/current)" = "$DENY (enforce)" ]
  berth delete -f "$ID"
  profile unconfined
  start
  [ "$(cat /proc/"$PID"/attr/current)" = unconfined ]
}

@test "apparmor: a write the profile denies fails with EACCES, the rest works" {
  args sh -c 'echo x > /tmp/denied-file; echo x > /tmp/allowed-file && echo allowed'
  run berth run -b "$BUNDLE" "$ID"
  [ "$status" -eq 0 ]
  [ "$output" = allowed ]
  profile "$DENY"
  run berth run -b "$BUNDLE" "$ID"
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == *"/tmp/denied-file: Permission denied" ]]
  [ "${lines[1]}" = allowed ]
  # The kernel's audit record names the profile and the denied path.
  dmesg | grep 'apparmor="DENIED"' | grep "profile=\"$DENY\"" | grep -q 'name="/tmp/denied-file"'
}

@test "apparmor: exec runs under the container's profile, --apparmor under another" {
  profile "$DENY"
  start
  run berth exec "$ID" cat /proc/self/attr/current
  [ "$status" -eq 0 ]
  [ "$output" = "$DENY (enforce)" ]
  run berth exec "$ID" sh -c 'echo x > /tmp/denied-by-exec'
  [ "$status" -ne 0 ]
  [[ "$output" == *"Permission denied"* ]]
  run berth exec --apparmor "$OTHER" "$ID" sh -c 'cat /proc/self/attr/current; echo x > /tmp/denied-ok && echo wrote'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "$OTHER (enforce)" ]
  [ "${lines[1]}" = wrote ]
  # runc's rule: an empty --apparmor means the container's profile, not none.
  run berth exec --apparmor "" "$ID" cat /proc/self/attr/current
  [ "$status" -eq 0 ]
  [ "$output" = "$DENY (enforce)" ]
  # --process: its own apparmorProfile, else the container's.
  jq -n --arg p "$OTHER" '{args: ["cat", "/proc/self/attr/current"], cwd: "/",
                           user: {uid: 0, gid: 0}, apparmorProfile: $p}' > "$TEST_TMP/other.json"
  jq 'del(.apparmorProfile)' "$TEST_TMP/other.json" > "$TEST_TMP/plain.json"
  run berth exec --process "$TEST_TMP/other.json" "$ID"
  [ "$status" -eq 0 ]
  [ "$output" = "$OTHER (enforce)" ]
  run berth exec --process "$TEST_TMP/plain.json" "$ID"
  [ "$status" -eq 0 ]
  [ "$output" = "$DENY (enforce)" ]
}

@test "apparmor: exec --apparmor confines a process of an unconfined container" {
  start
  [ "$(cat /proc/"$PID"/attr/current)" = unconfined ]
  run berth exec "$ID" cat /proc/self/attr/current
  [ "$status" -eq 0 ]
  [ "$output" = unconfined ]
  run berth exec --apparmor "$OTHER" "$ID" cat /proc/self/attr/current
  [ "$status" -eq 0 ]
  [ "$output" = "$OTHER (enforce)" ]
}

@test "apparmor: a profile that is not loaded is refused at create and exec, nothing left" {
  profile berth-test-absent
  run berth create -b "$BUNDLE" "$ID"
  [ "$status" -eq 1 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ "$output" == "berth: create $ID: process.apparmorProfile \"berth-test-absent\": AppArmor profile not loaded on this host"* ]]
  assert_nothing_left "$ID"
  config 'del(.process.apparmorProfile)'
  start
  run berth exec --apparmor berth-test-absent "$ID" true
  [ "$status" -eq 255 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ "$output" == *'process.apparmorProfile "berth-test-absent": AppArmor profile not loaded on this host'* ]]
  [ "$(state_field "$ID" status)" = running ]
}

@test "apparmor: features reports AppArmor enabled" {
  features=$(berth features 2>/dev/null)
  jq -e '.linux.apparmor.enabled == true' <<<"$features"
}
