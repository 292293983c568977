#!/usr/bin/env bats
# process.selinuxLabel and linux.mountLabel on a kernel running SELinux: the VM's second boot
# (run-vm.sh --selinux: security=selinux selinux=1 enforcing=0, Debian's reference policy,
# permissive). Permissive is enough for what berth does: the kernel labels the process at
# execve, the keyring at its creation and a filesystem at its mount whatever the mode, and
# the policy's verdicts (which an enforcing boot would need a relabelled image for) are the
# policy's, not berth's. Each test reads the label the kernel reports.

load ../../../integration/helpers

# Debian bookworm's reference policy (2.20221101) has no container module (no container_t,
# container_file_t): its sVirt types play that part, svirt_t the MCS-confined guest domain
# (role system_r) and svirt_image_t its files' type.
PROCESS_LABEL=system_u:system_r:svirt_t:s0:c1,c2
OTHER_LABEL=system_u:system_r:svirt_t:s0:c3,c4
MOUNT_LABEL=system_u:object_r:svirt_image_t:s0:c1,c2

setup() {
  setup_bundle '.mounts += [{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs",
                            "options": ["nosuid", "nodev", "mode=1777"]}]'
}

# The label of a process (its attr, without the kernel's trailing NUL).
label_of() { tr -d '\0' < "/proc/$1/attr/current"; }

start() {
  args sleep 100
  berth run -d -b "$BUNDLE" "$ID"
  PID=$(state_field "$ID" pid)
}

@test "selinux: the VM runs SELinux, permissive, and berth's plugin applies" {
  [ "$(getenforce)" = Permissive ]
  run berth features
  [ "$status" -eq 0 ] && jq -e '.linux.selinux.enabled == true' <<<"$output"
  run berth check --format json
  jq -e '.lsm[] | select(.plugin == "selinux") | .loads and .enabled' <<<"$output"
}

@test "selinux: the container's process runs with process.selinuxLabel" {
  config --arg l "$PROCESS_LABEL" '.process.selinuxLabel = $l'
  args sh -c 'tr -d "\000" < /proc/self/attr/current'
  run berth run -b "$BUNDLE" "$ID"
  [ "$status" -eq 0 ] && [ "$output" = "$PROCESS_LABEL" ] || { echo "$output"; return 1; }
  # Seen from the host, as another user with no_new_privs (set after the label was written).
  config '.process.user = {"uid": 1000, "gid": 1000} | .process.noNewPrivileges = true'
  start
  [ "$(label_of "$PID")" = "$PROCESS_LABEL" ]
}

@test "selinux: exec runs with the container's label, --process-label and the process JSON with theirs" {
  config --arg l "$PROCESS_LABEL" '.process.selinuxLabel = $l'
  start
  run berth exec "$ID" sh -c 'tr -d "\000" < /proc/self/attr/current'
  [ "$status" -eq 0 ]
  [ "$output" = "$PROCESS_LABEL" ]
  run berth exec --process-label "$OTHER_LABEL" "$ID" sh -c 'tr -d "\000" < /proc/self/attr/current'
  [ "$status" -eq 0 ]
  [ "$output" = "$OTHER_LABEL" ]
  jq -n --arg l "$OTHER_LABEL" '{args: ["sh", "-c", "tr -d \"\\000\" < /proc/self/attr/current"],
    cwd: "/", user: {uid: 0, gid: 0}, selinuxLabel: $l}' > "$TEST_TMP/other.json"
  run berth exec --process "$TEST_TMP/other.json" "$ID"
  [ "$status" -eq 0 ]
  [ "$output" = "$OTHER_LABEL" ]
  # The init kept its own label.
  [ "$(label_of "$PID")" = "$PROCESS_LABEL" ]
}

@test "selinux: linux.mountLabel labels the tmpfs, devpts and masked-path mounts and mqueue's root, not proc or sysfs" {
  config --arg l "$MOUNT_LABEL" '.linux.mountLabel = $l'
  start
  local root=/proc/$PID/root dir
  for dir in /dev /dev/shm /dev/pts /tmp /sys/firmware; do
    [ "$(stat -c %C "$root$dir")" = "$MOUNT_LABEL" ] || { echo "$dir: $(stat -c %C "$root$dir")"; return 1; }
  done
  # The mount options the kernel shows for /dev/shm carry it too.
  grep -q " /dev/shm .*context=\"$MOUNT_LABEL\"" "/proc/$PID/mountinfo"
  # mqueue's superblock is the IPC namespace's, made before the mount: it is mounted as it is
  # (no context= option), and its root gets the label as a file, as runc does.
  grep " /dev/mqueue " "/proc/$PID/mountinfo" | grep -v context= | grep -q " mqueue "
  [ "$(stat -c %C "$root/dev/mqueue")" = "$MOUNT_LABEL" ] ||
    { echo "/dev/mqueue: $(stat -c %C "$root/dev/mqueue")"; return 1; }
  for dir in /proc /sys; do
    [ "$(stat -c %C "$root$dir")" != "$MOUNT_LABEL" ] || { echo "$dir labelled"; return 1; }
  done
}

@test "selinux: the session keyring carries the process label, and --no-new-keyring makes none" {
  config --arg l "$PROCESS_LABEL" '.process.selinuxLabel = $l'
  start
  local hex
  hex=$(awk -v d="_ses.$ID:" '$9 == d { print $1 }' /proc/keys)
  [ -n "$hex" ] || { cat /proc/keys; return 1; }
  [ "$(keyctl security $((16#$hex)))" = "$PROCESS_LABEL" ]
  berth delete -f "$ID"
  berth run -d --no-new-keyring -b "$BUNDLE" "$ID"
  ! awk -v d="_ses.$ID:" '$9 == d { found = 1 } END { exit !found }' /proc/keys
}

@test "selinux: a context the policy does not know is refused in one line, nothing left" {
  config '.process.selinuxLabel = "system_u:system_r:no_such_t:s0"'
  run berth create -b "$BUNDLE" "$ID"
  [ "$status" -eq 1 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ "$output" == *'process.selinuxLabel "system_u:system_r:no_such_t:s0": not a valid SELinux context in this host'"'"'s policy'* ]]
  assert_nothing_left "$ID"
  config 'del(.process.selinuxLabel) | .linux.mountLabel = "nonsense"'
  run berth create -b "$BUNDLE" "$ID"
  [ "$status" -eq 1 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ "$output" == *'linux.mountLabel "nonsense": not a valid SELinux context'* ]]
  assert_nothing_left "$ID"
  config 'del(.linux.mountLabel)'
  start
  run berth exec --process-label "system_u:system_r:no_such_t:s0" "$ID" true
  [ "$status" -eq 255 ]
  [[ "$output" == *'process.selinuxLabel "system_u:system_r:no_such_t:s0": not a valid SELinux context'* ]]
}
