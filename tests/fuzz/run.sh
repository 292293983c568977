#!/bin/sh
# run.sh FUZZER SEEDS DICT WORKDIR SECONDS: every seed (the committed corpus, crash regressions
# included), then SECONDS of mutation. New inputs go to WORKDIR/corpus, never into the source
# tree; a crash, leak, UB report or timeout leaves WORKDIR/crash-* (or leak-*, timeout-*) and
# fails the test with libFuzzer's report.
set -eu
fuzzer=$1 seeds=$2 dict=$3 work=$4 seconds=$5
rm -rf "$work"
mkdir -p "$work/corpus"
set -- "$work/corpus" "$seeds" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 \
  -print_final_stats=1 -artifact_prefix="$work/"
[ -f "$dict" ] && set -- "$@" -dict="$dict"
UBSAN_OPTIONS=print_stacktrace=1 exec "$fuzzer" "$@"
