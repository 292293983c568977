#!/usr/bin/env bats
# `berth check`: which backends apply on this host and why the others do not (in each
# plugin's own words), whether the configured cgroup driver can work here, and the host's
# facts. Every expectation is computed from the host itself, so that it holds on this hybrid
# host and on the VM tier's cgroup2 hosts alike.

load helpers

setup_file() { :; }
teardown_file() { :; }
setup() {
  TEST_TMP=$(mktemp -d /tmp/berth-it.XXXXXX)
  chmod 755 "$TEST_TMP"
  ROOT=$TEST_TMP/root
}
teardown() { rm -rf "$TEST_TMP"; }

check() { "$BERTH" --root "$ROOT" "$@" check --format json; }

installed_cgroup_drivers() {
  local IFS=: dir f
  for dir in $BERTH_PLUGIN_PATH; do
    for f in "$dir"/cgroup-*.so; do [ -e "$f" ] && basename "$f" .so | sed 's/^cgroup-//'; done
  done | sort -u
}

v1_mounted() { awk '$(NF-2) == "cgroup" {found = 1} END {exit !found}' /proc/self/mountinfo; }

@test "check lists every installed cgroup driver with its plugin's verdict on this host" {
  run check
  [ "$status" -eq 0 ]
  report=$output
  [ "$(jq -r '.cgroup.drivers[] | select(.builtin | not) | .driver' <<<"$report" | sort)" = \
    "$(installed_cgroup_drivers)" ]
  jq -e '.cgroup.drivers[-1] == {"driver": "none", "builtin": true, "applies": true}' <<<"$report"
  # v2 applies where /sys/fs/cgroup is cgroup2, and says why not elsewhere.
  if cgroup2_host; then
    jq -e '.cgroup.drivers[] | select(.driver == "v2") | .applies and .auto and .unified' <<<"$report"
  else
    jq -e '.cgroup.drivers[] | select(.driver == "v2") | (.applies | not)
           and (.reason | test("cgroup-v2: /sys/fs/cgroup is not a cgroup2 mount"))' <<<"$report"
  fi
  # v1 applies where a v1 hierarchy is mounted.
  if v1_mounted; then
    jq -e '.cgroup.drivers[] | select(.driver == "v1") | .applies and .auto' <<<"$report"
  else
    jq -e '.cgroup.drivers[] | select(.driver == "v1") | (.applies | not)
           and (.reason | test("cgroup-v1: no cgroup v1 hierarchy"))' <<<"$report"
  fi
  # systemd where systemd is the init; it takes the systemd form of cgroupsPath, not auto's.
  if [ -d /run/systemd/system ]; then
    jq -e '.cgroup.drivers[] | select(.driver == "systemd") | .applies and .systemdPath
           and (.auto | not)' <<<"$report"
  else
    jq -e '.cgroup.drivers[] | select(.driver == "systemd") | (.applies | not)
           and (.reason | test("cgroup-systemd: systemd is not running"))' <<<"$report"
  fi
  # auto's choice is the first that applies in the declared order: v2 on cgroup2, else v1.
  if cgroup2_host; then want=v2; else want=v1; fi
  jq -e --arg d "$want" '.cgroup.default == {"configured": "auto", "systemdCgroup": false,
                                              "selected": $d}' <<<"$report"
}

@test "check fails when the configured cgroup driver cannot work here, and says why" {
  if cgroup2_host; then bad=v1; else bad=v2; fi
  run check --cgroup-driver="$bad"
  [ "$status" -eq 1 ]
  jq -e --arg d "$bad" '.cgroup.default.configured == $d and (.cgroup.default.selected == null)
    and (.cgroup.default.error | test("cgroup driver \"\($d)\": plugin .*cgroup-\($d).so: refused to run on this host: cgroup-\($d): "))' <<<"$output"
  run check --cgroup-driver=nosuch
  [ "$status" -eq 1 ]
  jq -e '.cgroup.default.error | test("plugin cgroup-nosuch.so not installed in ")' <<<"$output"
  run check --cgroup-driver=none
  [ "$status" -eq 0 ]
  jq -e '.cgroup.default.selected == "none"' <<<"$output"
}

@test "a vendor's cgroup driver dropped into the plugin directory is listed, not picked by auto" {
  mkdir -m 755 "$TEST_TMP/plugins"
  cp "$BERTH_TEST_VENDOR_PLUGIN_DIR/cgroup-foo.so" "$TEST_TMP/plugins/"
  BERTH_PLUGIN_PATH=$TEST_TMP/plugins:$BERTH_PLUGIN_PATH run check
  [ "$status" -eq 0 ]
  jq -e '.cgroup.drivers[] | select(.driver == "foo") | .applies and (.auto | not)
         and .plugin == "cgroup-foo" and .version == "1.0.0-vendor"' <<<"$output"
  jq -e '.cgroup.default.selected != "foo"' <<<"$output"
  BERTH_PLUGIN_PATH=$TEST_TMP/plugins:$BERTH_PLUGIN_PATH run check --cgroup-driver=foo
  [ "$status" -eq 0 ] && jq -e '.cgroup.default.selected == "foo"' <<<"$output"
}

