# Shared by the integration suites: a busybox rootfs per file, a bundle and a private
# --root per test, and a teardown that removes every container the test made.

# BERTH_TEST_DRIVER=v1|v2|systemd|none (set by the VM tier, tests/vm) selects the cgroup
# driver of every container the suites make; unset, berth picks it (auto).
berth() { "$BERTH" --root "$ROOT" ${BERTH_TEST_DRIVER:+--cgroup-driver="$BERTH_TEST_DRIVER"} "$@"; }

setup_file() {
  export ROOTFS_DIR
  ROOTFS_DIR=$(mktemp -d /tmp/berth-it-rootfs.XXXXXX)
  chmod 755 "$ROOTFS_DIR" # reachable by a container root mapped to another host uid
  BERTH="$BERTH" "$BERTH_SOURCE_DIR/scripts/make-bundle.sh" "$ROOTFS_DIR" true >/dev/null
}

teardown_file() {
  rm -rf "$ROOTFS_DIR"
}

setup() {
  TEST_TMP=$(mktemp -d /tmp/berth-it.XXXXXX)
  chmod 755 "$TEST_TMP"
  ROOT=$TEST_TMP/root
  BUNDLE=$TEST_TMP/bundle
  ID="t$$-${BATS_TEST_NUMBER}"
  mkdir -p "$BUNDLE"
  jq --arg root "$ROOTFS_DIR/rootfs" '.root.path = $root' "$ROOTFS_DIR/config.json" \
    > "$BUNDLE/config.json"
}

teardown() {
  if [ -d "$ROOT" ]; then
    for id in $(berth list -q 2>/dev/null); do berth delete -f "$id" >/dev/null 2>&1 || true; done
  fi
  rm -rf "$TEST_TMP"
}

# config '.process.args = ["true"]': edit the test's config.json with jq.
config() {
  local tmp
  tmp=$(mktemp)
  jq "$@" "$BUNDLE/config.json" > "$tmp" && mv "$tmp" "$BUNDLE/config.json"
  chmod 644 "$BUNDLE/config.json" # mktemp's 0600 would hide it from a rootless user
}

# args sh -c 'echo hi': the container's command.
args() {
  config --argjson a "$(printf '%s\n' "$@" | jq -R . | jq -s -c .)" '.process.args = $a'
}

state_field() { berth state "$1" | jq -r ".$2"; }

# The cgroup v1 directory of the container in the memory hierarchy, relative cgroupsPath
# resolved against our own cgroup as runc does.
memory_cgroup_dir() {
  local own
  own=$(awk -F: '$2 == "memory" {print $3}' /proc/self/cgroup)
  echo "/sys/fs/cgroup/memory${own%/}/$1"
}

# Nothing may be left of a container that failed to be created.
assert_nothing_left() {
  local id=$1
  [ ! -e "$ROOT/$id" ] || { echo "state dir $ROOT/$id left behind"; return 1; }
  [ ! -e "$(memory_cgroup_dir "$id")" ] || { echo "cgroup left behind"; return 1; }
  ! grep -q "$id" /proc/mounts || { echo "mount left behind"; return 1; }
}

# Gone, or a zombie waiting for whoever reaps it (the container's parent has exited).
process_gone() {
  [ ! -e "/proc/$1" ] || awk '{exit !($3 == "Z" || $3 == "X")}' "/proc/$1/stat"
}
