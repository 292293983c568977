# Shared by the integration suites: a busybox rootfs per file, a bundle and a private
# --root per test, and a teardown that removes every container the test made.

# BERTH_TEST_DRIVER=v1|v2|systemd|none (set by the VM tier, tests/vm) selects the cgroup
# driver of every container the suites make; unset, berth picks it (auto). A test that runs
# "$BERTH" itself to create a container passes "${BERTH_DRIVER_ARGS[@]}" too.
BERTH_DRIVER_ARGS=(${BERTH_TEST_DRIVER:+--cgroup-driver="$BERTH_TEST_DRIVER"})
berth() { "$BERTH" --root "$ROOT" "${BERTH_DRIVER_ARGS[@]}" "$@"; }

setup_file() {
  export ROOTFS_DIR
  ROOTFS_DIR=$(mktemp -d /tmp/berth-it-rootfs.XXXXXX)
  chmod 755 "$ROOTFS_DIR" # reachable by a container root mapped to another host uid
  BERTH="$BERTH" "$BERTH_SOURCE_DIR/scripts/make-bundle.sh" "$ROOTFS_DIR" true >/dev/null
}

teardown_file() {
  rm -rf "$ROOTFS_DIR"
}

# setup_bundle [JQ_FILTER]: the test's private TEST_TMP, ROOT, ID and BUNDLE, whose config is
# the file's rootfs and spec, edited by JQ_FILTER. A suite with other defaults calls it from
# its own setup.
setup_bundle() {
  TEST_TMP=$(mktemp -d /tmp/berth-it.XXXXXX)
  chmod 755 "$TEST_TMP"
  ROOT=$TEST_TMP/root
  BUNDLE=$TEST_TMP/bundle
  ID="t$$-${BATS_TEST_NUMBER}"
  mkdir -p "$BUNDLE"
  jq --arg root "$ROOTFS_DIR/rootfs" ".root.path = \$root | ${1:-.}" "$ROOTFS_DIR/config.json" \
    > "$BUNDLE/config.json"
}

setup() { setup_bundle; }

# Mounts a test made on the host (host_mount), undone by teardown even when the test failed.
HOST_MOUNTS=()
host_mount() {
  mount "$@" && HOST_MOUNTS+=("${!#}")
}

# Processes a test started on the host (a namespace holder), killed by teardown.
HOST_PIDS=()

teardown() {
  local m
  for m in "${HOST_PIDS[@]}"; do kill -9 "$m" 2>/dev/null || true; done
  for m in "${HOST_MOUNTS[@]}"; do umount -l "$m" || true; done
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

# Pure cgroup v2 (the VM tier), or the v1 hierarchies (this kind of hybrid host)?
cgroup2_host() { [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; }

# The cgroup driver of the suites' containers: BERTH_TEST_DRIVER, or what auto picks for a
# cgroupsPath that is not of the systemd form.
test_driver() {
  case ${BERTH_TEST_DRIVER:-auto} in
  auto | cgroupfs) if cgroup2_host; then echo v2; else echo v1; fi ;;
  *) echo "$BERTH_TEST_DRIVER" ;;
  esac
}

# cgroup_dir PID [CONTROLLER]: the cgroup directory of a process, from /proc/PID/cgroup: the
# unified one (the "0::" line) on a cgroup2 host, else the one in CONTROLLER's v1 hierarchy
# (default memory; "cpu" also finds a co-mounted "cpu,cpuacct").
cgroup_dir() {
  local controller=${2:-memory}
  if cgroup2_host; then
    echo "/sys/fs/cgroup$(awk -F: '$1 == "0" {print $3}' "/proc/$1/cgroup")"
  else
    echo "/sys/fs/cgroup/$controller$(awk -F: -v c="$controller" \
      '{n = split($2, cs, ","); for (i = 1; i <= n; i++) if (cs[i] == c) print $3}' "/proc/$1/cgroup")"
  fi
}

