#!/usr/bin/env bats
# berth against Debian's runc: the same bundle through both runtimes, the same command on
# each, and the results compared where an engine (containerd's shim, CRI-O and podman
# through conmon, Docker) could tell the two apart: exit statuses, the state JSON, the
# pid file, the JSON log line, and the few phrases engines look for in an error (they get
# no other channel; the quotes are below). A difference that no engine can notice is
# tolerated and says why next to the check that tolerates it.
#
# runc runs with its own --root under the test's directory and its default cgroupfs driver;
# berth with the suites' driver (helpers.bash: auto, or BERTH_TEST_DRIVER in the VM tier).
# The two containers get different IDs so that their cgroups never meet.

load helpers

RUNC=$(command -v runc || echo /usr/sbin/runc)

# helpers.bash's teardown, kept so that ours can run it after removing runc's containers.
eval "helpers_$(declare -f teardown)"

setup() {
  [ -x "$RUNC" ] || { echo "runc is not installed (scripts/deps.sh test installs it)"; return 1; }
  # runc refuses a rootfs reached through a symlink; mktemp's directory is not one.
  setup_bundle '.process.args = ["sleep", "100"]'
}

teardown() {
  if [ -d "$TEST_TMP/runc-root" ]; then
    for id in $(runc_cmd list -q 2>/dev/null); do runc_cmd delete -f "$id" >/dev/null 2>&1 || true; done
  fi
  helpers_teardown
}

runc_cmd() { "$RUNC" --root "$TEST_TMP/runc-root" "$@"; }

# The container ID each runtime uses for this test.
cid() { echo "$ID-${1:0:1}"; }

# on ENGINE ARGS...: the command on one runtime, @ID standing for its container ID; stdio
# to files, never to a pipe that a detached container would hold open.
on() {
  local engine=$1 id
  id=$(cid "$engine")
  shift
  local args=("${@//@ID/$id}")
  if [ "$engine" = berth ]; then
    berth "${args[@]}"
  else
    runc_cmd "${args[@]}"
  fi </dev/null >"$TEST_TMP/$engine.out" 2>&1
}

# both ARGS...: the command on runc, then on berth; sets r_status/r_output, b_status/b_output.
both() {
  r_status=0
  on runc "$@" || r_status=$?
  r_output=$(cat "$TEST_TMP/runc.out")
  b_status=0
  on berth "$@" || b_status=$?
  b_output=$(cat "$TEST_TMP/berth.out")
}

# same_status [WANT]: both exited alike (and with WANT when given).
same_status() {
  if [ "$b_status" -ne "$r_status" ] || [ "${1:-$r_status}" -ne "$r_status" ]; then
    echo "berth exited $b_status ($b_output), runc $r_status ($r_output); want ${1:-the same}"
    return 1
  fi
}

# The phrases engines search a runtime's error for; each must be in both messages or in
# neither.
#  - containerd, pkg/process/utils.go checkKillError (case-sensitive): "container not
#    running" makes a kill of an exited process "already finished" (NotFound) rather than
#    an error that fails the task's Kill; "does not exist" makes it "no such container".
#  - Docker, daemon translateContainerdStartErr (lower-cased), and podman's
#    getOCIRuntimeError: "executable file not found" / "no such file or directory" are
#    exit 127, "permission denied" is exit 126; podman's UpdateContainerStatus treats a
#    failing `state` with "does not exist" as a removed container.
same_phrases() {
  local phrase r b
  for phrase in "container not running" "does not exist"; do
    r=0 b=0
    [[ "$r_output" == *"$phrase"* ]] && r=1
    [[ "$b_output" == *"$phrase"* ]] && b=1
    [ "$r" = "$b" ] || { echo "\"$phrase\": runc ($r_output) vs berth ($b_output)"; return 1; }
  done
  for phrase in "executable file not found" "no such file or directory" "permission denied"; do
    r=0 b=0
    grep -qiF "$phrase" <<<"$r_output" && r=1
    grep -qiF "$phrase" <<<"$b_output" && b=1
    [ "$r" = "$b" ] || { echo "\"$phrase\": runc ($r_output) vs berth ($b_output)"; return 1; }
  done
}

