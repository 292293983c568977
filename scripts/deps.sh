#!/usr/bin/env bash
# Install what berth needs on Debian 12: `deps.sh build` or `deps.sh test`.
set -euo pipefail
build_pkgs=(cmake gcc make pkg-config libjson-c-dev libseccomp-dev libsystemd-dev libselinux1-dev busybox-static)
test_pkgs=(libcmocka-dev bats jq clang-format iproute2 procps util-linux python3 uidmap dbus-daemon podman conmon containerd runc crun clang libclang-rt-14-dev)
# The plugin ABI gate (tests/abi): abidw and abidiff.
test_pkgs+=(abigail-tools)
# The VM tier (tests/vm): debootstrap builds the image, mkfs.ext4 makes it a disk, qemu boots it.
test_pkgs+=(qemu-system-x86 debootstrap e2fsprogs)
# The administrator's tools (tests/admin, install.bats): groff renders the man pages,
# bash-completion's loader and completionsdir.
test_pkgs+=(groff-base bash-completion)
# The packages (tests/packaging): dpkg-buildpackage with debhelper, lintian, rpmbuild.
test_pkgs+=(dpkg-dev debhelper lintian rpm)
# checkpoint/restore (tests/integration/checkpoint_refusals.bats; berth-plugin-criu's Depends).
test_pkgs+=(criu)
want=("${build_pkgs[@]}")
[ "${1:-build}" = test ] && want+=("${test_pkgs[@]}")
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
