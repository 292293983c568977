#!/usr/bin/env bats
# A plugin that crashes or hangs takes down neither `berth features` nor the containers that
# do not select it: features lists it with what happened, and a create that selects it fails
# in one line naming the file and leaves nothing behind. The bad plugins are fixtures of
# tests/plugins (crash_entry.so segfaults in its entry point, hang_entry.so never returns).

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

@test "create with a cgroup plugin that crashes fails naming the file and leaves nothing behind" {
  # Another container, made before with the shipped plugins, is not touched.
  args sleep 100
  berth run -d -b "$BUNDLE" "$ID-other" </dev/null >/dev/null
  install_fixture crash_entry cgroup-v1
  BERTH_PLUGIN_PATH="$BAD:$BERTH_PLUGIN_PATH" run --separate-stderr \
    "$BERTH" --root "$ROOT" --cgroup-driver v1 create -b "$BUNDLE" "$ID"
  [ "$status" -eq 1 ] || { echo "exit $status: $stderr"; return 1; }
  [ "$stderr" = "berth: create $ID: cgroup driver \"v1\": plugin $BAD/cgroup-v1.so: crashed (signal 11)" ] ||
    { echo "stderr: $stderr"; return 1; }
  assert_nothing_left "$ID"
  [ "$(berth list -q)" = "$ID-other" ]
  [ "$(state_field "$ID-other" status)" = running ]
  # And containers that do not select the bad plugin are still made as before.
  berth create -b "$BUNDLE" "$ID-after"
  [ "$(state_field "$ID-after" status)" = created ]
}