state_of() { on "$1" state @ID && cat "$TEST_TMP/$1.out"; }

# The state JSON as an engine reads it (go-runc's Container, CRI-O's and the OCI State):
# what each field means rather than its value where values must differ (the IDs, the pid
# numbers, the creation time). Tolerated: "owner" (runc's `state` prints "" and `list`
# prints the user, berth prints the user in both; it is not an OCI field and go-runc does
# not read it) and empty "annotations" (runc omits {}, berth prints it; both decode to an
# empty map).
normal_state() {
  jq -S --arg id "$(cid "$1")" '
    del(.owner)
    | if .annotations == {} then del(.annotations) else . end
    | .id |= (if . == $id then "ID" else . end)
    | .pid |= (if . > 0 then "a live pid" else . end)
    | .created |= (if test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$")
                   then "RFC 3339 UTC" else . end)'
}

same_state() {
  local r b
  r=$(state_of runc | normal_state runc) || { echo "runc state failed"; return 1; }
  b=$(state_of berth | normal_state berth) || { echo "berth state failed"; return 1; }
  [ "$r" = "$b" ] || { diff <(echo "$r") <(echo "$b"); return 1; }
  [ -z "${1:-}" ] || [ "$(jq -r .status <<<"$b")" = "$1" ] || { echo "status not $1: $b"; return 1; }
}

wait_stopped() {
  local engine
  for engine in runc berth; do
    for _ in $(seq 100); do
      [ "$(state_of "$engine" | jq -r .status)" = stopped ] && break
      sleep 0.1
    done
  done
}

@test "state: the same fields and values through created, running and stopped" {
  config '.annotations = {"org.example/key": "value", "empty": ""}'
  both create -b "$BUNDLE" @ID
  same_status 0
  same_state created
  both start @ID
  same_status 0
  same_state running
  both kill @ID KILL
  same_status 0
  wait_stopped
  same_state stopped
  [ "$(state_of berth | jq .pid)" = 0 ]
  both delete @ID
  same_status 0
  both state @ID
  same_status 1
  same_phrases
}

@test "state: paused, and a relative rootfs and bundle resolved alike" {
  config '.root.path = "rootfs"'
  mkdir "$TEST_TMP/b2"
  cp "$BUNDLE/config.json" "$TEST_TMP/b2/"
  cp -a "$ROOTFS_DIR/rootfs" "$TEST_TMP/b2/rootfs"
  cd "$TEST_TMP"
  both run -d -b b2 @ID
  same_status 0
  same_state running
  [ "$(state_of berth | jq -r .bundle)" = "$TEST_TMP/b2" ]
  [ "$(state_of berth | jq -r .rootfs)" = "$TEST_TMP/b2/rootfs" ]
  both pause @ID
  same_status 0
  same_state paused
  both delete @ID
  same_status 1
  both resume @ID
  same_status 0
  same_state running
  both delete -f @ID
  same_status 0
}

@test "state and every command of an unknown container fail alike" {
  for cmd in state start "kill" pause resume delete ps; do
    both $cmd nosuch
    same_status 1
    same_phrases
  done
  # runc's exec reports every failure, this one too, as 255.
  both exec nosuch true
  same_status 255
  same_phrases
  both delete --force nosuch
  same_status 0
  both delete -f nosuch
  same_status 0
}

@test "run exits with the container's status" {
  for code in 0 3 255 300; do
    config --arg c "exit $code" '.process.args = ["sh", "-c", $c]'
    both run -b "$BUNDLE" @ID
    same_status $((code % 256))
  done
}

@test "run reports a container killed by SIGKILL as 137" {
  local engine pid rc
  for engine in runc berth; do
    if [ "$engine" = berth ]; then
      "$BERTH" --root "$ROOT" "${BERTH_DRIVER_ARGS[@]}" run -b "$BUNDLE" "$(cid berth)" </dev/null >/dev/null 2>&1 &
    else
      runc_cmd run -b "$BUNDLE" "$(cid runc)" </dev/null >/dev/null 2>&1 &
    fi
    pid=$!
    for _ in $(seq 100); do
      [ "$(state_of "$engine" 2>/dev/null | jq -r .status)" = running ] && break
      sleep 0.1
    done
    on "$engine" kill @ID KILL
    rc=0
    wait "$pid" || rc=$?
    [ "$rc" -eq 137 ] || { echo "$engine run exited $rc"; return 1; }
  done
}

