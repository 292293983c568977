#!/usr/bin/env bats
# A plugin that crashes or hangs takes down neither `berth features` nor the containers that
# do not select it: features lists it with what happened, and a command that selects it dies
# of the crash with one line naming the file (and the op), leaving nothing that breaks the
# next command. The bad plugins are fixtures of tests/plugins (crash_entry.so segfaults in its
# entry point, hang_entry.so never returns, cgroup-crashfoo.so's create op segfaults).

load helpers
bats_require_minimum_version 1.5.0

setup() {
  setup_bundle
  FIXTURES=$(dirname "$BERTH")/../tests/plugins
  [ -f "$FIXTURES/crash_entry.so" ] || { echo "no fixture plugins in $FIXTURES"; return 1; }
  # The loader trusts only root-owned directories and files that nobody else can write.
  BAD=$TEST_TMP/plugins
  mkdir -m 755 "$BAD"
}

# install_fixture CASE NAME: tests/plugins' CASE.so as BAD/NAME.so.
install_fixture() {
  install -m 755 "$FIXTURES/$1.so" "$BAD/$2.so"
}

@test "features lists every plugin and names the one that crashes and the one that hangs" {
  install_fixture crash_entry crash_entry
  install_fixture hang_entry hang_entry
  install_fixture good good
  BERTH_PLUGIN_PATH="$BERTH_PLUGIN_PATH:$BAD" run --separate-stderr berth features
  [ "$status" -eq 0 ] || { echo "exit $status: $stderr"; return 1; }
  jq -e . <<<"$output" >/dev/null
  jq -e --arg f "plugin $BAD/crash_entry.so: crashed (signal 11)" \
    '."org.berth".plugins[] | select(.name == "crash_entry") | .loadable == false and .error == $f' <<<"$output"
  jq -e --arg f "plugin $BAD/hang_entry.so: no answer within 10 s (killed)" \
    '."org.berth".plugins[] | select(.name == "hang_entry") | .loadable == false and .error == $f' <<<"$output"
  # The others are listed as without the bad ones: the fixture and every shipped plugin.
  jq -e '."org.berth".plugins[] | select(.name == "good") | .loadable and .kind == "cgroup"' <<<"$output"
  shipped=$(cd "$BERTH_PLUGIN_PATH" && ls -- *.so | sed 's/\.so$//' | sort)
  alone=$(BERTH_PLUGIN_PATH=$BERTH_PLUGIN_PATH berth features | jq -c '."org.berth".plugins | sort_by(.name)')
  [ "$(jq -c --arg s "$shipped" '."org.berth".plugins | map(select(.name as $n | $s | split("\n") | index($n))) | sort_by(.name)' <<<"$output")" = "$alone" ]
}

@test "create with a cgroup plugin whose entry point crashes dies naming the file and leaves nothing behind" {
  # Another container, made before with the shipped plugins, is not touched.
  args sleep 100
  berth run -d -b "$BUNDLE" "$ID-other" </dev/null >/dev/null
  install_fixture crash_entry cgroup-v1
  # The driver the config names loads in this process, without a trial child: its crash is
  # this command's, with the file named, and the status of the signal (128 + SIGSEGV).
  BERTH_PLUGIN_PATH="$BAD:$BERTH_PLUGIN_PATH" run --separate-stderr \
    "$BERTH" --root "$ROOT" --cgroup-driver v1 create -b "$BUNDLE" "$ID"
  [ "$status" -eq 139 ] || { echo "exit $status: $stderr"; return 1; }
  [ "$stderr" = "berth: plugin $BAD/cgroup-v1.so crashed (SIGSEGV) in its entry point" ] ||
    { echo "stderr: $stderr"; return 1; }
  assert_nothing_left "$ID"
  [ "$(berth list -q)" = "$ID-other" ]
  [ "$(state_field "$ID-other" status)" = running ]
  # And containers that do not select the bad plugin are still made as before.
  berth create -b "$BUNDLE" "$ID-after"
  [ "$(state_field "$ID-after" status)" = created ]
}

# crashfoo CASE: create $ID with the vendor's cgroup-crashfoo.so, whose create op crashes in its
# own code (CASE "plugin") or in libc, called with NULL (CASE "libc").
crashfoo_create() {
  CRASHFOO_IN=$1 run --separate-stderr \
    "$BERTH" --root "$ROOT" --cgroup-driver crashfoo create -b "$BUNDLE" "$ID"
}

@test "a crash in a cgroup plugin's create op names the file and the op, and delete -f cleans up" {
  args sleep 100
  berth run -d -b "$BUNDLE" "$ID-other" </dev/null >/dev/null
  install -m 755 "$BERTH_TEST_VENDOR_PLUGIN_DIR/cgroup-crashfoo.so" "$BAD/"
  export BERTH_PLUGIN_PATH="$BAD:$BERTH_PLUGIN_PATH"
  for where in plugin libc; do
    crashfoo_create "$where"
    # Killed by the signal itself (no exit(1) dressed up), after one line naming the culprit:
    # the faulting code is the plugin's, or libc's called from inside the plugin's op.
    [ "$status" -eq 139 ] || { echo "$where: exit $status: $stderr"; return 1; }
    [ "$stderr" = "berth: plugin $BAD/cgroup-crashfoo.so crashed (SIGSEGV) in op create" ] ||
      { echo "$where: stderr: $stderr"; return 1; }
    # The half-made container is a stopped one that the next commands see and remove (its
    # lock died with the process); the one that does not use the plugin runs on.
    [ "$(berth list -q | sort | tr '\n' ' ')" = "$ID $ID-other " ]
    [ "$(state_field "$ID" status)" = stopped ]
    [ "$(state_field "$ID-other" status)" = running ]
    # delete -f remakes a cgroup the interrupted create may have made, in a child: the
    # plugin's create crashes again there, is warned about, and the record still goes.
    run --separate-stderr "$BERTH" --root "$ROOT" delete -f "$ID"
    [ "$status" -eq 0 ] || { echo "$where: delete exit $status: $stderr"; return 1; }
    [[ "$stderr" == *"delete $ID: the cgroup of its interrupted create: plugin $BAD/cgroup-crashfoo.so: crashed (signal 11)"* ]] ||
      { echo "$where: delete stderr: $stderr"; return 1; }
    assert_nothing_left "$ID"
    [ "$(berth list -q)" = "$ID-other" ]
  done
}

@test "a crash in berth's own code with a plugin loaded is not blamed on the plugin" {
  # The failpoint faults in the core, after the driver's create op returned: the default
  # action, no line about a plugin.
  install -m 755 "$BERTH_TEST_VENDOR_PLUGIN_DIR/cgroup-foo.so" "$BAD/"
  BERTH_TEST_CRASH_SIGNAL=SEGV BERTH_TEST_CRASH_AT=create-cgroup BERTH_PLUGIN_PATH="$BAD:$BERTH_PLUGIN_PATH" \
    run --separate-stderr "$BERTH" --root "$ROOT" --cgroup-driver foo create -b "$BUNDLE" "$ID"
  # (The asan variant's own handler reports the fault and exits 1: it was there first.)
  if [ "$BERTH_VARIANT" = default ]; then want=139; else want=1; fi
  [ "$status" -eq "$want" ] || { echo "exit $status: $stderr"; return 1; }
  [[ "$stderr" != *"berth: plugin"* ]] || { echo "stderr: $stderr"; return 1; }
  BERTH_PLUGIN_PATH="$BAD:$BERTH_PLUGIN_PATH" "$BERTH" --root "$ROOT" delete -f "$ID"
  assert_nothing_left "$ID"
}
