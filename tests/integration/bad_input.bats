#!/usr/bin/env bats
# Bad input: one clear line on stderr (and a JSON error line in --log), nothing left
# behind: no state dir, cgroup, mount or process.

load helpers

expect_refusal() { # expect_refusal "message part" create args...
  local want=$1; shift
  run berth "$@"
  [ "$status" -eq 1 ] || { echo "exit $status: $output"; return 1; }
  [ "${#lines[@]}" -eq 1 ] || { echo "more than one line: $output"; return 1; }
  [[ "$output" == "berth: "*"$want"* ]] || { echo "got: $output"; return 1; }
}

@test "malformed config.json" {
  echo '{"ociVersion": "1.0.2", "process": ' > "$BUNDLE/config.json"
  expect_refusal "config.json: invalid JSON" create -b "$BUNDLE" "$ID"
  assert_nothing_left "$ID"
}

@test "config.json violating the schema names the field" {
  config '.process.args = "sh"'
  expect_refusal "config.json: process.args: must be an array of strings" create -b "$BUNDLE" "$ID"
  config '.process.args = ["sh"] | .mounts[2].destination = 7'
  expect_refusal "mounts[2].destination: must be a string" create -b "$BUNDLE" "$ID"
  config '.mounts[2].destination = "/dev/pts" | del(.process.cwd)'
  expect_refusal "process.cwd: required" create -b "$BUNDLE" "$ID"
  assert_nothing_left "$ID"
}

@test "an unknown capability is rejected" {
  config '.process.capabilities.bounding += ["CAP_NOPE"]'
  expect_refusal "unknown capability CAP_NOPE" create -b "$BUNDLE" "$ID"
  assert_nothing_left "$ID"
}

@test "missing bundle, missing rootfs" {
  expect_refusal "bundle $TEST_TMP/nope: No such file or directory" create -b "$TEST_TMP/nope" "$ID"
  config '.root.path = "/nonexistent-rootfs"'
  expect_refusal "root.path /nonexistent-rootfs: No such file or directory" create -b "$BUNDLE" "$ID"
  assert_nothing_left "$ID"
}

@test "invalid IDs" {
  for bad in "../escape" "a/b" "." ".." "sp ace" ""; do
    expect_refusal "container id" create -b "$BUNDLE" "$bad"
  done
  [ ! -e "$TEST_TMP/escape" ]
  [ -z "$(ls "$ROOT" 2>/dev/null)" ]
}

@test "an existing ID is refused and the running container is untouched" {
  args sleep 100
  berth run -d -b "$BUNDLE" "$ID"
  pid=$(state_field "$ID" pid)
  expect_refusal "container with id $ID already exists" create -b "$BUNDLE" "$ID"
  [ "$(state_field "$ID" status)" = running ]
  [ "$(state_field "$ID" pid)" = "$pid" ]
}

@test "a mount destination symlink leading out of the rootfs is refused" {
  rootfs=$TEST_TMP/rootfs
  cp -a "$ROOTFS_DIR/rootfs" "$rootfs"
  ln -s ../../../../../../../../tmp "$rootfs/evil"
  config --arg r "$rootfs" '.root.path = $r | .mounts += [{"destination": "/evil/x", "type": "tmpfs", "source": "tmpfs"}]'
  expect_refusal "leads out of" create -b "$BUNDLE" "$ID"
  assert_nothing_left "$ID"
  [ ! -e /tmp/x ]
}

@test "an absolute symlink in the rootfs resolves inside it, never on the host" {
  rootfs=$TEST_TMP/rootfs
  cp -a "$ROOTFS_DIR/rootfs" "$rootfs"
  mkdir -p "$rootfs/inside"
  ln -s /inside "$rootfs/abs"
  config --arg r "$rootfs" '.root.path = $r | .mounts += [{"destination": "/abs", "type": "tmpfs", "source": "tmpfs"}]'
  args sh -c 'grep -c " /inside tmpfs" /proc/self/mounts'
  run berth run -b "$BUNDLE" "$ID"
  [ "$status" -eq 0 ]
  [ "$output" = 1 ]
  ! grep -q " /inside " /proc/mounts
}

