#!/usr/bin/env bash
# check-tap.sh RESULT.tap: one ctest test of the VM tier. The VM has already run the suite
# (vm_boot, run-vm.sh); this prints its TAP and stderr and says whether it passed: every
# planned test reported, none "not ok", none skipped (CI runs everything it registers).
set -uo pipefail
tap=$1
if [ ! -f "$tap" ]; then
  echo "no result $tap: the VM did not run this suite (see the output of vm_boot)"
  exit 1
fi
cat "$tap"
log=${tap%.tap}.log
if [ -s "$log" ]; then
  echo "--- stderr of the suite:"
  cat "$log"
fi
plan=$(sed -n 's/^1\.\.\([0-9]*\).*/\1/p' "$tap" | head -n1)
ok=$(grep -c '^ok ' "$tap")
failed=$(grep -c '^not ok ' "$tap")
if [ -z "$plan" ]; then
  echo "FAIL: no TAP plan (bats did not start)"
  exit 1
fi
skipped=$(grep -c '^ok .*# skip' "$tap")
if [ "$failed" -gt 0 ] || [ "$plan" -eq 0 ] || [ $((ok + failed)) -ne "$plan" ] || [ "$skipped" -gt 0 ]; then
  echo "FAIL: $ok ok ($skipped of them skipped), $failed not ok of $plan planned"
  exit 1
fi
echo "PASS: $ok of $plan"
