# Shared by process_fields.bats and process_fields_refusals.bats.

setup() {
  setup_bundle '.process.args = ["sleep", "100"]'
  cp "$BUNDLE/config.json" "$TEST_TMP/pristine.json"
}

pristine() { cp "$TEST_TMP/pristine.json" "$BUNDLE/config.json"; }

# features FILTER: of `berth features` as the test read it into FEATURES (once: each run
# probes every plugin).
features() { jq -c "$1" <<<"$FEATURES"; }

# stat_field PID N: field N of /proc/PID/stat (19 nice, 40 rt_priority, 41 policy).
stat_field() {
  local stat
  stat=$(cat "/proc/$1/stat")
  stat=${stat##*) } # after the command name; this is field 3
  awk -v n=$(($2 - 2)) '{print $n}' <<<"$stat"
}

sched_attr() { python3 "$BATS_TEST_DIRNAME/sched_getattr.py" "$1"; }

# A real-time policy needs real-time runtime in the container's cpu cgroup where the kernel has
# RT group scheduling (cpu.rt_runtime_us) and the driver makes a v1 cpu cgroup, which starts
# with none (the kernel then answers EPERM).
allow_realtime() {
  [ "$(test_driver)" = v1 ] && [ -e "$(cgroup_dir self cpu)/cpu.rt_runtime_us" ] || return 0
  config '.linux.resources.cpu.realtimeRuntime = 10000 | .linux.resources.cpu.realtimePeriod = 1000000'
}

# run_container FILTER: the test's container, running `sleep 100` with the config edited by FILTER
# (from the pristine one); $pid is its process.
run_container() {
  pristine
  config "$1"
  berth run -d -b "$BUNDLE" "$ID"
  pid=$(state_field "$ID" pid)
}

# expect_refusal STATUS "message part" args...: berth exits with STATUS (1, or 255 for exec as
# runc), saying one line. Its output goes through a file, not bats's `run` pipe: were a create
# to succeed, its waiting init would hold that pipe open and the test would hang, not fail.
expect_refusal() {
  local code=$1 want=$2 status=0
  shift 2
  berth "$@" >"$TEST_TMP/refusal.out" 2>&1 || status=$?
  output=$(cat "$TEST_TMP/refusal.out")
  [ "$status" -eq "$code" ] || { echo "exit $status: $output"; return 1; }
  [ "$(wc -l <"$TEST_TMP/refusal.out")" -eq 1 ] || { echo "more than one line: $output"; return 1; }
  [[ "$output" == "berth: "*"$want"* ]] || { echo "got: $output, wanted: $want"; return 1; }
}


# kernel_at_least VERSION: the running kernel is VERSION ("6.9") or newer.
kernel_at_least() { printf '%s\n' "$1" "$(uname -r | cut -d- -f1)" | sort -V -C; }