@test "a missing plugin names the package that ships it" {
  mkdir "$TEST_TMP/plugins"
  # The driver in effect, named, and each shipped one: cgroup v1 and v2 are in the runtime's
  # own package (packaging/debian/control), the others in berth-plugin-NAME.
  for driver in $(test_driver) v1 v2 systemd; do
    case $driver in v1 | v2) package=berth ;; *) package=berth-plugin-$driver ;; esac
    BERTH_PLUGIN_PATH=$TEST_TMP/plugins expect_refusal \
      "cgroup driver \"$driver\": plugin cgroup-$driver.so not installed in $TEST_TMP/plugins (package $package)" \
      --cgroup-driver="$driver" create -b "$BUNDLE" "$ID"
    assert_nothing_left "$ID"
  done
  # auto, with no cgroup plugin to ask, says where it looked.
  BERTH_PLUGIN_PATH=$TEST_TMP/plugins expect_refusal \
    "cgroup driver auto: no cgroup plugin in $TEST_TMP/plugins applies to this host" \
    --cgroup-driver=auto create -b "$BUNDLE" "$ID"
  assert_nothing_left "$ID"
}

@test "an AppArmor profile or SELinux label that no plugin applies is refused, never dropped" {
  # The build's plugins but apparmor.so (selinux.so does not exist).
  mkdir -m 755 "$TEST_TMP/plugins"
  cp "$BERTH_PLUGIN_PATH"/cgroup-*.so "$TEST_TMP/plugins/"
  export BERTH_PLUGIN_PATH=$TEST_TMP/plugins
  config '.process.apparmorProfile = "berth-test"'
  expect_refusal "process.apparmorProfile \"berth-test\": no LSM plugin in $TEST_TMP/plugins labels process.apparmorProfile" \
    create -b "$BUNDLE" "$ID"
  config 'del(.process.apparmorProfile) | .process.selinuxLabel = "system_u:system_r:container_t:s0"'
  expect_refusal 'process.selinuxLabel "system_u:system_r:container_t:s0": no LSM plugin in '"$TEST_TMP/plugins"' labels process.selinuxLabel' \
    create -b "$BUNDLE" "$ID"
  config 'del(.process.selinuxLabel) | .linux.mountLabel = "system_u:object_r:container_file_t:s0"'
  expect_refusal 'linux.mountLabel "system_u:object_r:container_file_t:s0": no LSM plugin in '"$TEST_TMP/plugins"' labels linux.mountLabel' \
    create -b "$BUNDLE" "$ID"
  assert_nothing_left "$ID"
  config 'del(.linux.mountLabel)'
  args sleep 100
  berth run -d -b "$BUNDLE" "$ID"
  run berth exec --apparmor berth-test "$ID" true
  [ "$status" -eq 255 ]
  [[ "$output" == *'process.apparmorProfile "berth-test": no LSM plugin in '*' labels process.apparmorProfile'* ]]
}

# This host, and the VM's default boot, run no SELinux: selinux.so refuses them, and a label
# is then refused with that reason (the VM's SELinux boot runs tests/vm/suites/selinux).
@test "an SELinux label on a host without SELinux is refused with selinux.so's reason, by create and exec" {
  [ ! -e /sys/fs/selinux/enforce ] # this suite's hosts; else the label would be applied
  local label=system_u:system_r:container_t:s0:c1,c2 plugins=$BERTH_PLUGIN_PATH
  local why="selinux: plugin $plugins/selinux.so: refused to run on this host: selinux: SELinux is not enabled on this host"
  config ".process.selinuxLabel = \"$label\""
  expect_refusal "process.selinuxLabel \"$label\": no LSM plugin in $plugins labels process.selinuxLabel; $why" \
    create -b "$BUNDLE" "$ID"
  assert_nothing_left "$ID"
  config 'del(.process.selinuxLabel) | .linux.mountLabel = "system_u:object_r:container_file_t:s0:c1,c2"'
  expect_refusal "linux.mountLabel \"system_u:object_r:container_file_t:s0:c1,c2\": no LSM plugin in $plugins labels linux.mountLabel; $why" \
    create -b "$BUNDLE" "$ID"
  assert_nothing_left "$ID"
  config 'del(.linux.mountLabel)'
  args sleep 100
  berth run -d -b "$BUNDLE" "$ID"
  run berth exec --process-label "$label" "$ID" true
  [ "$status" -eq 255 ]
  [[ "$output" == *"process.selinuxLabel \"$label\": no LSM plugin in $plugins labels process.selinuxLabel; $why"* ]]
  run berth features
  jq -e '.linux.selinux.enabled == false' <<<"$output"
}

