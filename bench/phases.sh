#!/bin/bash
# bench/phases.sh -- the per-phase map of berth's start: `berth --debug run` of /bin/true from
# a busybox bundle (runc's spec, no terminal), N times per cgroup driver, and the median of
# each "phase NAME: MS ms" line (core/phase.h), as a markdown table.  As root:
#   BENCH_PHASE_N=20 BENCH_PHASE_DRIVERS="none v1" bench/phases.sh
# Environment: BERTH, BERTH_PLUGIN_PATH as for compare.sh.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_DIR/.." && pwd)
BERTH=${BERTH:-$REPO/build/bin/berth}
export BERTH_PLUGIN_PATH=${BERTH_PLUGIN_PATH:-$REPO/build/lib/berth/plugins/1}
N=${BENCH_PHASE_N:-20}
DRIVERS=${BENCH_PHASE_DRIVERS:-none v1}
case "$N" in '' | *[!0-9]*) echo "bench: BENCH_PHASE_N: not a number" >&2; exit 2 ;; esac
[ "$(id -u)" -eq 0 ] || { echo "bench: must run as root" >&2; exit 2; }

TMP=$(mktemp -d /tmp/berth-phases.XXXXXX)
PREFIX="bp-${TMP##*.}-"
cleanup() {
  local id
  for id in $("$BERTH" --root "$TMP/root" list -q 2>/dev/null); do
    "$BERTH" --root "$TMP/root" delete -f "$id" >/dev/null 2>&1 || true
  done
  rm -rf --one-file-system "$TMP"
}
trap cleanup EXIT

mkdir -p "$TMP/bundle/rootfs/bin" "$TMP/bundle/rootfs/"{proc,dev,sys,tmp,etc}
cp /bin/busybox "$TMP/bundle/rootfs/bin/busybox"
for a in $(/bin/busybox --list); do
  [ "$a" = busybox ] || ln -s busybox "$TMP/bundle/rootfs/bin/$a"
done
(cd "$TMP/bundle" && "$BERTH" spec)
jq '.process.terminal = false | .process.args = ["/bin/true"]' "$TMP/bundle/config.json" \
  >"$TMP/config.new" && mv "$TMP/config.new" "$TMP/bundle/config.json"

for d in $DRIVERS; do
  for i in $(seq "$N"); do
    "$BERTH" --root "$TMP/root" --cgroup-driver="$d" --debug --log "$TMP/log.$d" \
      run -b "$TMP/bundle" "$PREFIX$d-$i" >/dev/null
  done
done

# One column per driver: the median over the runs of each phase, in the order first logged.
python3 - "$N" "$TMP" $DRIVERS <<'PY'
import re, statistics, sys
n, tmp, drivers = sys.argv[1], sys.argv[2], sys.argv[3:]
order, cols = [], {}
for d in drivers:
    cols[d] = {}
    for line in open("%s/log.%s" % (tmp, d)):
        m = re.search(r'msg="((?:init: )?)phase (.*): ([0-9.]+) ms"', line)
        if not m:
            continue
        name = ("init: " if m.group(1) else "") + m.group(2)
        if name not in order:
            order.append(name)
        cols[d].setdefault(name, []).append(float(m.group(3)))
print("| phase | " + " | ".join("--cgroup-driver=%s (median ms, n=%s)" % (d, n) for d in drivers) + " |")
print("|---|" + "---:|" * len(drivers))
for name in order:
    cells = ["%.3f" % statistics.median(cols[d][name]) if name in cols[d] else "-" for d in drivers]
    print("| %s | %s |" % (name, " | ".join(cells)))
PY
