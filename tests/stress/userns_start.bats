#!/usr/bin/env bats
# The start race of a user namespace container (issue 9): `berth run ID | cat` of a container
# whose root is host uid 1, from a bundle directory of mode 0700 that only that uid may
# enter, BERTH_STRESS_USERNS_RUNS times (default 50; 500 for the full run), two at a time.
# Every run must print what the container said and exit 0; it failed about one run in seven
# (chdir to the bundle: Permission denied, or berth killed by SIGPIPE: exit 141).
load ../integration/helpers
load helpers

setup() {
  setup_bundle
  RUNS=${BERTH_STRESS_USERNS_RUNS:-50}
  # The rootfs outside the bundle (its directories are 0755); the bundle the mapped root's.
  config '.linux.namespaces += [{"type": "user"}]
          | .linux.uidMappings = [{"containerID": 0, "hostID": 1, "size": 65536}]
          | .linux.gidMappings = [{"containerID": 0, "hostID": 1, "size": 65536}]
          | .process.args = ["echo", "hello from the container"]'
  chown -R 1:1 "$BUNDLE"
  chmod 0700 "$BUNDLE"
}

# one N: one run, its output and stderr in $TEST_TMP/N.out and N.err, its status in N.rc.
one() {
  local rc=0
  set -o pipefail
  berth run -b "$BUNDLE" "$ID-$1" 2>"$TEST_TMP/$1.err" </dev/null | cat >"$TEST_TMP/$1.out" || rc=$?
  echo "$rc" >"$TEST_TMP/$1.rc"
}

@test "a user namespace container from a bundle only its root may enter starts every time, two at a time" {
  local i failed=0
  TEST_PID=$BASHPID # whose zombies count
  for ((i = 0; i < RUNS; i += 2)); do
    one "$i" 3>&- &
    one "$((i + 1))" 3>&-
    wait
  done
  for ((i = 0; i < RUNS; i++)); do
    if [ "$(cat "$TEST_TMP/$i.rc")" != 0 ] || [ "$(cat "$TEST_TMP/$i.out")" != "hello from the container" ]; then
      failed=$((failed + 1))
      echo "run $i: exit $(cat "$TEST_TMP/$i.rc"): $(cat "$TEST_TMP/$i.err")"
    fi
  done >"$TEST_TMP/failures"
  left=$(leftovers)
  echo "# $failed of $RUNS runs failed; $(leftover_summary "$left")" >&3
  # How often each symptom, the container names left out.
  sed -e 's/^run [0-9]*: //' -e "s/$ID-[0-9]*/ID/" "$TEST_TMP/failures" | sort | uniq -c | sort -rn
  [ "$failed" -eq 0 ]
  # A run is gone when it ends, whatever happened (one killed half-way left its state
  # directory and cgroups, which `berth delete -f` did not remove).
  [ -z "$left" ] || { echo "$left" | head -n 40; return 1; }
}

teardown() { remove_leftovers; }