@test "a plugin of the wrong ABI is refused with the file named" {
  mkdir -m 755 "$TEST_TMP/plugins"
  # The driver's plugin as some other shared object: no entry symbol (libc; json-c and
  # libseccomp may be linked into berth statically).
  plugin=$TEST_TMP/plugins/cgroup-$(test_driver).so
  cp "$(ldd "$BERTH" | awk '/libc\.so/ {print $3}')" "$plugin"
  BERTH_PLUGIN_PATH=$TEST_TMP/plugins expect_refusal \
    "plugin $plugin: no berth_plugin_entry symbol" create -b "$BUNDLE" "$ID"
  assert_nothing_left "$ID"
}

@test "a process that cannot be executed fails create, not start" {
  args /bin/nonexistent
  expect_refusal 'exec: "/bin/nonexistent": No such file or directory' create -b "$BUNDLE" "$ID"
  args /etc/passwd # not executable: EACCES as runc, so engines report 126 rather than 127
  expect_refusal 'exec: "/etc/passwd": Permission denied' create -b "$BUNDLE" "$ID"
  args /tmp
  expect_refusal 'exec: "/tmp": Permission denied' create -b "$BUNDLE" "$ID"
  args nonexistent-cmd
  expect_refusal 'exec: "nonexistent-cmd": executable file not found in $PATH' create -b "$BUNDLE" "$ID"
  assert_nothing_left "$ID"
}

@test "a failing mount is reported with its destination and leaves nothing" {
  config '.mounts += [{"destination": "/broken", "type": "nosuchfs", "source": "x"}]'
  expect_refusal "/broken" create -b "$BUNDLE" "$ID"
  assert_nothing_left "$ID"
}

@test "--log-format json records the error as the last log line" {
  echo '{' > "$BUNDLE/config.json"
  run berth --log "$TEST_TMP/log.json" --log-format json create -b "$BUNDLE" "$ID"
  [ "$status" -eq 1 ]
  last=$(tail -n1 "$TEST_TMP/log.json")
  [ "$(jq -r .level <<<"$last")" = error ]
  [[ "$(jq -r .msg <<<"$last")" == *"config.json: invalid JSON"* ]]
  jq -e '.time' <<<"$last"
}

@test "start, kill, state of an unknown container" {
  for cmd in start state pause; do
    expect_refusal "container nosuch does not exist" $cmd nosuch
  done
  expect_refusal "container nosuch does not exist" kill nosuch KILL
}

# --- numbers out of range: refused where they are parsed, naming the field and the range ---
# With `run`, not `create`: a config wrongly accepted then runs to its end instead of leaving a
# created init that holds the output pipe of bats' `run` open.

# (uid_t)-1 is the kernel's "no id": setresuid(-1, -1, -1) changes nothing, so a config asking
# for it (or for a value that a cast wraps to it or to 0) ran the process as root.
@test "a uid or gid of (uid_t)-1 or beyond is refused, never run as root" {
  args id -u
  for uid in 4294967295 4294967296 18446744073709551615 -1; do
    config --argjson v "$uid" '.process.user.uid = $v'
    expect_refusal "config.json: process.user.uid: $uid is out of range (0-4294967294)" \
      run -b "$BUNDLE" "$ID"
  done
  config '.process.user.uid = 0 | .process.user.gid = 4294967296'
  expect_refusal "process.user.gid: 4294967296 is out of range (0-4294967294)" run -b "$BUNDLE" "$ID"
  config '.process.user.gid = 0 | .process.user.additionalGids = [5, 4294967295]'
  expect_refusal "process.user.additionalGids[1]: 4294967295 is out of range (0-4294967294)" \
    run -b "$BUNDLE" "$ID"
  assert_nothing_left "$ID"
}

