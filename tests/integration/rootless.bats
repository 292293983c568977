#!/usr/bin/env bats
# Rootless: an unprivileged user runs containers in a user namespace, with the mappings
# written directly (one id) or through newuidmap/newgidmap (/etc/subuid ranges).

load helpers

USER_NAME=berth-rootless

setup_file() {
  export ROOTFS_DIR RUN_DIR
  ROOTFS_DIR=$(mktemp -d /tmp/berth-it-rootfs.XXXXXX)
  chmod 755 "$ROOTFS_DIR"
  BERTH="$BERTH" "$BERTH_SOURCE_DIR/scripts/make-bundle.sh" "$ROOTFS_DIR" true >/dev/null
  if ! id "$USER_NAME" >/dev/null 2>&1; then
    useradd --no-create-home --shell /bin/sh "$USER_NAME"
    touch "$ROOTFS_DIR/.created-user"
  fi
  # The user must reach berth and its plugins: copy them somewhere world-readable.
  RUN_DIR=$(mktemp -d /tmp/berth-it-bin.XXXXXX)
  chmod 755 "$RUN_DIR"
  cp "$BERTH" "$RUN_DIR/berth"
  cp -r "$BERTH_PLUGIN_PATH" "$RUN_DIR/plugins"
}

teardown_file() {
  [ -e "$ROOTFS_DIR/.created-user" ] && userdel "$USER_NAME"
  rm -rf "$ROOTFS_DIR" "$RUN_DIR"
}

setup() {
  TEST_TMP=$(mktemp -d /tmp/berth-it.XXXXXX)
  chmod 755 "$TEST_TMP"
  BUNDLE=$TEST_TMP/bundle
  ID="t$$-${BATS_TEST_NUMBER}"
  mkdir -p "$BUNDLE"
  cp -a "$ROOTFS_DIR/rootfs" "$BUNDLE/rootfs"
  chown -R "$USER_NAME:" "$TEST_TMP"
  as_user "$RUN_DIR/berth" spec --rootless -b "$BUNDLE"
  config '.process.terminal = false'
}

teardown() {
  for id in $(as_user "$RUN_DIR/berth" --root "$TEST_TMP/root" list -q 2>/dev/null); do
    as_user "$RUN_DIR/berth" --root "$TEST_TMP/root" delete -f "$id" || true
  done
  rm -rf "$TEST_TMP"
}

as_user() {
  setpriv --reuid="$USER_NAME" --regid="$USER_NAME" --init-groups \
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/ BERTH_PLUGIN_PATH="$RUN_DIR/plugins" "$@"
}

# The suites' driver, but for systemd: rootless, that driver asks the user's own systemd
# (user@UID.service, reached through its session bus), which this user, never logged in, has
# not; its containers then get auto's driver, as berth's default.
if [ "${BERTH_TEST_DRIVER:-}" = systemd ]; then
  ROOTLESS_DRIVER_ARGS=()
else
  ROOTLESS_DRIVER_ARGS=("${BERTH_DRIVER_ARGS[@]}")
fi
ub() { as_user "$RUN_DIR/berth" --root "$TEST_TMP/root" "${ROOTLESS_DRIVER_ARGS[@]}" "$@"; }

@test "spec --rootless runs as an unprivileged user: root inside, the user outside" {
  uid=$(id -u "$USER_NAME")
  args sh -c 'id -u; cat /proc/self/uid_map; hostname'
  run ub run -b "$BUNDLE" "$ID"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 0 ]
  [ "$(echo ${lines[1]})" = "0 $uid 1" ]
  [ "${lines[2]}" = berth ]
}

@test "a rootless container has its own namespaces and lives as the user on the host" {
  args sleep 100
  ub run -d -b "$BUNDLE" "$ID"
  pid=$(ub state "$ID" | jq .pid)
  [ "$(stat -c %U /proc/$pid)" = "$USER_NAME" ]
  [ "$(readlink /proc/$pid/ns/user)" != "$(readlink /proc/self/ns/user)" ]
  [ "$(readlink /proc/$pid/ns/pid)" != "$(readlink /proc/self/ns/pid)" ]
  [ "$(ub state "$ID" | jq -r .owner)" = "$USER_NAME" ]
  ub delete -f "$ID"
  process_gone "$pid"
}

@test "several ranges are mapped through newuidmap and newgidmap" {
  uid=$(id -u "$USER_NAME")
  sub=$(awk -F: -v u="$USER_NAME" '$1 == u {print $2}' /etc/subuid)
  subg=$(awk -F: -v u="$USER_NAME" '$1 == u {print $2}' /etc/subgid)
  [ -n "$sub" ]
  [ -n "$subg" ]
  config --argjson u "$uid" --argjson s "$sub" --argjson g "$subg" \
    '.linux.uidMappings = [{"containerID": 0, "hostID": $u, "size": 1}, {"containerID": 1, "hostID": $s, "size": 1000}]
     | .linux.gidMappings = [{"containerID": 0, "hostID": $u, "size": 1}, {"containerID": 1, "hostID": $g, "size": 1000}]'
  args sh -c 'cat /proc/self/uid_map | wc -l; chown 100:100 /tmp && stat -c %u /tmp'
  config '.mounts += [{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs"}]
          | .process.capabilities |= with_entries(.value += ["CAP_CHOWN"])'
  run ub run -b "$BUNDLE" "$ID"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 2 ]
  [ "${lines[1]}" = 100 ]
}

@test "mappings the user is not allowed are refused with a clear error" {
  config '.linux.uidMappings = [{"containerID": 0, "hostID": 0, "size": 1}]
          | .linux.gidMappings = [{"containerID": 0, "hostID": 0, "size": 1}]'
  run ub run -b "$BUNDLE" "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *"user namespace: newuidmap"* ]]
  [ -z "$(ub list -q)" ]
}

@test "an id-mapped mount is refused rootless, in one line naming the mount" {
  # MOUNT_ATTR_IDMAP needs CAP_SYS_ADMIN over the source's filesystem: root on the host.
  mkdir "$BUNDLE/vol" && chown "$USER_NAME:" "$BUNDLE/vol"
  config '.mounts += [{"destination": "/vol", "type": "bind", "source": "vol", "options": ["bind", "idmap"]}]'
  n=$(jq '.mounts | length - 1' "$BUNDLE/config.json")
  run ub run -b "$BUNDLE" "$ID"
  [ "$status" -eq 1 ] && [ "${#lines[@]}" -eq 1 ] || { echo "$output"; return 1; }
  [[ "$output" == *"mounts[$n] (/vol): id-mapped mounts need root on the host"* ]]
  [ -z "$(ub list -q)" ]
}