@test "run of a missing or non-executable command fails alike and says why" {
  # Docker and podman turn the message into the container's exit code (127 / 126).
  for cmd in /nonexistent nosuchcommand /etc/passwd /tmp; do
    config --arg c "$cmd" '.process.args = [$c]'
    both run -b "$BUNDLE" @ID
    same_status 1
    same_phrases
    both delete -f @ID
  done
}

@test "kill: known signals are delivered, unknown ones fail in both" {
  config '.process.args = ["sh", "-c", "trap \"\" USR1 HUP; while :; do sleep 0.1; done"]'
  both run -d -b "$BUNDLE" @ID
  same_status 0
  for sig in SIGUSR1 usr1 HUP 10 TERM; do
    both kill @ID "$sig"
    same_status 0
  done
  # Signal 0 is the liveness probe: delivered to nothing, exit 0 while it runs.
  both kill @ID 0
  same_status 0
  both kill --all @ID 0
  same_status 0
  # Tolerated, as no engine sends them: berth knows RTMIN+N/RTMAX-N names that runc 1.1
  # refuses.
  for sig in SIGNOPE 99 65; do
    both kill @ID "$sig"
    [ "$r_status" -ne 0 ] && [ "$b_status" -ne 0 ] || { echo "kill $sig: runc $r_status, berth $b_status"; return 1; }
  done
  same_state running
  both kill @ID KILL
  same_status 0
  wait_stopped
  # A kill that comes after the container exited: containerd needs "container not running".
  both kill @ID KILL
  same_status 1
  same_phrases
  both kill @ID TERM
  same_status 1
  same_phrases
  # The liveness probe of a stopped container: "container not running".
  both kill @ID 0
  same_status 1
  same_phrases
  [[ "$b_output" == *"container not running"* ]]
  # kill --all of a stopped container is no error in either.
  both kill --all @ID KILL
  same_status 0
  both kill --all @ID 0
  same_status 0
}

@test "delete: a running one needs --force in both, a stopped one does not, a created one does in berth" {
  both run -d -b "$BUNDLE" @ID
  both delete @ID
  same_status 1
  same_state running
  both delete --force @ID
  same_status 0
  both state @ID
  same_status 1
  both create -b "$BUNDLE" @ID
  same_status 0
  # A deliberate difference: runc deletes a created container (killing its init), berth
  # refuses as the runtime spec says ("Attempting to delete a container that is not stopped
  # MUST have no effect on the container and MUST generate an error"; runtime-tools' delete).
  # No engine depends on runc's way (tests/e2e/OBSERVED.md): podman and CRI-O delete with
  # --force, and containerd's shim deletes a created task only after killing it, when it is
  # stopped in both; its plain delete of a task that is gone gets "does not exist" in both.
  both delete @ID
  [ "$r_status" -eq 0 ] || { echo "runc refused: $r_output"; return 1; }
  [ "$b_status" -eq 1 ] || { echo "berth exited $b_status: $b_output"; return 1; }
  [ "$b_output" = "berth: cannot delete container $(cid berth) that is not stopped: created" ]
  # The same words runc uses for a running container, which engines may already match on.
  on runc run -d -b "$BUNDLE" @ID
  rc=0
  on runc delete @ID || rc=$?
  [ "$rc" -eq 1 ] || { echo "runc delete of a running container exited $rc"; return 1; }
  [[ "$(cat "$TEST_TMP/runc.out")" == *"cannot delete container $(cid runc) that is not stopped: running"* ]]
  on runc delete --force @ID
  [ "$(state_of berth | jq -r .status)" = created ]
  both delete --force @ID
  same_status 0
  both state @ID
  same_status 1
  config '.process.args = ["true"]'
  both run -d -b "$BUNDLE" @ID
  wait_stopped
  both delete @ID
  same_status 0
}

