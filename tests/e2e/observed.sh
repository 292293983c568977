#!/usr/bin/env bash
# observed.sh LOGDIR [VM_RESULTS]: OBSERVED.md from the observed-*.log files that the e2e
# suites wrote to LOGDIR (the build's tests/e2e): every distinct runtime command line each
# engine passed to berth, paths and IDs replaced by placeholders, in the order first seen.
# VM_RESULTS (run-vm.sh --results of a run with suites/v2/engines_checkpoint.bats) adds what
# the engines called for checkpoint and restore in the VM (its TAP's "# observed:" lines).
#   ctest -L e2e && tests/e2e/observed.sh build/tests/e2e [/tmp/vm] > tests/e2e/OBSERVED.md
set -euo pipefail
dir=$1 vm=${2:-}

normalize() {
  sed -E -e 's#(--root|--log|--bundle|--pid-file|--console-socket|--process)([ =])[^ ]+#\1\2<\1>#g' \
    -e 's#--resources=[^ ]+#--resources=<file>#g' \
    -e 's#(--image-path|--work-path|--parent-path)([ =])[^ ]+#\1\2<\1>#g' \
    -e 's#<--(image-path|work-path|parent-path)>#<\1>#g' \
    -e 's#<--(root|log|bundle|process)>#<\1>#g; s#<--pid-file>#<pid-file>#g' \
    -e 's#<--console-socket>#<socket>#g' \
    -e 's#\b[0-9a-f]{64}\b#<id>#g; s#\be2e-[A-Za-z0-9-]+#<id>#g' \
    "$1" | awk '!seen[$0]++'
}

section() {
  local log=$dir/observed-$1.log
  [ -s "$log" ] || { echo "observed.sh: $log is missing or empty: run ctest -L e2e" >&2; exit 1; }
  printf '\n## %s\n\n%s\n\n```\n' "$2" "$3"
  normalize "$log"
  printf '```\n'
}

cat <<'MD'
# Runtime calls observed from real engines

What Debian 12's engines actually ask of berth, recorded by the e2e tier (`ctest -L e2e`):
a wrapper named `berth` (tests/e2e/helpers.bash) logs each command line before it execs
berth. Generated with `tests/e2e/observed.sh BUILD/tests/e2e > tests/e2e/OBSERVED.md`;
every distinct line, in the order first seen; `<id>` is a container ID, the other `<...>`
are paths the engine chose.
MD
section podman "podman $(podman --version | awk '{print $3}') with conmon $(conmon --version | awk 'NR == 1 {print $3}')" \
  'Through `podman --runtime berth` (containers.conf `[engine.runtimes]`, berth listed in
`runtime_supports_json`). podman passes no `--root`, so berth uses its default root unless
`--runtime-flag root=DIR` is given, and the `podman container cleanup` process that conmon
starts at exit drops that flag: its `delete --force` always goes to the default root
(the suite points the wrapper at a private root instead). `kill --all` is what `podman stop`
sends to a container without its own PID namespace (`--pid host`).'
section containerd "containerd $(containerd --version | awk '{print $3}'), shim io.containerd.runc.v2" \
  'Through `ctr run --runc-binary berth` (the runtime option BinaryName; `--runc-root` sets
the shim'"'"'s root, to which it appends the namespace). The shim prefixes every call with
`--root`, `--log` and `--log-format json`, reads the last `{"level":"error","msg":...}` of the
log on failure, and ends with `delete --force` of an ID that is already gone, which must exit 0.'
if [ -n "$vm" ]; then
  tap=$vm/v2/engines_checkpoint.tap
  [ -s "$tap" ] || { echo "observed.sh: $tap is missing or empty" >&2; exit 1; }
  sed -n 's/^# observed: //p' "$tap" > "$vm/observed-engines_checkpoint.log"
  dir=$vm section engines_checkpoint "checkpoint and restore, in the VM tier (podman)" \
    'Recorded by tests/vm/suites/v2/engines_checkpoint.bats: `podman container checkpoint` and
`restore` (systemd cgroup manager, hence `--systemd-cgroup`). Every line of the run (create,
start, delete and the rest as above), then checkpoint and restore. podman asks `checkpoint
--help` first (to learn which checkpoint flags the runtime has). containerd'"'"'s checkpoint through the runc shim
is not recorded yet: the shim pauses the container first, and berth does not yet checkpoint a
paused one.'
fi