# container_cgroup_dir ID [CONTROLLER]: where the driver in effect puts the cgroup of a container
# without linux.cgroupsPath, as cgroup_dir names it: below our own cgroup in each v1 hierarchy
# (runc's GetOwnCgroupPath), next to our own cgroup on v2 (a cgroup with processes cannot
# delegate controllers further down), the unit berth-ID.scope in system.slice with systemd.
# What a failed create must not leave behind, where there is no pid to ask.
container_cgroup_dir() {
  local id=$1 controller=${2:-memory} base=/sys/fs/cgroup own
  cgroup2_host || base=$base/$controller
  case $(test_driver) in
  systemd) echo "$base/system.slice/berth-$id.scope" ;;
  *)
    own=$(cgroup_dir self "$controller")
    own=${own#"$base"}
    cgroup2_host && own=${own%/*}
    echo "$base${own%/}/$id"
    ;;
  esac
}

# assert_cgroup PID FILE VALUE: the cgroup of PID holds VALUE in FILE, both as cgroup v1 names
# them. On a cgroup2 host the file that took FILE's place is read, VALUE converted as runc
# converts a spec for it (cpu.shares 2..262144 to cpu.weight 1..10000, the CFS quota and
# period to the two fields of cpu.max, a FROZEN freezer to "frozen 1" in cgroup.events).
assert_cgroup() {
  local pid=$1 file=$2 want=$3 name=$2 field=0 got
  if cgroup2_host; then
    case $file in
    memory.limit_in_bytes) name=memory.max ;;
    memory.soft_limit_in_bytes) name=memory.low ;;
    cpu.shares) name=cpu.weight want=$((1 + ((want - 2) * 9999) / 262142)) ;;
    cpu.cfs_quota_us) name=cpu.max field=1 ;;
    cpu.cfs_period_us) name=cpu.max field=2 ;;
    pids.max | cpuset.cpus | cpuset.mems) ;;
    freezer.state) name=cgroup.events ;;
    *) echo "assert_cgroup: no cgroup v2 file for $file"; return 1 ;;
    esac
    got=$(cat "$(cgroup_dir "$pid")/$name") || return 1
    if [ "$name" = cgroup.events ]; then
      got=$(awk '$1 == "frozen" {print ($2 == 1 ? "FROZEN" : "THAWED")}' <<<"$got")
    elif [ "$field" -gt 0 ]; then
      got=$(awk -v f="$field" '{print $f}' <<<"$got")
    fi
  else
    got=$(cat "$(cgroup_dir "$pid" "${file%%.*}")/$file") || return 1
  fi
  [ "$got" = "$want" ] || { echo "$name of pid $pid: $got, want $want ($file $3)"; return 1; }
}

# Nothing may be left of a container that failed to be created: its state dir, its cgroup (in
# every v1 hierarchy berth makes one in), its systemd unit, its mounts.
assert_nothing_left() {
  local id=$1 controller dir
  [ ! -e "$ROOT/$id" ] || { echo "state dir $ROOT/$id left behind"; return 1; }
  for controller in memory pids cpu devices freezer; do
    dir=$(container_cgroup_dir "$id" "$controller")
    [ ! -e "$dir" ] || { echo "cgroup $dir left behind"; return 1; }
    cgroup2_host && break
  done
  if [ "$(test_driver)" = systemd ]; then
    [ -z "$(systemctl list-units --all --no-legend "berth-$id.scope")" ] ||
      { echo "unit berth-$id.scope left behind"; return 1; }
  fi
  ! grep -q "$id" /proc/mounts || { echo "mount left behind"; return 1; }
}

# Gone, or a zombie waiting for whoever reaps it (the container's parent has exited).
# Read once: a process that goes between a check and a read is gone, not an error.
process_gone() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  stat=${stat##*) } # after the command name, which may hold spaces and parentheses
  [ "${stat%% *}" = Z ] || [ "${stat%% *}" = X ]
}
