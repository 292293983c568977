#!/usr/bin/env bats
# berth's Debian packages, built from this tree by scripts/package-deb.sh as a distribution
# would, then installed with dpkg into a fresh root: an overlay over this host's root
# filesystem (its libraries and dpkg database, no berth package, no berth plugin
# directory), with its own /run, /proc and /dev. ctest runs this file under
# `unshare -m`, so every mount it makes lives in its own mount namespace and goes with it,
# however the run ends. Nothing here runs a container: the commands checked (a driver's
# plugin missing, features, dpkg) need no namespaces.

ROOT_STATE=/run/berth-packaging

setup_file() {
  # Refuse to mount anything in the host's namespace.
  [ "$(readlink /proc/self/ns/mnt)" != "$(readlink /proc/1/ns/mnt)" ] ||
    { echo "run deb.bats under unshare -m (its ctest command does)" >&3; return 1; }
  export WORK ROOT MULTIARCH PLUGINDIR
  WORK=$(mktemp -d /tmp/berth-packaging.XXXXXX)
  MULTIARCH=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
  PLUGINDIR=/usr/lib/$MULTIARCH/berth/plugins/1
  BERTH_PACKAGE_JOBS=2 "$BERTH_SOURCE_DIR/scripts/package-deb.sh" "$WORK/debs" \
    >"$WORK/build.log" 2>&1 || { tail -40 "$WORK/build.log" >&3; return 1; }
  mkdir "$WORK/layer" "$WORK/root"
  mount -t tmpfs berth-packaging "$WORK/layer"
  mkdir "$WORK/layer/upper" "$WORK/layer/work"
  ROOT=$WORK/root
  mount -t overlay berth-packaging -o "lowerdir=/,upperdir=$WORK/layer/upper,workdir=$WORK/layer/work" "$ROOT"
  mount -t proc proc "$ROOT/proc"
  mount --bind /dev "$ROOT/dev"
  mount -t tmpfs berth-packaging-run "$ROOT/run"
  # The core refuses the systemd driver on a host whose systemd does not run, before it
  # looks for the plugin; this root says it runs (there is no bus to reach, so nothing
  # of the host's is touched).
  mkdir -p "$ROOT/run/systemd/system" "$ROOT/debs" "$ROOT/bundle/rootfs"
  cp "$WORK"/debs/*.deb "$ROOT/debs/"
}

teardown_file() {
  [ -z "${ROOT:-}" ] || umount -R "$ROOT" 2>/dev/null || true
  [ -z "${WORK:-}" ] || { umount "$WORK/layer" 2>/dev/null || true; rm -rf "$WORK"; }
}

in_root() { chroot "$ROOT" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"; }

# The names of the plugins `berth features` lists in the root, sorted, on one line.
installed_plugins() {
  in_root berth features | jq -r '.["org.berth"].plugins[].name' | sort | paste -sd' '
}

create_with_systemd_driver() {
  run in_root berth --root "$ROOT_STATE" --cgroup-driver=systemd create -b /bundle pkgtest
  in_root berth --root "$ROOT_STATE" delete -f pkgtest >/dev/null 2>&1 || true
}

@test "lintian finds no error in the packages" {
  run lintian --fail-on error --tag-display-limit 0 "$WORK"/debs/*.changes
  echo "$output"
  [ "$status" -eq 0 ]
}

@test "the packages split along the plugins, their dependencies from shlibs" {
  # Files but /usr/share (docs, and man pages and completions as the tree gains them).
  files() {
    dpkg-deb -c "$WORK/debs/$1"_*.deb | awk '$1 !~ /^d/ {print $6}' | grep -v '^\./usr/share/' |
      sort | paste -sd' '
  }
  [ "$(files berth)" = "./usr/lib/$MULTIARCH/berth/plugins/1/cgroup-v1.so ./usr/lib/$MULTIARCH/berth/plugins/1/cgroup-v2.so ./usr/sbin/berth" ]
  [ "$(files berth-plugin-systemd)" = ".$PLUGINDIR/cgroup-systemd.so" ]
  [ "$(files berth-plugin-apparmor)" = ".$PLUGINDIR/apparmor.so" ]
  [ "$(files berth-plugin-intelrdt)" = ".$PLUGINDIR/intelrdt.so" ]
  [ "$(files berth-plugin-selinux)" = ".$PLUGINDIR/selinux.so" ]
  [ "$(files berth-plugin-criu)" = ".$PLUGINDIR/criu.so" ]
  [[ "$(dpkg-deb -f "$WORK"/debs/berth-plugin-criu_*.deb Depends)" == *criu,* ]]
  [ "$(files berth-plugin-dev)" = "./usr/include/berth/plugin.h ./usr/lib/$MULTIARCH/pkgconfig/berth-plugin.pc" ]
  [[ "$(dpkg-deb -f "$WORK"/debs/berth_*.deb Depends)" == *libseccomp2* ]]
  [[ "$(dpkg-deb -f "$WORK"/debs/berth-plugin-systemd_*.deb Depends)" == *libsystemd0* ]]
  [[ "$(dpkg-deb -f "$WORK"/debs/berth-plugin-selinux_*.deb Depends)" == *libselinux1* ]]
  [[ "$(dpkg-deb -f "$WORK"/debs/berth_*.deb Depends)" != *libselinux1* ]]
}

@test "with only berth installed, the systemd driver fails naming berth-plugin-systemd" {
  # A fresh root: no berth package, no plugin directory.
  ! in_root dpkg -s berth >/dev/null 2>&1
  [ ! -e "$ROOT$PLUGINDIR" ]
  in_root dpkg -i /debs/berth_0.1.0_amd64.deb
  in_root berth spec -b /bundle
  create_with_systemd_driver
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == "berth: create pkgtest: "*"plugin cgroup-systemd.so not installed in $PLUGINDIR (package berth-plugin-systemd)" ]]
  [ "$(installed_plugins)" = "cgroup-v1 cgroup-v2" ]
}

@test "with berth-plugin-systemd installed, the systemd driver's plugin is found" {
  in_root dpkg -i /debs/berth-plugin-systemd_0.1.0_amd64.deb
  create_with_systemd_driver
  echo "$output"
  [ "$status" -eq 1 ] # no systemd bus in this root
  [[ "$output" != *"not installed"* ]]
  [[ "$output" != *berth-plugin-systemd* ]]
  [ "$(installed_plugins)" = "cgroup-systemd cgroup-v1 cgroup-v2" ]
}

@test "berth features lists exactly the installed plugins" {
  in_root dpkg -i /debs/berth-plugin-apparmor_0.1.0_amd64.deb
  [ "$(installed_plugins)" = "apparmor cgroup-systemd cgroup-v1 cgroup-v2" ]
  in_root dpkg -r berth-plugin-apparmor
  [ "$(installed_plugins)" = "cgroup-systemd cgroup-v1 cgroup-v2" ]
}

@test "linux.intelRdt without berth-plugin-intelrdt fails naming it; with it, resctrl is looked for" {
  cp "$ROOT/bundle/config.json" "$WORK/config.saved"
  jq '.linux.intelRdt = {"closID": "pkgtest"}' "$WORK/config.saved" >"$ROOT/bundle/config.json"
  run in_root berth --root "$ROOT_STATE" --cgroup-driver=none create -b /bundle pkgrdt
  [ "$status" -eq 1 ]
  [ "$output" = "berth: create pkgrdt: linux.intelRdt: plugin intelrdt.so not installed in $PLUGINDIR (package berth-plugin-intelrdt)" ]
  in_root dpkg -i /debs/berth-plugin-intelrdt_0.1.0_amd64.deb
  [[ " $(installed_plugins) " == *" intelrdt "* ]]
  run in_root berth --root "$ROOT_STATE" --cgroup-driver=none create -b /bundle pkgrdt
  in_root dpkg -r berth-plugin-intelrdt
  cp "$WORK/config.saved" "$ROOT/bundle/config.json"
  [ "$status" -eq 1 ]
  [[ "$output" == "berth: create pkgrdt: linux.intelRdt: resctrl is not mounted"* ]]
}

@test "removing a plugin package leaves nothing of it behind" {
  in_root dpkg -L berth-plugin-systemd >"$WORK/systemd.list"
  grep -qx "$PLUGINDIR/cgroup-systemd.so" "$WORK/systemd.list"
  in_root dpkg --purge berth-plugin-systemd
  # A directory may stay when another package still owns it (berth owns the plugin dir).
  left=$(grep -vx /. "$WORK/systemd.list" | while read -r f; do
    if [ -d "$ROOT$f" ]; then
      in_root dpkg -S "$f" >/dev/null 2>&1 || echo "$f"
    elif [ -e "$ROOT$f" ] || [ -L "$ROOT$f" ]; then
      echo "$f"
    fi
  done)
  echo "left behind: $left"
  [ -z "$left" ]
  [ "$(installed_plugins)" = "cgroup-v1 cgroup-v2" ]
  create_with_systemd_driver
  [[ "$output" == *"(package berth-plugin-systemd)" ]]
}

@test "berth-plugin-dev installs the SDK: header and a pkg-config file naming the plugin dir" {
  in_root dpkg -i /debs/berth-plugin-dev_0.1.0_amd64.deb
  [ -f "$ROOT/usr/include/berth/plugin.h" ]
  [ "$(in_root pkg-config --variable=plugindir berth-plugin)" = "$PLUGINDIR" ]
  run in_root pkg-config --cflags berth-plugin
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *-fvisibility=hidden* ]]
}
