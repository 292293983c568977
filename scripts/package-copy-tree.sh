#!/usr/bin/env bash
# Copy this tree's files (tracked and untracked, not ignored; everything but build*/ outside
# git) to DEST, the scratch tree a package is built in: `package-copy-tree.sh DEST`.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$1"
if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
  (cd "$src" && git ls-files -z --cached --others --exclude-standard |
    tar --null --ignore-failed-read -T - -cf -) | tar -xf - -C "$1"
else
  tar -C "$src" --exclude='./build*' -cf - . | tar -xf - -C "$1"
fi