@test "the largest uid and gid, 4294967294, pass the parser" {
  config '.process.user.uid = 4294967294 | .process.user.gid = 4294967294'
  args sh -c 'echo $(id -u) $(id -g)'
  run berth run -b "$BUNDLE" "$ID"
  [ "$status" -eq 0 ] && [ "$output" = "4294967294 4294967294" ] || { echo "$output"; false; }
}

@test "a user namespace mapping that passes the largest id is refused" {
  userns='.linux.namespaces += [{"type": "user"}] | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
  config "$userns"' | .linux.uidMappings = [{"containerID": 0, "hostID": 4294967295, "size": 1}]'
  expect_refusal "linux.uidMappings[0].hostID: 4294967295 is out of range (0-4294967294)" \
    run -b "$BUNDLE" "$ID"
  config '.linux.uidMappings = [{"containerID": 0, "hostID": 4294967000, "size": 1000}]'
  expect_refusal "linux.uidMappings[0]: hostID 4294967000 + size 1000 passes the largest id" \
    run -b "$BUNDLE" "$ID"
  assert_nothing_left "$ID"
}

@test "consoleSize, device numbers and oomScoreAdj out of range are refused" {
  config '.process.consoleSize = {"height": 65536, "width": 80}'
  expect_refusal "process.consoleSize.height: 65536 is out of range (0-65535)" run -b "$BUNDLE" "$ID"
  config 'del(.process.consoleSize) | .linux.devices = [{"path": "/dev/big", "type": "c", "major": 4096, "minor": 1}]'
  expect_refusal "linux.devices[0].major: 4096 is out of range (0-4095)" run -b "$BUNDLE" "$ID"
  config '.linux.devices[0].major = 1 | .linux.devices[0].minor = 1048576'
  expect_refusal "linux.devices[0].minor: 1048576 is out of range (0-1048575)" run -b "$BUNDLE" "$ID"
  config 'del(.linux.devices) | .process.oomScoreAdj = 1001'
  expect_refusal "process.oomScoreAdj: 1001 is out of range (-1000 to 1000)" run -b "$BUNDLE" "$ID"
  assert_nothing_left "$ID"
}

# No exec could take more: the argv pointers alone would pass the kernel's 6 MiB.
@test "more process.args than execve could ever take are refused" {
  config '.process.args = ["true"] + [range(786432) | "x"]'
  expect_refusal "process.args: 786433 entries, more than the 786432 allowed" run -b "$BUNDLE" "$ID"
  assert_nothing_left "$ID"
}

@test "exec refuses numeric flags out of range before anything runs" {
  args sleep 100
  berth run -d -b "$BUNDLE" "$ID"
  expect_refusal "exec: --user: uid: 4294967296 is out of range (0-4294967294)" \
    exec --user 4294967296 "$ID" id -u
  expect_refusal "exec: --user: gid: 4294967295 is out of range" exec --user 0:4294967295 "$ID" id -u
  expect_refusal 'exec: --additional-gids: "foo" is not an integer' \
    exec --additional-gids foo "$ID" id -G
  for n in -1 abc 99999999999; do
    expect_refusal "exec: --preserve-fds: " exec --preserve-fds "$n" "$ID" true
    [[ "$output" == *"$n"* ]]
  done
  # Nothing was started: the container's only process is still its init.
  [ "$(berth ps -f json "$ID" | jq length)" -eq 1 ]
  [ "$(state_field "$ID" status)" = running ]
}

@test "LISTEN_FDS meant for berth must be a count of fds" {
  for n in abc -1 99999999; do
    run sh -c 'LISTEN_PID=$$ LISTEN_FDS=$0 exec "$@"' "$n" \
      "$BERTH" --root "$ROOT" "${BERTH_DRIVER_ARGS[@]}" run -b "$BUNDLE" "$ID"
    [ "$status" -eq 1 ] && [ "${#lines[@]}" -eq 1 ] || { echo "LISTEN_FDS=$n: $output"; false; }
    [[ "$output" == "berth: LISTEN_FDS: "*"$n"* ]] || { echo "got: $output"; false; }
  done
  assert_nothing_left "$ID"
}
