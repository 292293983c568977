#!/usr/bin/env bats
# process.terminal: a pty from the container's devpts, handed to an engine's console socket,
# or proxied by `run` in the foreground.

load helpers

@test "create --console-socket sends the pty master, the process has it as its terminal" {
  config '.process.terminal = true | .process.consoleSize = {"height": 25, "width": 91}'
  args sh -c 'tty; stty size; ls -l /dev/console | cut -c1'
  python3 "$BERTH_SOURCE_DIR/tests/integration/console_receiver.py" "$TEST_TMP/console.sock" "$TEST_TMP/tty.out" &
  receiver=$!
  for _ in $(seq 50); do [ -e "$TEST_TMP/console.sock.ready" ] && break; sleep 0.1; done
  berth create --console-socket "$TEST_TMP/console.sock" -b "$BUNDLE" "$ID"
  berth start "$ID"
  wait "$receiver"
  run cat "$TEST_TMP/tty.out"
  [ "${lines[0]}" = "name=/dev/ptmx" ]
  [[ "${lines[1]}" == /dev/pts/0* ]]
  [[ "${lines[2]}" == "25 91"* ]]
  [[ "${lines[3]}" == c* ]]
}

@test "run in the foreground proxies the terminal" {
  config '.process.terminal = true | .process.consoleSize = {"height": 30, "width": 100}'
  args sh -c 'tty; stty size'
  run python3 "$BERTH_SOURCE_DIR/tests/integration/pty_run.py" "$BERTH" --root "$ROOT" \
    "${BERTH_DRIVER_ARGS[@]}" run -b "$BUNDLE" "$ID"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = /dev/pts/0 ]
  [ "${lines[1]}" = "30 100" ]
}

@test "a terminal for a detached container needs a console socket" {
  config '.process.terminal = true'
  run berth create -b "$BUNDLE" "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *"without --console-socket"* ]]
  assert_nothing_left "$ID"
}

@test "a console socket that is not a socket is refused" {
  config '.process.terminal = true'
  touch "$TEST_TMP/notasocket"
  run berth create --console-socket "$TEST_TMP/notasocket" -b "$BUNDLE" "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *"console socket $TEST_TMP/notasocket is not a socket"* ]]
  assert_nothing_left "$ID"
}

@test "a console socket without a terminal is refused" {
  run berth create --console-socket "$TEST_TMP/x.sock" -b "$BUNDLE" "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *"process.terminal is false"* ]]
  assert_nothing_left "$ID"
}
