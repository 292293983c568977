# differential.bats' and differential_cgroup.bats' common part: berth against Debian's runc,
# the same bundle through both runtimes, the same command on each, and the results compared
# where an engine (containerd's shim, CRI-O and podman through conmon, Docker) could tell the
# two apart: exit statuses, the state JSON, the pid file, the JSON log line, and the few
# phrases engines look for in an error (they get no other channel; the quotes are below). A
# difference that no engine can notice is tolerated and says why next to the check that
# tolerates it.
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
