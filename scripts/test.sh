#!/usr/bin/env bash
# Fresh Debian 12, as root: install build and test dependencies, build berth twice (as
# shipped, and with ASan+UBSan) and run every test through ctest, the VM tier included
# (tests/vm: a qemu-booted Debian on pure cgroup v2 with systemd; about half an hour, run
# beside the rest). BERTH_VM_TESTS=OFF ./scripts/test.sh leaves the VM tier out.
# BERTH_BUILD_DIR (default build) is the build directory.
set -euo pipefail
build=$(realpath -m "${BERTH_BUILD_DIR:-$(dirname "$0")/../build}")
cd "$(dirname "$0")/.."

# Every option the test command depends on, in one place, given on every run: a cache
# left by another configure (the demo's, a developer's -DBERTH_TESTS=OFF) must not
# silently turn tests off.
options=(
  -DBERTH_TESTS=ON
  -DBERTH_SANITIZERS=ON
  -DBERTH_VM_TESTS="${BERTH_VM_TESTS:-ON}"
)

./scripts/deps.sh test
cmake -S . -B "$build" "${options[@]}" >/dev/null
cmake --build "$build" -j"$(nproc)"
cd "$build"
# A run that finds no test is a failure, not a pass.
ctest --output-on-failure --no-tests=error -j2 "$@"
