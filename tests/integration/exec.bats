#!/usr/bin/env bats
# exec: a new process in a running container, in all of its namespaces and its cgroup.

load helpers

setup() {
  setup_bundle '.process.args = ["sleep", "100"]'
}

start() {
  berth run -d -b "$BUNDLE" "$ID"
  PID=$(state_field "$ID" pid)
}

@test "exec joins every namespace and the cgroup of the container" {
  start
  berth exec -d --pid-file "$TEST_TMP/exec.pid" "$ID" sleep 50
  epid=$(cat "$TEST_TMP/exec.pid")
  for ns in pid net ipc uts mnt cgroup user; do
    [ "$(readlink /proc/$epid/ns/$ns)" = "$(readlink /proc/$PID/ns/$ns)" ]
  done
  [ "$(cat /proc/$epid/cgroup)" = "$(cat /proc/$PID/cgroup)" ] # in every hierarchy
  [ "$(readlink /proc/$epid/root)" = / ] # its own root, not the host's: ns-relative
  run berth ps --format json "$ID"
  jq -e --argjson p "$epid" 'index($p) != null' <<<"$output"
}

@test "exec exits with the process's status and passes its output" {
  start
  run berth exec "$ID" sh -c 'echo pid $$; exit 7'
  [ "$status" -eq 7 ]
  [ "$output" != "pid 1" ]
  [[ "$output" == "pid "* ]]
}

@test "exec's flags: user, env, cwd, capabilities, no-new-privs" {
  config '.process.noNewPrivileges = false'
  start
  run berth exec -u 1000:1001 -g 2000 -e FOO=bar --cwd /tmp "$ID" sh -c 'id -u; id -g; id -G; echo $FOO; pwd'
  [ "${lines[0]}" = 1000 ]
  [ "${lines[1]}" = 1001 ]
  [ "${lines[2]}" = "1001 2000" ]
  [ "${lines[3]}" = bar ]
  [ "${lines[4]}" = /tmp ]
  run berth exec --cap CAP_SYS_ADMIN --no-new-privs "$ID" grep -E '^(CapEff|NoNewPrivs)' /proc/self/status
  [ "${lines[0]}" = "CapEff:	0000000020200420" ]
  [ "${lines[1]}" = "NoNewPrivs:	1" ]
}

@test "exec --process runs a whole OCI process" {
  start
  cat > "$TEST_TMP/process.json" <<'JSON'
{"args": ["sh", "-c", "echo $A; id -u"], "env": ["A=from-process-json"], "cwd": "/",
 "user": {"uid": 7, "gid": 7}}
JSON
  run berth exec --process "$TEST_TMP/process.json" "$ID"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = from-process-json ]
  [ "${lines[1]}" = 7 ]
}

@test "exec --process reads a process substitution (/dev/fd/N, a link to a pipe)" {
  start
  run berth exec --process <(echo '{"args": ["sh", "-c", "echo via-pipe; id -u"], "cwd": "/"}') "$ID"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = via-pipe ]
  [ "${lines[1]}" = 0 ]
}

@test "exec -t gives the process a terminal" {
  start
  run python3 "$BERTH_SOURCE_DIR/tests/integration/pty_run.py" "$BERTH" --root "$ROOT" exec -t "$ID" tty
  [[ "$output" == /dev/pts/* ]]
}

@test "exec refuses bad input with 255 and leaves the container untouched" {
  start
  echo '{"args": "not-an-array", "cwd": "/", "user": {"uid": 0, "gid": 0}}' > "$TEST_TMP/bad.json"
  run berth exec --process "$TEST_TMP/bad.json" "$ID"
  [ "$status" -eq 255 ]
  [[ "$output" == *"args: must be an array of strings"* ]]
  run berth exec "$ID" /no/such/binary
  [ "$status" -eq 255 ]
  [[ "$output" == *'exec: "/no/such/binary"'* ]]
  run berth exec nosuch true
  [ "$status" -eq 255 ]
  [[ "$output" == *"container nosuch does not exist" ]]
  [ "$(state_field "$ID" status)" = running ]
  [ "$(berth ps --format json "$ID" | jq length)" -eq 1 ]
}

@test "exec into a stopped or paused container is refused" {
  start
  berth pause "$ID"
  run berth exec "$ID" true
  [ "$status" -eq 255 ]
  [[ "$output" == *"paused (use --ignore-paused)"* ]]
  berth resume "$ID"
  berth kill "$ID" KILL
  for _ in $(seq 50); do [ "$(state_field "$ID" status)" = stopped ] && break; sleep 0.1; done
  run berth exec "$ID" true
  [ "$status" -eq 255 ]
  [[ "$output" == *"it is stopped"* ]]
}

@test "exec into a container with a user namespace" {
  config '.linux.namespaces += [{"type": "user"}]
          | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
          | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
  start
  run berth exec "$ID" sh -c 'id -u; cat /proc/self/uid_map'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 0 ]
  [[ "${lines[1]}" == *100000* ]]
}
