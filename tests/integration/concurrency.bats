#!/usr/bin/env bats
# Engines run commands on one container at once (an update while a pause, a delete while a
# kill): each acts on one whole state, state.json is never seen torn, nothing leaks.

load helpers

# hammer NAME SECONDS CMD...: run berth CMD in a loop for SECONDS, stderr into $TEST_TMP/NAME.err.
hammer() {
  local name=$1 until=$((SECONDS + $2))
  shift 2
  while [ "$SECONDS" -lt "$until" ]; do
    "$BERTH" --root "$ROOT" "${BERTH_DRIVER_ARGS[@]}" "$@" >/dev/null 2>>"$TEST_TMP/$name.err" || true
  done
}

# Readers: `berth state` and state.json itself always parse.
read_loop() {
  local until=$((SECONDS + $1)) out
  while [ "$SECONDS" -lt "$until" ]; do
    out=$("$BERTH" --root "$ROOT" state "$ID" 2>&1) || { echo "state: $out" >>"$TEST_TMP/read.err"; continue; }
    jq -e '.status == "running" or .status == "paused"' <<<"$out" >/dev/null ||
      echo "state: $out" >>"$TEST_TMP/read.err"
    jq -e .init_process_pid "$ROOT/$ID/state.json" >/dev/null 2>&1 ||
      echo "state.json torn: $(cat "$ROOT/$ID/state.json")" >>"$TEST_TMP/read.err"
  done
}

@test "update, pause, resume, kill and state at once: no torn state.json, only the expected refusals" {
  args sleep 1000
  berth run -d -b "$BUNDLE" "$ID"
  pid=$(state_field "$ID" pid)
  hammer update1 4 update --pids-limit 100 "$ID" &
  hammer update2 4 update --pids-limit 200 "$ID" &
  hammer pause 4 pause "$ID" &
  hammer resume 4 resume "$ID" &
  hammer kill 4 kill "$ID" CONT &
  read_loop 4 &
  wait
  # pause and resume race each other: refusing a paused or running container is right.
  if grep -v -e "is paused, not running" -e "is running, not paused" "$TEST_TMP/pause.err" \
    "$TEST_TMP/resume.err"; then
    return 1
  fi
  for f in update1 update2 kill read; do
    [ ! -s "$TEST_TMP/$f.err" ] || { echo "$f:"; cat "$TEST_TMP/$f.err"; return 1; }
  done
  berth resume "$ID" 2>/dev/null || true
  [ "$(state_field "$ID" status)" = running ]
  [ "$(jq -r '.config.linux.resources.pids.limit' "$ROOT/$ID/state.json")" != null ]
  [ ! -e "$ROOT/$ID"/.state.json.* ] # no temporary file left
  berth delete -f "$ID"
  assert_nothing_left "$ID"
  process_gone "$pid"
}

@test "two creates of one ID at once: exactly one succeeds, the other says it already exists" {
  args sleep 1000
  for round in 1 2 3; do
    status_a=0 status_b=0
    "$BERTH" --root "$ROOT" "${BERTH_DRIVER_ARGS[@]}" create -b "$BUNDLE" "$ID" \
      >/dev/null 2>"$TEST_TMP/a.err" 3>&- &
    a=$!
    "$BERTH" --root "$ROOT" "${BERTH_DRIVER_ARGS[@]}" create -b "$BUNDLE" "$ID" \
      >/dev/null 2>"$TEST_TMP/b.err" 3>&- &
    b=$!
    wait "$a" || status_a=$?
    wait "$b" || status_b=$?
    [ $((status_a + status_b)) -eq 1 ] || { echo "round $round: $status_a $status_b"; return 1; }
    grep -q "container with id $ID already exists" "$TEST_TMP/a.err" "$TEST_TMP/b.err"
    [ "$(state_field "$ID" status)" = created ]
    pid=$(state_field "$ID" pid)
    berth delete -f "$ID"
    assert_nothing_left "$ID"
    process_gone "$pid"
  done
}

@test "three delete -f at once: all succeed, nothing is left" {
  args sleep 1000
  berth run -d -b "$BUNDLE" "$ID"
  pid=$(state_field "$ID" pid)
  for n in 1 2 3; do
    "$BERTH" --root "$ROOT" "${BERTH_DRIVER_ARGS[@]}" delete -f "$ID" 2>"$TEST_TMP/d$n.err" &
    eval "d$n=\$!"
  done
  for n in 1 2 3; do
    eval "wait \$d$n" || { echo "delete $n:"; cat "$TEST_TMP/d$n.err"; return 1; }
  done
  assert_nothing_left "$ID"
  process_gone "$pid"
}