@test "start: only a created container starts" {
  both create -b "$BUNDLE" @ID
  both start @ID
  same_status 0
  both start @ID
  same_status 1
  both kill @ID KILL
  wait_stopped
  both start @ID
  same_status 1
  both pause @ID
  same_status 1
  both resume @ID
  same_status 1
}

@test "create: an existing ID, a terminal without a console socket, fail alike" {
  both create -b "$BUNDLE" @ID
  same_status 0
  both create -b "$BUNDLE" @ID
  same_status 1
  config '.process.terminal = true'
  both create -b "$BUNDLE" @ID-tty
  same_status 1
}

@test "create: a kernel.hostname sysctl is refused in runc's words, kernel.domainname runs" {
  config '.linux.sysctl = {"kernel.hostname": "other"}'
  both create -b "$BUNDLE" @ID
  same_status 1
  phrase='sysctl "kernel.hostname" is not allowed as it conflicts with the OCI "hostname" field'
  # (runc's log escapes the quotes.)
  [[ "${r_output//\\/}" == *"$phrase"* ]] && [[ "$b_output" == *"$phrase"* ]] ||
    { echo "runc: $r_output; berth: $b_output"; return 1; }
  both state @ID
  same_status 1
  config '.linux.sysctl = {"kernel.domainname": "example.org"} | .process.args = ["cat", "/proc/sys/kernel/domainname"]'
  both run -b "$BUNDLE" @ID
  same_status 0
  [ "$b_output" = example.org ]
  [ "$r_output" = example.org ]
}

@test "memory.kernel and kernelTCP: the container runs, with a warning" {
  config '.linux.resources.memory = {"kernel": 1048576, "kernelTCP": 1048576} | .process.args = ["true"]'
  both run -b "$BUNDLE" @ID
  same_status 0
  for output in "$r_output" "$b_output"; do
    grep -i warn <<<"$output" | grep -qi "kernel memory settings are ignored" ||
      { echo "runc: $r_output; berth: $b_output"; return 1; }
  done
  both delete @ID
  both --log "$TEST_TMP/@ID.log" --log-format json run -b "$BUNDLE" @ID
  same_status 0
  for engine in runc berth; do
    jq -se 'any(.level == "warning" and (.msg | test("kernel memory settings are ignored"; "i")))' \
      "$TEST_TMP/$(cid "$engine").log"
  done
}

@test "pid files hold the bare pid, as go-runc's ReadPidFile parses it" {
  both create --pid-file "$TEST_TMP/@ID.pid" -b "$BUNDLE" @ID
  same_status 0
  grep -qxE '[0-9]+' "$TEST_TMP/$(cid runc).pid"
  cmp <(tr -d 0-9 <"$TEST_TMP/$(cid runc).pid") <(tr -d 0-9 <"$TEST_TMP/$(cid berth).pid")
  [ "$(cat "$TEST_TMP/$(cid berth).pid")" = "$(state_of berth | jq .pid)" ]
  both exec -d --pid-file "$TEST_TMP/@ID.exec.pid" @ID sleep 10
  same_status 0
  cmp <(tr -d 0-9 <"$TEST_TMP/$(cid runc).exec.pid") <(tr -d 0-9 <"$TEST_TMP/$(cid berth).exec.pid")
}

@test "--log-format json: the last line is the error containerd reports" {
  both --log "$TEST_TMP/@ID.log" --log-format json kill nosuch KILL
  same_status 1
  for engine in runc berth; do
    tail -n 1 "$TEST_TMP/$(cid "$engine").log" |
      jq -e '.level == "error" and (.msg | contains("does not exist")) and (.time | type == "string")'
  done
}

@test "exec: the process's status, 137 for SIGKILL, 255 when it cannot run" {
  both run -d -b "$BUNDLE" @ID
  same_status 0
  both exec @ID sh -c 'exit 7'
  same_status 7
  both exec @ID sh -c 'kill -KILL $$'
  same_status 137
  for cmd in /nonexistent nosuchcommand /etc/passwd /tmp; do
    both exec @ID "$cmd"
    same_status 255
    same_phrases
  done
  both pause @ID
  both exec @ID true
  same_status 255
  both resume @ID
  both kill @ID KILL
  wait_stopped
  both exec @ID true
  same_status 255
}

