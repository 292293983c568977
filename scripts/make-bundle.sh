#!/usr/bin/env bash
# make-bundle.sh DIR [ARGS...]: an OCI bundle in DIR with a busybox-static rootfs and
# berth's default spec (no terminal), running ARGS (default: a greeting).
set -euo pipefail
dir=$1; shift
berth=${BERTH:-berth}
mkdir -p "$dir/rootfs"/{bin,proc,sys,dev,etc,tmp,root}
cp /bin/busybox "$dir/rootfs/bin/busybox"
# Every applet as a hard link, made by busybox itself: one process, not one `ln` per applet
# (twelve seconds per bundle under the VM tier's emulation).
"$dir/rootfs/bin/busybox" --install "$dir/rootfs/bin"
echo 'root:x:0:0:root:/root:/bin/sh' > "$dir/rootfs/etc/passwd"
echo 'root:x:0:' > "$dir/rootfs/etc/group"
rm -f "$dir/config.json"
"$berth" spec -b "$dir"
args='["sh","-c","echo hello from a berth container: $(hostname), pid $$"]'
if [ $# -gt 0 ]; then
  args=$(printf '%s\n' "$@" | jq -R . | jq -s -c .)
fi
tmp=$(mktemp)
jq --argjson args "$args" '.process.terminal = false | .process.args = $args' \
  "$dir/config.json" > "$tmp" && mv "$tmp" "$dir/config.json"
