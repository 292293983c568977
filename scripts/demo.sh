#!/usr/bin/env bash
# Fresh Debian 12, as root: install the build dependencies, build berth, make a busybox
# bundle and run a real container from it.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh build
command -v jq >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jq
cmake -S . -B build -DBERTH_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)"
export BERTH_PLUGIN_PATH=$PWD/build/lib/berth/plugins/1
bundle=$(mktemp -d /tmp/berth-demo.XXXXXX)
trap 'rm -rf "$bundle"' EXIT
BERTH=build/bin/berth ./scripts/make-bundle.sh "$bundle"
build/bin/berth --root /run/berth-demo run -b "$bundle" "demo-$$"