@test "exec --env overrides the spec's process.env: the later one wins" {
  config '.process.env = ["PATH=/usr/bin:/bin", "FOO=from-spec", "KEEP=kept"]'
  both run -d -b "$BUNDLE" @ID
  same_status 0
  # env, not a shell: a shell keeps one of two FOOs, a program's getenv may see either.
  both exec -e FOO=from-flag -e NEW=added @ID env
  same_status 0
  for output in "$r_output" "$b_output"; do
    [ "$(grep -E '^(FOO|KEEP|NEW)=' <<<"$output" | sort)" = "FOO=from-flag
KEEP=kept
NEW=added" ] || { echo "runc: $r_output; berth: $b_output"; return 1; }
  done
}

@test "exec --process: a symlinked file, and a process without user runs as root" {
  both run -d -b "$BUNDLE" @ID
  same_status 0
  echo '{"args": ["sh", "-c", "id -u; id -g"], "cwd": "/", "env": ["PATH=/bin"]}' >"$TEST_TMP/p.json"
  ln -s p.json "$TEST_TMP/link.json"
  both exec --process "$TEST_TMP/link.json" @ID
  same_status 0
  [ "$b_output" = "0
0" ] && [ "$r_output" = "$b_output" ] || { echo "runc: $r_output; berth: $b_output"; return 1; }
}

@test "exec --cgroup: / is the container's own cgroup, and a v1 controller list names each" {
  local engine pid
  both run -d -b "$BUNDLE" @ID
  same_status 0
  both exec --cgroup / @ID true
  same_status 0
  # cgroup v1 only: a list such as a co-mounted hierarchy's name (cpu,cpuacct), one
  # sub-cgroup in each of its controllers.
  if ! cgroup2_host && [ "$(test_driver)" = v1 ]; then
    for engine in runc berth; do
      pid=$(state_of "$engine" | jq .pid)
      mkdir -p "$(cgroup_dir "$pid" cpu)/sub" "$(cgroup_dir "$pid" cpuacct)/sub"
    done
    both exec --cgroup cpu,cpuacct:sub @ID cat /proc/self/cgroup
    same_status 0
    for output in "$r_output" "$b_output"; do
      for controller in cpu cpuacct; do
        grep -qE "^[0-9]+:([a-z_]+,)*$controller(,[a-z_]+)*:/.*/sub\$" <<<"$output" ||
          { echo "$controller: runc: $r_output; berth: $b_output"; return 1; }
      done
    done
  fi
}

@test "ps: ps(1)'s output for the container's processes, with the caller's ps options" {
  config '.process.args = ["sh", "-c", "sleep 100 & sleep 200"]'
  both run -d -b "$BUNDLE" @ID
  same_status 0
  local engine
  for engine in runc berth; do # until both sleeps run in each
    for _ in $(seq 100); do
      on "$engine" ps --format json @ID
      [ "$(jq length "$TEST_TMP/$engine.out")" = 2 ] && break
      sleep 0.1
    done
  done
  # Default: ps -ef, the header and one line per process (sh execs its last command:
  # sleep 200, and its child sleep 100).
  both ps @ID
  same_status 0
  [ "$(head -n 1 <<<"$b_output")" = "$(head -n 1 <<<"$r_output")" ]
  [ "$(wc -l <<<"$b_output")" = "$(wc -l <<<"$r_output")" ] && [ "$(wc -l <<<"$b_output")" -eq 3 ] ||
    { echo "runc: $r_output; berth: $b_output"; return 1; }
  # The caller's options: the columns they ask for, the lines still only the container's.
  both ps @ID -o pid,comm
  same_status 0
  [ "$(head -n 1 <<<"$b_output")" = "$(head -n 1 <<<"$r_output")" ]
  [[ "$(head -n 1 <<<"$b_output")" =~ ^\ *PID\ COMMAND$ ]] # ps pads PID to pid_max's width
  [ "$(tail -n +2 <<<"$b_output" | awk '{print $2}' | sort)" = "$(tail -n +2 <<<"$r_output" | awk '{print $2}' | sort)" ]
  [ "$(tail -n +2 <<<"$b_output" | awk '{print $1}' | sort -n)" = \
    "$(on berth ps --format json @ID && jq -r '.[]' "$TEST_TMP/berth.out" | sort -n)" ]
  # ps options without a PID column, and options ps refuses, fail in both.
  both ps @ID -o comm
  same_status 1
  [[ "$b_output" == *"couldn't find PID field in ps output"* ]]
  both ps @ID --no-such-option
  same_status 1
  # Tolerated: berth also takes the options after "--" (runc hands ps the "--", which ps
  # refuses); no engine passes ps options.
  on berth ps @ID -- -o pid,comm
  [[ "$(head -n 1 "$TEST_TMP/berth.out")" =~ ^\ *PID\ COMMAND$ ]]
  [ "$(wc -l <"$TEST_TMP/berth.out")" -eq 3 ]
}

@test "update --memory -1 lifts a memory+swap limit too, and a later limit leaves swap unlimited" {
  local engine pid dir
  config '.linux.resources.memory = {"limit": 104857600, "swap": 209715200}'
  both run -d -b "$BUNDLE" @ID
  same_status 0
  # The memory and memory+swap (v2: swap) limits of each container's cgroup.
  limits() {
    for engine in runc berth; do
      pid=$(state_of "$engine" | jq .pid)
      dir=$(cgroup_dir "$pid")
      if cgroup2_host; then
        cat "$dir/memory.max" "$dir/memory.swap.max"
      else
        cat "$dir/memory.limit_in_bytes" "$dir/memory.memsw.limit_in_bytes" 2>/dev/null ||
          cat "$dir/memory.limit_in_bytes"
      fi | paste -sd' '
    done
  }
  both update --memory -1 @ID
  same_status 0
  [ "$(limits | sort -u | wc -l)" -eq 1 ] || { limits; return 1; }
  [[ "$(limits | head -n 1)" != *104857600* ]]
  [[ "$(limits | head -n 1)" != *209715200* ]]
  both update --memory 104857600 @ID
  same_status 0
  [ "$(limits | sort -u | wc -l)" -eq 1 ] || { limits; return 1; }
  [[ "$(limits | head -n 1)" == 104857600* ]]
}

@test "exec into a created container runs, as in runc" {
  both create -b "$BUNDLE" @ID
  both exec @ID sh -c 'exit 5'
  same_status 5
  same_state created
}

@test "list --format json: null when empty, then the same objects" {
  both list --format json
  same_status 0
  [ "$r_output" = null ]
  [ "$b_output" = null ]
  both create -b "$BUNDLE" @ID-a
  both run -d -b "$BUNDLE" @ID-b
  both list --format json
  same_status 0
  # Every field as in `state`, "owner" included (runc's list fills it in).
  shape='map({id: (.id | sub("-[rb]-"; "-")), status, pid: (.pid > 0), bundle, rootfs, owner,
              keys: keys}) | sort_by(.id)'
  [ "$(jq -S "$shape" <<<"$r_output")" = "$(jq -S "$shape" <<<"$b_output")" ]
  both list -q
  [ "$(sort <<<"$r_output" | sed 's/-r-/-/')" = "$(sort <<<"$b_output" | sed 's/-b-/-/')" ]
  # Tolerated: `list`'s table pads its columns differently (engines read --format json), and
  # `ps --format json` of a stopped container prints null in runc and [] in berth (both
  # decode to an empty []int in go-runc).
}

