#!/usr/bin/env bash
# guest/run.sh SHARE: the VM tier inside the VM, as root, started by berth-vm.service once
# systemd is up. SHARE is the host's 9p share: SHARE/payload holds berth, its plugins and
# the tests (see run-vm.sh), SHARE/results receives, for the host and ctest:
#   smoke.tap                 the smoke test (guest/smoke.bats)
#   DRIVER/SUITE.tap .xml .log  each suite that plan (below) gives to DRIVER, run under
#                             --cgroup-driver=DRIVER, as TAP, JUnit and stderr
#   plan                      "DRIVER SUITE FILE" lines: what tests/vm/plan.sh gave each driver
#   timings                   "STAGE SECONDS" lines; boot.txt: systemd-analyze
#   features.json             `berth features` in the VM, for whoever reads the results
#   done                      written last: the run completed
# The machine powers off when this script ends, forcibly: containers a failed test left
# behind (a pid-namespace init ignores SIGTERM) would each hold a clean shutdown for 90 s.
set -uo pipefail
share=$1
results=$share/results
opt=/opt/berth
mkdir -p "$results"

say() { echo "[berth-vm] $*"; }
timing() { echo "$1 $2" >> "$results/timings"; }
power_off() {
  sync
  systemctl --force poweroff
}
trap power_off EXIT

# The suites need the whole system: D-Bus and systemd for the systemd driver.
state=$(systemctl is-system-running --wait)
systemd-analyze > "$results/boot.txt" 2>&1
say "up: system $state, $(head -n1 "$results/boot.txt")"
[ "$state" = running ] || systemctl --failed --no-legend | sed 's/^/[berth-vm] failed unit: /'
timing boot "$(awk '{print int($1)}' /proc/uptime)"

# A local copy: the loader wants plugins owned by root and not writable by others, which a
# 9p view of a build tree does not promise.
rm -rf "$opt"
cp -a "$share/payload" "$opt"
chown -R root:root "$opt"
chmod -R go-w "$opt"
# shellcheck source=/dev/null
. "$opt/env" # BERTH_VM_DRIVERS, BERTH_VM_SUITES, BERTH_VM_SUITE_TIMEOUT
export BERTH=$opt/bin/berth BERTH_PLUGIN_PATH=$opt/plugins BERTH_SOURCE_DIR=$opt/src
export DENY_SYSCALLS=$opt/bin/deny_syscalls SYSCALL_PROBE=$opt/bin/syscall_probe
export BERTH_TEST_VENDOR_PLUGIN_DIR=$opt/tests/plugins/vendor
export BERTH_VARIANT=default
export BERTH_VM_TIER=1 # a suite may spend less on what only the host's speed makes cheap (cve.bats)
guest=$opt/src/tests/vm

