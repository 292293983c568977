#!/usr/bin/env bats
# berth's RPM packages, built from this tree by scripts/package-rpm.sh with Debian's
# rpmbuild: the same split as the Debian packages, library dependencies found by rpm.

setup_file() {
  export WORK
  WORK=$(mktemp -d /tmp/berth-packaging-rpm.XXXXXX)
  BERTH_PACKAGE_JOBS=2 "$BERTH_SOURCE_DIR/scripts/package-rpm.sh" "$WORK/rpms" \
    >"$WORK/build.log" 2>&1 || { tail -40 "$WORK/build.log" >&3; return 1; }
}

teardown_file() {
  rm -rf "$WORK"
}

# The files of package $1 on one line: not directories, rpm's .build-id links or /usr/share
# (docs, and man pages and completions as the tree gains them).
files() {
  rpm -qp --qf '[%{FILEMODES:perms} %{FILENAMES}\n]' "$WORK/rpms/$1"-0.1.0-1.*.rpm 2>/dev/null |
    awk '$1 !~ /^d/ {print $2}' | grep -v -e '^/usr/lib/\.build-id/' -e '^/usr/share/' | sort | paste -sd' '
}

@test "rpmbuild builds the runtime and each plugin in its own package" {
  plugindir=$(rpm --eval '%{_libdir}')/berth/plugins/1
  [ "$(files berth)" = "$plugindir/cgroup-v1.so $plugindir/cgroup-v2.so $(rpm --eval '%{_sbindir}')/berth" ]
  [ "$(files berth-plugin-systemd)" = "$plugindir/cgroup-systemd.so" ]
  [ "$(files berth-plugin-apparmor)" = "$plugindir/apparmor.so" ]
  [ "$(files berth-plugin-intelrdt)" = "$plugindir/intelrdt.so" ]
  [ "$(files berth-plugin-selinux)" = "$plugindir/selinux.so" ]
  [ "$(files berth-plugin-criu)" = "$plugindir/criu.so" ]
  [[ "$(files berth-plugin-dev)" == *"/usr/include/berth/plugin.h"* ]]
  [[ "$(files berth-plugin-dev)" == *"/pkgconfig/berth-plugin.pc"* ]]
}

@test "the plugin packages require berth, the systemd one libsystemd" {
  requires() { rpm -qp --requires "$WORK/rpms/$1"-0.1.0-1.*.rpm 2>/dev/null; }
  requires berth-plugin-systemd | grep -q '^libsystemd\.so\.0'
  requires berth-plugin-systemd | grep -qx 'berth(.*) = 0.1.0-1'
  requires berth-plugin-apparmor | grep -qx 'berth(.*) = 0.1.0-1'
  requires berth-plugin-intelrdt | grep -qx 'berth(.*) = 0.1.0-1'
  requires berth-plugin-selinux | grep -q '^libselinux\.so\.1'
  requires berth-plugin-selinux | grep -qx 'berth(.*) = 0.1.0-1'
  requires berth-plugin-criu | grep -qx 'criu'
  requires berth-plugin-criu | grep -qx 'berth(.*) = 0.1.0-1'
  ! requires berth | grep -q libsystemd
}
