#!/usr/bin/env bats
# Id-mapped bind mounts (mounts[].uidMappings/gidMappings, the idmap and ridmap options): what
# the container sees of a host directory through the mount, and who owns on the host what it
# creates there. A mapping {containerID C, hostID H} reads as runc and crun (and the kernel's
# MOUNT_ATTR_IDMAP) read it: a file stored as C on the source shows as H through the mount, and
# a file made through it by H is stored as C.

load helpers

setup() {
  setup_bundle
  # Made here: a container root mapped to another host uid may not create them in the rootfs.
  mkdir -p "$ROOTFS_DIR/rootfs/vol" "$ROOTFS_DIR/rootfs/plain"
  VOL=$TEST_TMP/vol
  mkdir -m 755 "$VOL"
  touch "$VOL/owned-by-0" "$VOL/owned-by-2000"
  chown 2000:2000 "$VOL/owned-by-2000"
  OVERFLOW=$(cat /proc/sys/kernel/overflowuid)
  N=$(jq '.mounts | length' "$BUNDLE/config.json") # the index of the mount a test adds
}

# map_mount OPTIONS_JSON CONTAINER_ID HOST_ID SIZE: bind $VOL on /vol with those mappings.
map_mount() {
  config --argjson o "$1" --arg src "$VOL" --argjson c "$2" --argjson h "$3" --argjson n "$4" \
    '.mounts += [{"destination": "/vol", "type": "bind", "source": $src, "options": $o,
                  "uidMappings": [{"containerID": $c, "hostID": $h, "size": $n}],
                  "gidMappings": [{"containerID": $c, "hostID": $h, "size": $n}]}]'
}

# In the container's scripts, owners DIR: "NAME UID GID" a line, as busybox's ls -n shows them.
owners='owners() { ls -ln "$1" | awk "NR > 1 { print \$9, \$3, \$4 }"; }; '

@test "through a mapped bind the container's root owns what the mapping gives it, and what it creates lands with the mapped owner on the host" {
  # The source's 2000 shows as the container's 0, and root's files land as 2000 on the host.
  chown 2000:2000 "$VOL"
  map_mount '["bind"]' 2000 0 1
  args sh -c "$owners"'owners /vol; touch /vol/made && echo made'
  run berth run -b "$BUNDLE" "$ID"
  [ "$status" -eq 0 ] || { echo "$output"; return 1; }
  [[ "$output" == *"owned-by-2000 0 0"* ]]
  [[ "$output" == *"owned-by-0 $OVERFLOW $OVERFLOW"* ]] # not in the mapping
  [ "${lines[-1]}" = made ]
  [ "$(stat -c %u:%g "$VOL/made")" = 2000:2000 ]
}

@test "containerID 0 to hostID 2000 shows the source's root files as 2000, as runc and crun do" {
  # The mapping as runc's idmap.bats and crun 1.8 apply it; the container's root (0) is not a
  # mapped owner, so the kernel refuses it a new file there (EOVERFLOW).
  map_mount '["bind","idmap"]' 0 2000 1
  args sh -c "$owners"'owners /vol; touch /vol/made 2>&1; true'
  run berth run -b "$BUNDLE" "$ID"
  [ "$status" -eq 0 ] || { echo "$output"; return 1; }
  [[ "$output" == *"owned-by-0 2000 2000"* ]]
  [[ "$output" == *"owned-by-2000 $OVERFLOW $OVERFLOW"* ]]
  [[ "$output" == *"Value too large"* ]]
  [ ! -e "$VOL/made" ]
}

@test "idmap without mappings takes the container's user namespace mappings" {
  config '.linux.namespaces += [{"type": "user"}]
          | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
          | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
  config --arg src "$VOL" '.mounts += [
      {"destination": "/vol", "type": "bind", "source": $src, "options": ["bind", "idmap"]},
      {"destination": "/plain", "type": "bind", "source": $src, "options": ["bind"]}]'
  args sh -c "$owners"'owners /vol; echo plain; owners /plain; touch /vol/made && echo made'
  run berth run -b "$BUNDLE" "$ID"
  [ "$status" -eq 0 ] || { echo "$output"; return 1; }
  # Through the id-mapped mount the container sees the source's own ids; through the plain
  # bind, the host's 0 and 2000 are not the container's (its ids are the host's 100000+).
  [ "${lines[0]}" = "owned-by-0 0 0" ]
  [ "${lines[1]}" = "owned-by-2000 2000 2000" ]
  [ "${lines[2]}" = plain ]
  [ "${lines[3]}" = "owned-by-0 $OVERFLOW $OVERFLOW" ]
  [ "${lines[-1]}" = made ]
  [ "$(stat -c %u:%g "$VOL/made")" = 0:0 ]
}