# Test names of a bats file, as bats reads them.
test_names() {
  local pattern='^[[:blank:]]*@test[[:blank:]]+(.*[^[:blank:]])[[:blank:]]+\{' line name
  while IFS= read -r line; do
    [[ "$line" =~ $pattern ]] || continue
    name=${BASH_REMATCH[1]#[\'\"]}
    echo "${name%[\'\"]}"
  done < "$1"
}

# exclusions DRIVER SUITE: "NAME|REASON" lines from drivers/DRIVER ("SUITE: NAME | REASON").
exclusions() {
  local file=$guest/drivers/$1
  [ -f "$file" ] || return 0
  sed -e '/^[[:space:]]*#/d' -e '/^[[:space:]]*$/d' "$file" | while IFS= read -r line; do
    [ "${line%%:*}" = "$2" ] || continue
    line=${line#*:}
    local name=${line%%|*} reason=${line#*|}
    name=$(sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' <<< "$name")
    echo "$name|$(sed 's/^[[:space:]]*//' <<< "$reason")"
  done
}

# run_bats OUT FILE [FILTER]: OUT.tap, OUT.xml (JUnit), OUT.log (stderr); a suite that
# outlives its timeout is killed and its TAP says so.
run_bats() {
  local out=$1 file=$2 filter=${3:-} start=$SECONDS rc=0 report
  report=$(mktemp -d)
  local args=(--tap --report-formatter junit --output "$report")
  [ -n "$filter" ] && args+=(--filter "$filter")
  timeout -k 10 "${BERTH_VM_SUITE_TIMEOUT:-600}" bats "${args[@]}" "$file" \
    > "$out.tap" 2> "$out.log" || rc=$?
  [ "$rc" -eq 124 ] && echo "# berth-vm: killed after ${BERTH_VM_SUITE_TIMEOUT:-600} s" >> "$out.tap"
  [ -f "$report/report.xml" ] && mv "$report/report.xml" "$out.xml"
  rm -rf "$report"
  local took=$((SECONDS - start))
  say "$(basename "$out"): $(grep -c '^ok' "$out.tap") ok, $(grep -c '^not ok' "$out.tap") not ok, ${took} s"
  timing "${out#"$results"/}" "$took"
}

# run_suite DRIVER FILE: the suite under DRIVER, minus the tests drivers/DRIVER excludes.
run_suite() {
  local driver=$1 file=$2 suite name reason all=() skip=() keep=() n
  suite=$(basename "$file" .bats)
  local out=$results/$driver/$suite
  while IFS='|' read -r name reason; do
    skip+=("$name")
    echo "# excluded for driver $driver: $name ($reason)" >> "$out.excluded"
  done < <(exclusions "$driver" "$suite")
  mapfile -t all < <(test_names "$file")
  for name in "${all[@]}"; do
    for n in "${skip[@]}"; do [ "$n" = "$name" ] && continue 2; done
    keep+=("$name")
  done
  for n in "${skip[@]}"; do # a stale exclusion must not go unnoticed
    printf '%s\n' "${all[@]}" | grep -qxF "$n" || echo "# berth-vm: drivers/$driver names no test \"$n\" in $suite" >> "$out.excluded"
  done
  if [ ${#keep[@]} -eq 0 ]; then # a suite that does not apply is not registered (CMakeLists.txt)
    echo "1..1" > "$out.tap"
    echo "not ok 1 drivers/$driver excludes every test of $suite: move the suite out of tests/integration" >> "$out.tap"
    say "$driver/$suite: every test excluded"
    return
  fi
  # Only with an exclusion: the kept names as bats's --filter, one regular expression; one sed
  # for them all (a fork per test name cost the run seconds under TCG).
  local filter=
  if [ ${#skip[@]} -gt 0 ]; then
    mapfile -t keep < <(printf '%s\n' "${keep[@]}" | sed 's/[][\.|$(){}?+*^]/\\&/g')
    filter="^($(IFS='|'; echo "${keep[*]}"))\$"
  fi
  BERTH_TEST_DRIVER=$driver run_bats "$out" "$file" "$filter"
  [ -f "$out.excluded" ] && cat "$out.excluded" >> "$out.tap"
}

# The SELinux boot (run-vm.sh --selinux): only the suites whose results SELinux changes,
# suites/selinux/*.bats, under the first driver, into selinux/SUITE.tap; not the smoke test,
# tests/integration nor the AppArmor suite (AppArmor is not the major LSM in this boot).
run_selinux_suites() {
  local driver=${BERTH_VM_DRIVERS%% *} file start=$SECONDS
  mkdir -p "$results/selinux"
  say "selinux: $(getenforce 2>&1), policy $(sed -n 's/^SELINUXTYPE=//p' /etc/selinux/config)"
  for file in "$guest/suites/selinux"/*.bats; do
    if [ -n "${BERTH_VM_SUITES:-}" ] && [[ " $BERTH_VM_SUITES " != *" $(basename "$file" .bats) "* ]]; then
      continue # run-vm.sh --suites narrows this boot too
    fi
    BERTH_TEST_DRIVER=$driver run_bats "$results/selinux/$(basename "$file" .bats)" "$file"
  done
  timing selinux $((SECONDS - start))
}

if [ "${BERTH_VM_SELINUX:-}" = 1 ]; then
  "$BERTH" features > "$results/features.json" 2>&1 || say "berth features failed"
  run_selinux_suites
  date -u +%FT%TZ > "$results/done"
  say "done"
  exit 0
fi

BERTH_VM_DRIVERS=$BERTH_VM_DRIVERS run_bats "$results/smoke" "$guest/guest/smoke.bats"
"$BERTH" features > "$results/features.json" 2>&1 || say "berth features failed: $(head -c 300 "$results/features.json")"
# What runs under each driver: tests/vm/plan.sh, from tests/vm/matrix, the same plan that
# CMakeLists.txt registers with ctest.
# shellcheck disable=SC2086 # the drivers are words
"$guest/plan.sh" "$opt/src" $BERTH_VM_DRIVERS > "$results/plan" 2> "$results/plan.log" ||
  say "plan.sh failed: $(cat "$results/plan.log")"
# Read before any suite runs: a suite's containers must not read the plan from stdin.
mapfile -t plan < "$results/plan"
for driver in $BERTH_VM_DRIVERS; do
  start=$SECONDS
  mkdir -p "$results/$driver"
  for line in "${plan[@]}"; do
    read -r planned suite file <<< "$line"
    [ "$planned" = "$driver" ] || continue
    if [ -n "${BERTH_VM_SUITES:-}" ] && [[ " $BERTH_VM_SUITES " != *" $suite "* ]]; then
      continue
    fi
    run_suite "$driver" "$opt/src/$file"
  done
  timing "driver-$driver" $((SECONDS - start))
done
date -u +%FT%TZ > "$results/done"
say "done"
