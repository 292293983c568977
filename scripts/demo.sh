#!/usr/bin/env bash
# Fresh Debian 12, as root: install the build dependencies, build berth, make a busybox
# bundle and run a real container from it.
#
# It builds in its own directory (BERTH_BUILD_DIR, default build-demo), with every option it
# depends on given, so that it and scripts/test.sh (build/) never reconfigure each other.
# BERTH_CONFIGURE_ONLY=1 stops after configuring it (tests/contract).
set -euo pipefail
build=$(realpath -m "${BERTH_BUILD_DIR:-$(dirname "$0")/../build-demo}")
cd "$(dirname "$0")/.."
options=(
  -DBERTH_TESTS=OFF
  -DBERTH_SANITIZERS=OFF
  -DBERTH_VM_TESTS=OFF
)
./scripts/deps.sh build
cmake -S . -B "$build" --no-warn-unused-cli "${options[@]}" >/dev/null
[ "${BERTH_CONFIGURE_ONLY:-0}" = 1 ] && exit 0
command -v jq >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jq
cmake --build "$build" -j"$(nproc)"
export BERTH_PLUGIN_PATH=$build/lib/berth/plugins/1
bundle=$(mktemp -d /tmp/berth-demo.XXXXXX)
trap 'rm -rf "$bundle"' EXIT
BERTH=$build/bin/berth ./scripts/make-bundle.sh "$bundle"
"$build/bin/berth" --root /run/berth-demo run -b "$bundle" "demo-$$"