@test "ridmap maps the submounts of an rbind too, idmap only its top" {
  # The submount: a bind of another directory of the same filesystem, which every kernel with
  # id-mapped mounts can map (a tmpfs only since Linux 6.3; the VM tier boots 6.1).
  mkdir "$VOL/sub" "$TEST_TMP/other"
  touch "$TEST_TMP/other/below"
  host_mount --bind "$TEST_TMP/other" "$VOL/sub"
  map_mount '["rbind","ridmap"]' 0 2000 1
  args sh -c "$owners"'owners /vol/sub; owners /vol | grep owned-by-0'
  run berth run -b "$BUNDLE" "$ID-r"
  [ "$status" -eq 0 ] || { echo "$output"; return 1; }
  [ "${lines[0]}" = "below 2000 2000" ]
  [ "${lines[1]}" = "owned-by-0 2000 2000" ]

  config '.mounts[-1].options = ["rbind", "idmap"]'
  run berth run -b "$BUNDLE" "$ID-i"
  [ "$status" -eq 0 ] || { echo "$output"; return 1; }
  [ "${lines[0]}" = "below 0 0" ]
  [ "${lines[1]}" = "owned-by-0 2000 2000" ]
}

@test "the mount's options still apply to an id-mapped bind" {
  map_mount '["bind","idmap","ro","nosuid"]' 0 2000 1
  args sh -c 'grep " /vol " /proc/self/mountinfo'
  run berth run -b "$BUNDLE" "$ID"
  [ "$status" -eq 0 ] || { echo "$output"; return 1; }
  [[ "$output" == *" /vol ro,nosuid"* ]]
  [[ "$output" == *idmapped* ]]
}

# refuse PART: create fails with one line holding PART, and leaves nothing behind.
refuse() {
  run berth create -b "$BUNDLE" "$ID"
  [ "$status" -eq 1 ] || { echo "exit $status: $output"; return 1; }
  [ "${#lines[@]}" -eq 1 ] || { echo "more than one line: $output"; return 1; }
  [[ "$output" == "berth: create $ID: "*"$1"* ]] || { echo "got: $output"; return 1; }
  assert_nothing_left "$ID"
  [ -z "$(berth list -q)" ]
}

@test "id-mapped mounts that cannot be made are refused in one line naming the mount" {
  map_mount '["bind","idmap"]' 0 2000 1
  config '.mounts[-1] |= (.type = "tmpfs" | .source = "tmpfs" | .options = ["idmap"])'
  refuse "mounts[$N] (/vol): id-mapped mounts (idmap, ridmap, uidMappings) need a bind mount"

  config --arg src "$VOL" '.mounts[-1] |= (.type = "bind" | .source = $src | .options = ["bind", "ridmap"] | del(.uidMappings, .gidMappings))'
  refuse "mounts[$N] (/vol): idmap without uidMappings and gidMappings takes the container's user namespace mappings, and there is no user namespace"

  config '.mounts[-1].uidMappings = [{"containerID": 0, "hostID": 2000, "size": 1}]'
  refuse "mounts[$N].uidMappings (/vol): given without gidMappings"

  config '.mounts[-1].gidMappings = [{"containerID": 4294967000, "hostID": 2000, "size": 1000}]'
  refuse "mounts[$N].gidMappings[0]: containerID 4294967000 + size 1000 passes the largest id"

  # Overlapping ranges: the kernel refuses the map of the mapping's user namespace.
  config '.mounts[-1].gidMappings = [{"containerID": 0, "hostID": 2000, "size": 10}, {"containerID": 5, "hostID": 3000, "size": 10}]'
  refuse "mount $VOL on /vol (mounts[$N]): id-mapped: id mapping: write /proc/"
  [[ "$output" == *"/gid_map: Invalid argument" ]]

  # sysfs has no id-mapped mounts.
  config '.mounts[-1] |= (.source = "/sys/kernel" | .options = ["bind", "idmap"] | .gidMappings = .uidMappings)'
  refuse "mount /sys/kernel on /vol (mounts[$N]): id-mapped: MOUNT_ATTR_IDMAP on /sys/kernel: its filesystem cannot be id-mapped by this kernel: Invalid argument"

  config '.mounts[-1].source = "/nonexistent"'
  refuse "mount /nonexistent on /vol (mounts[$N]): id-mapped: open_tree /nonexistent: No such file or directory"
}

@test "ridmap over a submount that cannot be id-mapped is refused; idmap leaves that submount as it is" {
  mkdir "$VOL/proc"
  host_mount -t proc proc "$VOL/proc"
  map_mount '["rbind","ridmap"]' 0 2000 1
  refuse "mount $VOL on /vol (mounts[$N]): id-mapped: MOUNT_ATTR_IDMAP on $VOL: its filesystem or one mounted below it cannot be id-mapped by this kernel"

  config '.mounts[-1].options = ["rbind", "idmap"]'
  args sh -c 'stat -c "%u %g" /vol/owned-by-0 /vol/proc/1'
  run berth run -b "$BUNDLE" "$ID"
  [ "$status" -eq 0 ] || { echo "$output"; return 1; }
  [ "${lines[0]}" = "2000 2000" ]
  [ "${lines[1]}" = "0 0" ]
}

@test "features lists idmap and ridmap and says that id-mapped mounts are used" {
  run berth features
  [ "$status" -eq 0 ]
  jq -e '(.mountOptions | index("idmap") and index("ridmap"))
         and .linux.mountExtensions.idmap.enabled == true' <<<"$output"
}
