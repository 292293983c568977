#!/usr/bin/env bash
# Build berth's RPM packages from this tree: `scripts/package-rpm.sh [OUTDIR]` (default
# build-rpm/), with packaging/rpm/berth.spec, rpmbuild -bb --build-in-place in a scratch
# copy of the tree. On Debian (the rpm package) the spec's BuildRequires name Fedora
# packages that dpkg does not know, so rpmbuild runs with --nodeps there (scripts/deps.sh
# installs the real build dependencies), and without debuginfo packages (Debian's rpm has
# no find-debuginfo). On Fedora, `rpmbuild -bb --build-in-place packaging/rpm/berth.spec`
# in the tree does the same with both.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
out=$(realpath -m "${1:-$src/build-rpm}")
work=$(mktemp -d /tmp/berth-rpm.XXXXXX)
trap 'rm -rf "$work"' EXIT
"$src/scripts/package-copy-tree.sh" "$work/tree"
(cd "$work/tree" && rpmbuild -bb --build-in-place --define "_topdir $work/rpmbuild" \
  --define "_smp_mflags -j${BERTH_PACKAGE_JOBS:-$(nproc)}" --nodeps --define 'debug_package %{nil}' packaging/rpm/berth.spec)
mkdir -p "$out"
find "$work/rpmbuild/RPMS" -name '*.rpm' -exec mv {} "$out"/ \;
ls "$out"/*.rpm
