#!/usr/bin/env bash
# Fresh Debian 12, as root: install build and test dependencies, build berth twice (as
# shipped, and with ASan+UBSan) and run every test through ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh test
cmake -S . -B build -DBERTH_SANITIZERS=ON >/dev/null
cmake --build build -j"$(nproc)"
cd build
ctest --output-on-failure -j2 "$@"
