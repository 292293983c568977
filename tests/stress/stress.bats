#!/usr/bin/env bats
# Many containers, four at a time, then nothing left: BERTH_STRESS_CYCLES (default 100; 1000
# for the full run) create/start/exec/delete cycles at concurrency 4, beside one long-running
# foreground `berth run`, and afterwards no mount, cgroup, berth or container process, zombie,
# state directory or fd of the foreground berth more than before.
load ../integration/helpers
load helpers

setup() {
  setup_bundle
  CYCLES=${BERTH_STRESS_CYCLES:-100}
  # The containers' command, unique to this run: what is left of them is found by it.
  TOKEN=$((3000000 + $$))
  args sleep "$TOKEN"
}

# cycle ID: one container's life; a line "cycle ID: WHAT failed" when it fails.
cycle() {
  local id=$1 out
  berth create -b "$BUNDLE" "$id" </dev/null || { echo "cycle $id: create failed"; return 1; }
  berth start "$id" || { echo "cycle $id: start failed"; return 1; }
  out=$(berth exec "$id" echo "exec $id") || { echo "cycle $id: exec failed"; return 1; }
  [ "$out" = "exec $id" ] || { echo "cycle $id: exec said '$out'"; return 1; }
  berth delete -f "$id" || { echo "cycle $id: delete -f failed"; return 1; }
}

# worker W: cycles W, W+4, W+8 ... and a signal to the foreground berth after each.
worker() {
  local w=$1 i
  for ((i = w; i < CYCLES; i += 4)); do
    cycle "$ID-$i" || true # counted from its line
    kill -WINCH "$FG_PID" 2>/dev/null || true # forwarded to the container, which ignores it
  done
}

@test "concurrent create/start/exec/delete cycles leave no mount, cgroup, process, zombie, state dir or fd behind" {
  TEST_PID=$BASHPID # whose zombies count
  # The long-running foreground berth, fds counted once it runs.
  "$BERTH" --root "$ROOT" "${BERTH_DRIVER_ARGS[@]}" run -b "$BUNDLE" "$ID-fg" </dev/null \
    >"$TEST_TMP/fg.log" 2>&1 3>&- &
  FG_PID=$!
  for _ in $(seq 100); do
    [ "$(state_field "$ID-fg" status 2>/dev/null)" = running ] && break
    sleep 0.1
  done
  [ "$(state_field "$ID-fg" status)" = running ]
  fds_before=$(fd_count "$FG_PID")

  start=$SECONDS
  pids=()
  for w in 0 1 2 3; do
    worker "$w" >"$TEST_TMP/worker.$w.log" 2>&1 3>&- &
    pids+=($!)
  done
  wait "${pids[@]}"
  failed=$(cat "$TEST_TMP"/worker.*.log | grep -c '^cycle ' || true)
  echo "# $CYCLES cycles at concurrency 4: $((SECONDS - start)) s, $failed failed" >&3
  if [ "$failed" -gt 0 ]; then
    grep -h . "$TEST_TMP"/worker.*.log | head -n 20
    return 1
  fi

  # The foreground berth: no fd more than before, and it ends with its container.
  fds_after=$(fd_count "$FG_PID")
  echo "# foreground berth run: $fds_before fds before, $fds_after after" >&3
  [ "$fds_after" -eq "$fds_before" ] || { ls -l "/proc/$FG_PID/fd"; return 1; }
  berth kill "$ID-fg" KILL
  rc=0
  wait "$FG_PID" || rc=$?
  [ "$rc" -eq 137 ] || { echo "berth run exited $rc"; cat "$TEST_TMP/fg.log"; return 1; }

  left=$(leftovers)
  echo "# $(leftover_summary "$left")" >&3
  [ -z "$left" ] || { echo "$left" | head -n 40; return 1; }
}

teardown() {
  if [ -n "${FG_PID:-}" ] && kill -0 "$FG_PID" 2>/dev/null; then
    berth kill "$ID-fg" KILL 2>/dev/null || true
    wait "$FG_PID" 2>/dev/null || true
  fi
  remove_leftovers
}
