#!/usr/bin/env bats
# bench/compare.sh as a harness, not its timings: with a tiny N every row runs and yields a
# number, in the printed table and in the JSON it records (--json).

setup() {
  OUT=$(mktemp -d /tmp/berth-bench-harness.XXXXXX)
}

teardown() {
  rm -rf "$OUT"
}

# group/runtime/scenario of every row a default run has (the plugins of the build tree).
EXPECTED="host/berth-v1/csd host/berth-v1/run host/runc/csd host/runc/run
nocg/berth-v2/csd nocg/berth-v2/run
nocg/berth/csd nocg/berth/exec nocg/berth/par nocg/berth/run
nocg/crun/csd nocg/crun/exec nocg/crun/par nocg/crun/run nocg/floor/run
nocg/podman-berth/podman nocg/podman-crun/podman
nocg/runc/csd nocg/runc/exec nocg/runc/par nocg/runc/run"

@test "compare.sh with N=2 runs every row and records a number for each, as JSON too" {
  BENCH_N=2 BENCH_WARMUP=0 BENCH_PARALLEL=4 "$BERTH_SOURCE_DIR/bench/compare.sh" \
    --json "$OUT/results.json" >"$OUT/table" 2>"$OUT/stderr" ||
    { cat "$OUT/table" "$OUT/stderr"; false; }
  cat "$OUT/table"
  ! grep -q FAILED "$OUT/table"
  # Each row: present, no error, two samples, a median (and for par: both batches, a ratio).
  local rows
  rows=$(jq -r '.rows[] | "\(.group)/\(.runtime)/\(.scenario)"' "$OUT/results.json" | sort | tr '\n' ' ')
  [ "$rows" = "$(echo "$EXPECTED" | tr ' ' '\n' | sort | tr '\n' ' ')" ] ||
    { echo "rows: $rows"; false; }
  jq -e '[.rows[] | select(.error != null or (.median_ms | type) != "number" or
          (.median_ms <= 0))] | length == 0' "$OUT/results.json"
  jq -e '[.rows[] | select(.scenario != "par" and .n != 2)] | length == 0' "$OUT/results.json"
  jq -e '[.rows[] | select(.scenario == "par" and ((.speedup | type) != "number" or
          .sequential_ms <= 0 or .parallel_ms <= 0 or .count != 4))] | length == 0' \
    "$OUT/results.json"
  # The printed table: a number on every row, and the ratios of the new rows.
  [ "$(grep -cE '^(exec /bin/true|podman run --rm) .* [0-9]+\.[0-9]{2} +[0-9]+\.[0-9]{2} +[0-9]+$' "$OUT/table")" -eq 5 ]
  [ "$(grep -cE '^run x P, 2 at a time .* [0-9]+ +sequential [0-9]+ ms, speed-up [0-9.]+x' "$OUT/table")" -eq 3 ]
  grep -qE '^  podman: berth/crun +[0-9]+\.[0-9]{2}' "$OUT/table"
  grep -qE '^parallel: berth [0-9.]+x faster' "$OUT/table"
}