@test "list: sorted by ID, whatever order the directory holds them in" {
  local id
  for id in m z a k c; do
    both create -b "$BUNDLE" "@ID-$id"
    same_status 0
  done
  both list -q
  same_status 0
  [ "$(sed 's/-r-/-/' <<<"$r_output")" = "$(sed 's/-b-/-/' <<<"$b_output")" ] ||
    { echo "runc: $r_output; berth: $b_output"; return 1; }
  [ "$b_output" = "$(LC_ALL=C sort <<<"$b_output")" ]
  both list --format json
  [ "$(jq -r '.[].id' <<<"$b_output")" = "$(jq -r '.[].id' <<<"$b_output" | LC_ALL=C sort)" ]
}

@test "hooks: one without env gets the runtime's environment" {
  # It writes what it sees of HOOK_MARK and PATH next to itself, under its container's ID.
  cat >"$TEST_TMP/hook.sh" <<'EOF'
#!/bin/sh
id=$(sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
echo "$HOOK_MARK $PATH" > "${0%/*}/$id.env"
EOF
  chmod 755 "$TEST_TMP/hook.sh"
  config --arg h "$TEST_TMP/hook.sh" '.hooks.createRuntime = [{path: $h}]'
  HOOK_MARK="from the caller" both create -b "$BUNDLE" @ID
  same_status 0
  for engine in runc berth; do
    [ "$(cat "$TEST_TMP/$(cid $engine).env")" = "from the caller $PATH" ] ||
      { echo "$engine's hook saw: $(cat "$TEST_TMP/$(cid $engine).env")"; return 1; }
  done
}

@test "spec: runc's default config, the hostname apart" {
  # Engines write their own config.json, but a bundle made with `spec` must run the same
  # container under both: namespaces included (runc adds a cgroup namespace only on a
  # unified host, which changes what the workload sees in /proc/self/cgroup on v1).
  mkdir "$TEST_TMP/r" "$TEST_TMP/b"
  "$RUNC" spec -b "$TEST_TMP/r"
  berth spec -b "$TEST_TMP/b"
  diff <(jq -S '.hostname = "H"' "$TEST_TMP/r/config.json") \
    <(jq -S '.hostname = "H"' "$TEST_TMP/b/config.json")
  [ "$(jq -r .hostname "$TEST_TMP/b/config.json")" = berth ]
  mkdir "$TEST_TMP/r-rootless" "$TEST_TMP/b-rootless"
  "$RUNC" spec --rootless -b "$TEST_TMP/r-rootless"
  berth spec --rootless -b "$TEST_TMP/b-rootless"
  diff <(jq -S '.hostname = "H"' "$TEST_TMP/r-rootless/config.json") \
    <(jq -S '.hostname = "H"' "$TEST_TMP/b-rootless/config.json")
  both spec -b "$TEST_TMP/b"
  same_status 1
}

@test "run and exec: the process leads its own session and process group, as in runc" {
  # runc's process (init or exec'd) calls setsid(); berth's used to stay in the caller's
  # group and session, outside the pid namespace (0 seen from inside).
  local probe='echo $$ $(cut -d" " -f5,6 /proc/self/stat)'
  config --arg p "$probe" '.process.args = ["sh", "-c", $p]'
  both run -b "$BUNDLE" @ID
  same_status 0
  [ "$r_output" = "1 1 1" ] && [ "$b_output" = "$r_output" ] || { echo "runc: $r_output, berth: $b_output"; return 1; }
  both delete -f @ID
  config '.process.args = ["sleep", "100"]'
  both run -d -b "$BUNDLE" @ID
  same_status 0
  both exec @ID sh -c "$probe"
  same_status 0
  read -r r_pid r_pgrp r_sid <<<"$r_output"
  read -r b_pid b_pgrp b_sid <<<"$b_output"
  [ "$r_pgrp" = "$r_pid" ] && [ "$r_sid" = "$r_pid" ] || { echo "runc: $r_output"; return 1; }
  [ "$b_pgrp" = "$b_pid" ] && [ "$b_sid" = "$b_pid" ] || { echo "runc: $r_output, berth: $b_output"; return 1; }
}

@test "a bind source below a directory the mapped user cannot search mounts in both" {
  mkdir -p "$TEST_TMP/locked/src"
  echo secret-ok >"$TEST_TMP/locked/src/file"
  chmod 000 "$TEST_TMP/locked"
  config --arg a "$TEST_TMP/locked/src" '.linux.namespaces += [{"type": "user"}]
          | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
          | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
          | .mounts += [{"destination": "/tmp", "type": "bind", "source": $a, "options": ["rbind", "ro"]}]'
  args cat /tmp/file
  both run -b "$BUNDLE" @ID
  chmod 755 "$TEST_TMP/locked"
  same_status 0
  [ "$b_output" = "$r_output" ] || { echo "runc: $r_output; berth: $b_output"; return 1; }
}
