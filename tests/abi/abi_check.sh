#!/bin/sh
# abi_check.sh BASELINE ANCHOR SUPPRESSIONS: compare the freshly built ABI anchor with the
# committed baseline. Exit 0 when abidiff finds no change, or none but members appended at the
# end of a versioned struct; 1 (with abidiff's report) for any other change; 2 when abidiff
# itself cannot run. After a new minor, regenerate the baseline with
#   abidw --no-corpus-path --no-comp-dir-path --no-show-locs --out-file BASELINE ANCHOR
# where ANCHOR is build/tests/abi/libberth-abi-anchor.so.
set -u
baseline=$1 anchor=$2 suppressions=$3
report=$(mktemp)
trap 'rm -f "$report"' EXIT

# abidiff's exit status is a bit field: 1 error, 2 usage, 4 ABI change, 8 incompatible change.
run() {
  abidiff --no-show-locs "$@" "$baseline" "$anchor" >"$report" 2>&1
  rc=$?
  if [ $((rc & 3)) -ne 0 ]; then
    cat "$report" >&2
    echo "plugin ABI: abidiff failed (status $rc)" >&2
    exit 2
  fi
}
fail() {
  cat "$report" >&2
  echo "plugin ABI: $anchor differs from the baseline $baseline: $1" >&2
  exit 1
}

run
if [ $rc -eq 0 ]; then
  echo "plugin ABI: no change from $baseline"
  exit 0
fi

# The rule, as abidiff states it: everything else is suppressed.
run --suppressions "$suppressions"
[ $rc -eq 0 ] || fail "a change other than members appended to a versioned struct"

# libabigail 2.2 (Debian 12) lets has_data_member_inserted_at = end suppress every other change
# of a matching struct as well (a retyped or renamed member next to an appended one, even with
# nothing appended), so the leaf report must show appends and nothing else: per changed struct
# a size change from OLD bits and insertions at offsets >= OLD.
run --leaf-changes-only --no-redundant
awk '
  /^(Leaf changes summary|Changed leaf types summary):/ || /^$/ { next }
  /^Removed\/Changed\/Added (functions|variables) summary:/ {
    if ($0 !~ /: 0 Removed, 0 Changed, 0 Added/) bad = bad "\n  " $0
    next
  }
  /^\x27struct berth_(plugin|host_api|cgroup_request|cgroup_ops|lsm_ops|device_ops|rdt_request|rdt_ops)\x27 changed:$/ {
    old = -1; next
  }
  /^  type size changed from [0-9]+ to [0-9]+ \(in bits\)$/ { old = $5; next }
  /^  [0-9]+ data member insertions?:$/ { next }
  /, at offset [0-9]+ \(in bits\)$/ {
    n = split($0, w, " "); offset = w[n - 2]
    if (old < 0 || offset + 0 < old + 0) bad = bad "\n  " $0
    next
  }
  { bad = bad "\n  " $0 }
  END { if (bad != "") { print "not an append:" bad; exit 1 } }
' "$report" >&2 || fail "a change other than members appended to a versioned struct"
echo "plugin ABI: only members appended at the end of versioned structs"
exit 0
