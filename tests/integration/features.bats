#!/usr/bin/env bats
# `berth features` as engines read it: one JSON document on stdout and nothing on stderr, on
# every host and under every driver; a plugin that cannot work here is listed in the JSON
# with the reason, never logged beside it.

load helpers

# No container is made here: no rootfs, no bundle.
setup_file() { :; }
teardown_file() { :; }
setup() {
  TEST_TMP=$(mktemp -d /tmp/berth-it.XXXXXX)
  ROOT=$TEST_TMP/root
}

@test "features prints only JSON on stdout and nothing on stderr" {
  berth features >"$TEST_TMP/out" 2>"$TEST_TMP/err"
  [ ! -s "$TEST_TMP/err" ] || { echo "stderr: $(cat "$TEST_TMP/err")"; return 1; }
  jq -e . "$TEST_TMP/out" >/dev/null || { echo "stdout: $(head -c 300 "$TEST_TMP/out")"; return 1; }
  [ "$(jq -s length "$TEST_TMP/out")" -eq 1 ]
  # The same with a --log file: nothing goes there either.
  berth --log "$TEST_TMP/log" --log-format json features >"$TEST_TMP/out" 2>"$TEST_TMP/err"
  [ ! -s "$TEST_TMP/err" ]
  [ ! -s "$TEST_TMP/log" ]
  jq -e . "$TEST_TMP/out" >/dev/null
}

@test "features lists every installed plugin, and why one that does not load does not" {
  run berth features
  [ "$status" -eq 0 ]
  installed=$(IFS=:; for dir in $(jq -r '."org.berth".pluginPath' <<<"$output"); do
                for f in "$dir"/*.so; do [ -e "$f" ] && basename "$f" .so; done
              done | sort)
  [ "$(jq -r '."org.berth".plugins[].name' <<<"$output" | sort)" = "$installed" ]
  # A plugin that loads says what it is; one that does not has the reason, in one line.
  jq -e '."org.berth".plugins | all(if .loadable then .kind and .abi
                                     else (.error | test("^plugin .+\\.so: .+") and (contains("\n") | not)) end)' <<<"$output"
  # A refusal carries the plugin's own reason (cgroup-v1 on a pure v2 host says why).
  jq -e '."org.berth".plugins | map(select(.loadable | not) | .error)
         | all((test("refused to run on this host") | not) or test("refused to run on this host: .+"))' <<<"$output"
  # The cgroup drivers agree with the list, and this host has at least one of v1 or v2.
  jq -e '(."org.berth".plugins | map({key: .name, value: .loadable}) | from_entries) as $p
         | .linux.cgroup.v1 == ($p["cgroup-v1"] // false) and .linux.cgroup.v2 == ($p["cgroup-v2"] // false)
           and .linux.cgroup.systemd == ($p["cgroup-systemd"] // false)
           and (.linux.cgroup.v1 or .linux.cgroup.v2)' <<<"$output"
}

@test "features' cgroup keys come from what the installed drivers declare, not from their names" {
  # Only a vendor's driver of the unified hierarchy, which the core has never heard of.
  mkdir -m 755 "$TEST_TMP/plugins"
  cp "$BERTH_TEST_VENDOR_PLUGIN_DIR/cgroup-foo.so" "$TEST_TMP/plugins/"
  BERTH_PLUGIN_PATH=$TEST_TMP/plugins run berth features
  rm -rf "$TEST_TMP"
  [ "$status" -eq 0 ]
  jq -e '.linux.cgroup == {"v1": false, "v2": true, "systemd": false}' <<<"$output"
}

@test "features' seccomp section: runc's actions and operators, every architecture and flag berth takes" {
  run berth features
  [ "$status" -eq 0 ]
  s=$(jq -c .linux.seccomp <<<"$output")
  echo "$s"
  jq -e '.enabled == true' <<<"$s"
  jq -e '.actions == ["SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS",
                      "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", "SCMP_ACT_TRACE",
                      "SCMP_ACT_TRAP"]' <<<"$s"
  jq -e '.operators == ["SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE", "SCMP_CMP_LT",
                        "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE"]' <<<"$s"
  # runc 1.1's list of architectures is in it (berth's may add libseccomp's newer ones).
  jq -e '.archs as $a | ["SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64",
         "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32",
         "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390", "SCMP_ARCH_S390X",
         "SCMP_ARCH_X32", "SCMP_ARCH_X86", "SCMP_ARCH_X86_64"] | all(. as $x | $a | index($x))' <<<"$s"
  jq -e '.archs == (.archs | sort)' <<<"$s"
  jq -e '.knownFlags == ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_TSYNC"]' <<<"$s"
  # Every one of them since Linux 4.17; this host's kernel is newer.
  jq -e '.supportedFlags == .knownFlags' <<<"$s"
}

# calls_of BERTH_PID: the plugin's recorded calls (tests/plugins/test_lsm_plugin.c), each
# checked to have run in a child of that berth, never in berth itself; prints "entry enabled".
calls_of() {
  local what pid ppid seen=()
  while read -r what pid ppid; do
    [ "$ppid" = "$1" ] || { echo "$what ran in pid $pid, child of $ppid, not of berth $1" >&2; return 1; }
    seen+=("$what")
  done <"$TEST_TMP/calls"
  echo "${seen[*]}"
}

@test "features and check run an LSM plugin's code only in a child, once: entry point and enabled op" {
  mkdir -m 755 "$TEST_TMP/plugins"
  # The ABI 1.2 apparmor.so of tests/plugins: labels process.apparmorProfile, enabled.
  install -m 755 "$BERTH_TEST_VENDOR_PLUGIN_DIR/../lsm/apparmor.so" "$TEST_TMP/plugins/"
  export BERTH_PLUGIN_PATH=$TEST_TMP/plugins BERTH_TEST_PLUGIN_CALLS=$TEST_TMP/calls
  "$BERTH" features >"$TEST_TMP/out" &
  pid=$!
  wait "$pid"
  [ "$(calls_of "$pid")" = "entry enabled" ]
  # What the child said is what features says, for the plugin and for the OCI key.
  jq -e '.linux.apparmor.enabled == true' "$TEST_TMP/out"
  jq -e '."org.berth".plugins[] | select(.name == "apparmor") | .enabled and .fields == ["process.apparmorProfile"]' "$TEST_TMP/out"
  rm "$TEST_TMP/calls"
  status=0
  "$BERTH" check --format json >"$TEST_TMP/out" &
  pid=$!
  wait "$pid" || status=$? # no cgroup plugin here: the configured driver cannot work
  [ "$status" -eq 1 ]
  [ "$(calls_of "$pid")" = "entry enabled" ]
  jq -e '.lsm == [{"plugin": "apparmor", "loads": true, "fields": ["process.apparmorProfile"], "enabled": true}]' "$TEST_TMP/out"
}

@test "features names the annotations that change what berth does (runtime-spec 1.2's potentiallyUnsafeConfigAnnotations)" {
  run berth features
  [ "$status" -eq 0 ]
  jq -e '.ociVersionMax == "1.2.0"' <<<"$output"
  jq -e '.potentiallyUnsafeConfigAnnotations == ["org.systemd.property.", "berth.devices"]' <<<"$output"
}
