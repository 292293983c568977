#!/usr/bin/env bash
# Build berth's Debian packages from this tree: `scripts/package-deb.sh [OUTDIR]`
# (default build-deb/). The tree's files (tracked and untracked, not ignored) are copied
# to a scratch directory with packaging/debian as debian/, dpkg-buildpackage -b builds
# there, and the .deb files, the .changes and the .buildinfo land in OUTDIR.
# Needs dpkg-dev, debhelper and the build dependencies (scripts/deps.sh test).
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
out=$(realpath -m "${1:-$src/build-deb}")
version=$(dpkg-parsechangelog -l "$src/packaging/debian/changelog" -S Version)
work=$(mktemp -d /tmp/berth-deb.XXXXXX)
trap 'rm -rf "$work"' EXIT
tree=$work/berth-$version
"$src/scripts/package-copy-tree.sh" "$tree"
rm -rf "$tree/debian"
cp -a "$src/packaging/debian" "$tree/debian"
(cd "$tree" && DEB_BUILD_OPTIONS="nocheck parallel=${BERTH_PACKAGE_JOBS:-$(nproc)}" \
  dpkg-buildpackage -us -uc -b)
mkdir -p "$out"
mv "$work"/*.deb "$work"/*.changes "$work"/*.buildinfo "$out"/
ls "$out"/*.deb