@test "check reports which spec fields each LSM plugin labels, from the plugin" {
  run check
  [ "$status" -eq 0 ]
  if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ]; then aa=true; else aa=false; fi
  jq -e --argjson aa "$aa" '.lsm[] | select(.plugin == "apparmor")
         | .loads and .fields == ["process.apparmorProfile"] and .enabled == $aa' <<<"$output"
  jq -e --argjson aa "$aa" '.host.lsm.apparmor.enabled == $aa' <<<"$output"
  if [ -e /sys/fs/selinux/enforce ]; then se=true; else se=false; fi
  jq -e --argjson se "$se" '.host.lsm.selinux.enabled == $se' <<<"$output"
  # selinux.so loads only where SELinux is on, and labels both SELinux fields.
  jq -e --argjson se "$se" '.lsm[] | select(.plugin == "selinux") | .loads == $se
         and (if $se then .fields == ["process.selinuxLabel", "linux.mountLabel"] and .enabled
              else (.reason | contains("SELinux is not enabled on this host")) end)' <<<"$output"
}

@test "check reports the host's cgroup layout, user namespaces, id-map helpers, seccomp and filesystems" {
  run check
  [ "$status" -eq 0 ]
  report=$output
  case $(stat -f -c %T /sys/fs/cgroup) in
  cgroup2fs) layout=unified ;;
  *) if [ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ]; then layout=hybrid; else layout=legacy; fi ;;
  esac
  jq -e --arg l "$layout" '.host.cgroup.layout == $l' <<<"$report"
  n=$(awk '$(NF-2) ~ /^cgroup2?$/' /proc/self/mountinfo | wc -l)
  jq -e --argjson n "$n" '.host.cgroup.mounts | length == $n' <<<"$report"
  jq -e --argjson m "$(cat /proc/sys/user/max_user_namespaces)" \
    '.host.userns.maxUserNamespaces == $m' <<<"$report"
  if [ -e /proc/sys/kernel/unprivileged_userns_clone ]; then
    jq -e --argjson c "$(cat /proc/sys/kernel/unprivileged_userns_clone)" \
      '.host.userns.unprivilegedUsernsClone == $c' <<<"$report"
  else
    jq -e '.host.userns.unprivilegedUsernsClone == null' <<<"$report"
  fi
  for helper in newuidmap newgidmap; do
    if path=$(command -v "$helper"); then
      setuid=false
      [ -u "$path" ] && [ "$(stat -c %u "$path")" = 0 ] && setuid=true
      jq -e --arg h "$helper" --arg p "$path" --argjson s "$setuid" \
        '.host[$h] == {"path": $p, "setuidRoot": $s, "present": true}' <<<"$report"
    else
      jq -e --arg h "$helper" '.host[$h] == {"present": false}' <<<"$report"
    fi
  done
  if grep -q '^Seccomp:' /proc/self/status; then sc=true; else sc=false; fi
  jq -e --argjson s "$sc" '.host.seccomp.kernel == $s' <<<"$report"
  jq -e --arg v "$("$BERTH" --version | sed -n 's/^libseccomp: //p')" '.host.seccomp.libseccomp == $v' <<<"$report"
  if grep -qw overlay /proc/filesystems; then ov=true; else ov=false; fi
  jq -e --argjson o "$ov" '.host.overlay.filesystem == $o' <<<"$report"
  if grep -q ' - resctrl ' /proc/self/mountinfo; then rc=true; else rc=false; fi
  jq -e --argjson r "$rc" '.host.resctrl.mounted == $r' <<<"$report"
  if [ -d /run/systemd/system ]; then sd=true; else sd=false; fi
  jq -e --argjson s "$sd" '.host.systemd.running == $s' <<<"$report"
  jq -e --arg k "$(uname -r)" '.host.idmappedMounts.kernel == $k' <<<"$report"
}

@test "check speaks text by default, and refuses an unknown format or argument" {
  run "$BERTH" --root "$ROOT" check
  [ "$status" -eq 0 ]
  if cgroup2_host; then want=v2; else want=v1; fi
  [[ "$output" == *"configured driver auto: $want"* ]]
  grep -Eq "^  $want +applies \(auto\)$" <<<"$output"
  grep -Eq "^  none +applies \(built in: no cgroup\)$" <<<"$output"
  run "$BERTH" --root "$ROOT" check --format yaml
  [ "$status" -ne 0 ]
  [[ "$output" == *"check: unknown format yaml (text or json)"* ]]
  run "$BERTH" --root "$ROOT" check extra
  [ "$status" -ne 0 ]
  [[ "$output" == *"check: takes no arguments"* ]]
}

@test "check lists the RDT plugin, applying only where resctrl is mounted, and each device plugin with its classes" {
  mkdir -m 755 "$TEST_TMP/plugins"
  cp "$BERTH_TEST_VENDOR_PLUGIN_DIR/device-test.so" "$TEST_TMP/plugins/"
  export BERTH_PLUGIN_PATH=$TEST_TMP/plugins:$BERTH_PLUGIN_PATH
  run check
  [ "$status" -eq 0 ] || { echo "$output"; return 1; }
  if grep -qw resctrl /proc/self/mountinfo; then rdt=true; else rdt=false; fi
  jq -e --argjson rdt "$rdt" '.rdt == [{"plugin": "intelrdt", "loads": true, "kind": "rdt", "enabled": $rdt}]' <<<"$output"
  jq -e '.device[] | select(.plugin == "device-test") | .loads and .kind == "device" and (.classes | index("kmsg"))' <<<"$output"
  # Neither is an LSM plugin.
  jq -e '[.lsm[].plugin] | (index("intelrdt") | not) and (index("device-test") | not)' <<<"$output"
  run "$BERTH" --root "$ROOT" check
  [ "$status" -eq 0 ]
  if [ "$rdt" = true ]; then want='applies: resctrl found'; else want='does not apply: resctrl not found'; fi
  grep -Eq "^  intelrdt +$want$" <<<"$output"
  grep -Eq '^  device-test +classes \[.*"kmsg".*\]$' <<<"$output"
}
