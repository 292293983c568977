#!/usr/bin/env bash
# build-image.sh [--key]: build the VM image of recipe/ unless the cache holds it, and
# print its directory (rootfs.img, vmlinuz, initrd.img). --key prints only the cache key:
# a hash of recipe/ and of this script, for CI to key its cache on.
#
# The image is Debian bookworm from debootstrap --variant=minbase with recipe/packages
# (Debian's kernel included, so that its modules and initrd match it) and then, with apt-get
# in the tree, recipe/packages-apt (what debootstrap's resolver cannot install), turned into a raw
# ext4 image by mkfs.ext4 -d: no loop device, no mount on the host. The cache is
# $BERTH_VM_CACHE (default /var/cache/berth-vm), which keeps the current image only; the
# mirror is $BERTH_VM_MIRROR, else the Debian archive apt is configured with. Progress and
# timings go to stderr.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
recipe=$here/recipe
cache=${BERTH_VM_CACHE:-/var/cache/berth-vm}

log() { echo "build-image: $*" >&2; }

cache_key() {
  (cd "$here" && sha256sum build-image.sh recipe/* | sha256sum | cut -c1-16)
}

# The first Debian archive configured for apt (one-line or deb822 sources), not -security.
apt_mirror() {
  local uri
  uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
    awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^https?:\/\/.*\/debian\/?$/) { print $i; exit } }')
  if [ -z "$uri" ]; then
    uri=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
      awk 'tolower($1) == "uris:" { for (i = 2; i <= NF; i++) if ($i ~ /^https?:\/\/.*\/debian\/?$/) { print $i; exit } }')
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}

# The names of a recipe list, joined with SEP.
packages() { sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$recipe/${1:-packages}" | paste -sd"${2:-,}" -; }

# recipe/packages-apt, with apt-get in the tree (its sources.list is debootstrap's mirror), in a
# private mount namespace that takes /proc with it; no service starts in a chroot.
apt_stage() {
  local root=$1
  printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
  chmod 755 "$root/usr/sbin/policy-rc.d"
  # shellcheck disable=SC2046 # one word per package
  unshare --mount --propagation private sh -c '
    mount -t proc proc "$0/proc" &&
    chroot "$0" apt-get update -q &&
    DEBIAN_FRONTEND=noninteractive chroot "$0" apt-get install -y -q --no-install-recommends "$@"' \
    "$root" $(packages packages-apt ' ')
  rm -f "$root/usr/sbin/policy-rc.d"
}

# Configure the tree debootstrap made: boot straight to systemd with the runner unit,
# a small initrd, nothing that wakes up on a timer.
configure_root() {
  local root=$1
  echo berth-vm > "$root/etc/hostname"
  : > "$root/etc/fstab" # the kernel mounts the root read-write (cmdline), nothing else
  # A machine-id makes the boot a normal one, not a first boot (no systemd-firstboot).
  tr -d - < /proc/sys/kernel/random/uuid > "$root/etc/machine-id"
  chroot "$root" passwd -dq root # console login for debugging a booted image
  install -m 755 "$recipe/berth-vm-run" "$root/usr/local/sbin/berth-vm-run"
  install -m 644 "$recipe/berth-vm.service" "$root/etc/systemd/system/berth-vm.service"
  ln -sf /etc/systemd/system/berth-vm.service \
    "$root/etc/systemd/system/multi-user.target.wants/berth-vm.service"
  for unit in apt-daily.timer apt-daily-upgrade.timer systemd-firstboot.service; do
    ln -sf /dev/null "$root/etc/systemd/system/$unit"
  done
  # Read only when the kernel boots with SELinux (cmdline-selinux): permissive, the policy of
  # selinux-policy-default. Stated here rather than left to the package's postinst.
  printf 'SELINUX=permissive\nSELINUXTYPE=default\n' > "$root/etc/selinux/config"
  sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$recipe/initramfs-modules" \
    > "$root/etc/initramfs-tools/modules"
  sed -i 's/^MODULES=.*/MODULES=list/' "$root/etc/initramfs-tools/initramfs.conf"
  # update-initramfs wants /proc: mount it in a private mount namespace that takes the
  # mount with it when it ends, whatever happens.
  unshare --mount --propagation private sh -c \
    'mount -t proc proc "$1/proc" && chroot "$1" update-initramfs -u -k all' sh "$root" >&2
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
}

build() {
  local key=$1 dest=$2 work=$3 root=$3/root t
  mkdir -p "$root"
  t=$SECONDS
  local mirror
  mirror=$(apt_mirror)
  log "debootstrap bookworm from $mirror ($(packages))"
  # Also in a private mount namespace: debootstrap mounts /proc and /sys in the target and
  # a failure half-way must not leave them behind.
  unshare --mount --propagation private \
    debootstrap --variant=minbase --include="$(packages)" bookworm "$root" "$mirror" \
    > "$work/debootstrap.log" 2>&1 || {
    tail -n 30 "$work/debootstrap.log" >&2
    log "debootstrap failed (full log above: last 30 lines)"
    return 1
  }
  log "stage debootstrap: $((SECONDS - t)) s"
  t=$SECONDS
  apt_stage "$root" > "$work/apt.log" 2>&1 || {
    tail -n 30 "$work/apt.log" >&2
    log "apt-get install $(packages packages-apt ' ') failed (last 30 lines above)"
    return 1
  }
  log "stage apt-get: $((SECONDS - t)) s"
  t=$SECONDS
  configure_root "$root"
  log "stage configure + initrd: $((SECONDS - t)) s"
  t=$SECONDS
  mkdir -p "$work/out"
  cp "$root"/boot/vmlinuz-* "$work/out/vmlinuz"
  cp "$root"/boot/initrd.img-* "$work/out/initrd.img"
  # Room for the suites' bundles and logs; the image is sparse, unused blocks cost nothing.
  local mib
  mib=$(($(du -sm "$root" | cut -f1) + 2048))
  truncate -s "${mib}M" "$work/out/rootfs.img"
  mkfs.ext4 -q -F -L berth-vm -d "$root" "$work/out/rootfs.img"
  echo "$key" > "$work/out/key"
  cat "$recipe/packages" "$recipe/packages-apt" > "$work/out/packages"
  log "stage mkfs.ext4 -d (${mib} MiB): $((SECONDS - t)) s"
  rm -rf "$dest"
  mv "$work/out" "$dest"
}

main() {
  local key
  key=$(cache_key)
  if [ "${1:-}" = --key ]; then
    echo "$key"
    return
  fi
  local dest=$cache/bookworm-$key
  mkdir -p "$cache"
  # One builder at a time per cache; a second one waits and then finds the image.
  exec 9> "$cache/lock"
  flock 9
  if [ -e "$dest/key" ]; then
    log "cache hit: $dest"
    echo "$dest"
    return
  fi
  log "cache miss: building $dest"
  local start=$SECONDS
  work=$(mktemp -d "$cache/.build-$key.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  build "$key" "$dest" "$work"
  log "image built in $((SECONDS - start)) s"
  # Images of other recipes are stale here (CI keeps its own per key); BERTH_VM_CACHE_KEEP=1
  # keeps them, for switching between branches.
  if [ "${BERTH_VM_CACHE_KEEP:-0}" != 1 ]; then
    find "$cache" -mindepth 1 -maxdepth 1 -name 'bookworm-*' ! -name "bookworm-$key" \
      -exec rm -rf {} + -exec echo "build-image: removed stale {}" \; >&2
  fi
  echo "$dest"
}

main "$@"
