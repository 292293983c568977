#!/usr/bin/env bash
# Fresh Debian 12, as root: install build and test dependencies, build berth twice (as
# shipped, and with ASan+UBSan) and run every test through ctest, the VM tier included
# (tests/vm: a qemu-booted Debian on pure cgroup v2 with systemd; about half an hour, run
# beside the rest). BERTH_VM_TESTS=OFF ./scripts/test.sh leaves the VM tier out.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh test
cmake -S . -B build -DBERTH_SANITIZERS=ON -DBERTH_VM_TESTS="${BERTH_VM_TESTS:-ON}" >/dev/null
cmake --build build -j"$(nproc)"
cd build
ctest --output-on-failure -j2 "$@"
