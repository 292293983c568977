#!/bin/bash
# (SC2317: functions run from trap/bash -c; SC2016: single quotes are for bash -c)
# shellcheck disable=SC2317,SC2016
# bench/compare.sh -- berth vs crun vs runc vs a bare unshare+chroot "floor", side by side,
# on one busybox bundle.  Run as root from anywhere:  bench/compare.sh
#
# Environment:
#   BERTH              berth binary            (default: <repo>/build/bin/berth)
#   BERTH_PLUGIN_PATH  berth plugin directory  (default: <repo>/build/lib/berth/plugins/1)
#   RUNC, CRUN         runtime binaries        (default: /usr/sbin/runc, /usr/bin/crun)
#   BENCH_N            timed iterations per row (default 50)
#   BENCH_WARMUP       untimed iterations first (default 3)
#   BENCH_TIMEOUT      seconds before one runtime command is killed (default 30)
#   BENCH_RUNTIMES     which runtimes to run     (default "berth crun runc"; the floor always runs)
#   BENCH_EXTRA        1 (default): also berth v2 vs runc on cgroup2 and berth v1 vs runc on
#                      the host's hierarchy; 0: only the no-cgroup comparison
#   BENCH_JQ           extra jq filter applied to the bundle's config.json (all runtimes), e.g.
#                      'del(.mounts[] | select(.type == "cgroup"))'
#   BENCH_KEEP         1: keep the temp dir (results JSON, bundle) for inspection
#   BENCH_PARALLEL     runs per batch of the parallel row (default 50: sequential vs 2 at a time)
#   BENCH_PODMAN       1 (default): also `podman run --rm` with berth and with crun; 0: skip
#   BENCH_JSON         also write every row (medians, p90, RSS, samples) to this JSON file
#                      (or: bench/compare.sh --json FILE)
#
# Exit status: 0 when everything ran (targets met or missed are only printed), 1 when any
# runtime command failed or the setup did, 2 on bad usage.
set -euo pipefail
if [ "${1:-}" = --json ] && [ -n "${2:-}" ]; then
  BENCH_JSON=$2
  shift 2
fi
[ $# -eq 0 ] || { echo "usage: bench/compare.sh [--json FILE]" >&2; exit 2; }

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_DIR/.." && pwd)

die() { echo "bench: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || { echo "bench: must run as root" >&2; exit 2; }

export BERTH=${BERTH:-$REPO/build/bin/berth}
export BERTH_PLUGIN_PATH=${BERTH_PLUGIN_PATH:-$REPO/build/lib/berth/plugins/1}
export RUNC=${RUNC:-/usr/sbin/runc}
export CRUN=${CRUN:-/usr/bin/crun}
export BENCH_N=${BENCH_N:-50}
export BENCH_WARMUP=${BENCH_WARMUP:-3}
export BENCH_TIMEOUT=${BENCH_TIMEOUT:-30}
export BENCH_RUNTIMES=${BENCH_RUNTIMES:-berth crun runc}
export BENCH_EXTRA=${BENCH_EXTRA:-1}
export BENCH_PARALLEL=${BENCH_PARALLEL:-50}
BENCH_PODMAN=${BENCH_PODMAN:-1}
case "$BENCH_PARALLEL" in '' | *[!0-9]*) echo "bench: BENCH_PARALLEL: not a number" >&2; exit 2;; esac
export UNSHARE=/usr/bin/unshare CHROOT=/usr/sbin/chroot
case "$BENCH_N$BENCH_WARMUP" in *[!0-9]*) echo "bench: BENCH_N/BENCH_WARMUP: not a number" >&2; exit 2;; esac
[ "$BENCH_N" -ge 1 ] || { echo "bench: BENCH_N must be >= 1" >&2; exit 2; }
wants() { case " $BENCH_RUNTIMES " in *" $1 "*) return 0;; esac; return 1; }

# ---- dependencies (Debian packages), installed only when missing ----------------------------
missing=()
for p in runc crun busybox-static jq python3 util-linux coreutils; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
command -v cc >/dev/null || missing+=(gcc libc6-dev)   # for bench/timeexec.c
if [ ${#missing[@]} -gt 0 ]; then
  echo "bench: installing ${missing[*]}" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
wants runc && { [ -x "$RUNC" ] || die "runc not found at $RUNC"; }
wants crun && { [ -x "$CRUN" ] || die "crun not found at $CRUN"; }
if wants berth; then
  [ -x "$BERTH" ] || die "berth not found at $BERTH (build it, set BERTH=, or BENCH_RUNTIMES=\"crun runc\")"
fi

# ---- temp dir, unique IDs, cleanup even on failure ------------------------------------------
TMP=$(mktemp -d /tmp/berth-bench.XXXXXX)
export BENCH_TMP=$TMP
export BENCH_ID_PREFIX="bb-${TMP##*.}-"     # every container ID (and so cgroup) starts with this

# delete -f every container of ours still listed under one of our --root dirs
sweep_roots() {  # $1 = group
  local r bin args id
  for r in "$TMP"/root-"$1"-*; do
    [ -d "$r" ] || continue
    case "${r##*/root-"$1"-}" in
      berth* | podman-berth) bin=$BERTH ;; crun) bin=$CRUN ;; runc) bin=$RUNC ;; *) continue ;;
    esac
    args=(--root "$r")
    [ "${r##*/root-"$1"-}" = crun ] && args+=(--cgroup-manager=disabled)
    for id in "$r"/"$BENCH_ID_PREFIX"*; do
      [ -e "$id" ] || continue
      "$bin" "${args[@]}" delete -f "${id##*/}" >/dev/null 2>&1 || true
    done
  done
}
export -f sweep_roots

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  set +e
  # containers of the private-namespace group must be deleted where they were created
  if compgen -G "$TMP/root-nocg-*" >/dev/null; then
    "$UNSHARE" -m --propagation private -- bash -c \
      'mount -t cgroup2 none /sys/fs/cgroup && sweep_roots nocg' 2>/dev/null
  fi
  sweep_roots host
  # cgroups a runtime left behind: only directories named after our own IDs, only if empty
  find /sys/fs/cgroup -mindepth 1 -maxdepth 4 -depth -type d -name "${BENCH_ID_PREFIX}*" \
    -exec rmdir {} \; 2>/dev/null
  # nothing should be mounted under $TMP (all mounts were in private namespaces), but check
  awk -v t="$TMP" 'index($5, t) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
    while read -r m; do umount -l "$m"; done
  if [ "${BENCH_KEEP:-0}" = 1 ]; then
    echo "bench: kept $TMP" >&2
  else
    rm -rf --one-file-system "$TMP"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- the timing helper (static when libc.a is there: the smallest pre-exec image) -----------
export BENCH_TIMEEXEC=$TMP/timeexec
cc -O2 -static -o "$BENCH_TIMEEXEC" "$BENCH_DIR/timeexec.c" 2>/dev/null ||
  cc -O2 -o "$BENCH_TIMEEXEC" "$BENCH_DIR/timeexec.c" || die "cannot build bench/timeexec.c"

# ---- the bundle: busybox-static rootfs, runc's default spec, /bin/true, no terminal ---------
BUNDLE=$TMP/bundle
mkdir -p "$BUNDLE/rootfs/bin"
cp /bin/busybox "$BUNDLE/rootfs/bin/busybox"
for a in $(/bin/busybox --list); do
  [ "$a" = busybox ] || ln -s busybox "$BUNDLE/rootfs/bin/$a"
done
mkdir -p "$BUNDLE/rootfs/"{proc,dev,sys,tmp,etc}
(cd "$BUNDLE" && "$RUNC" spec)
jq ".process.terminal = false | .process.args = [\"/bin/true\"] | ${BENCH_JQ:-.}" \
  "$BUNDLE/config.json" >"$BUNDLE/config.json.new"
mv "$BUNDLE/config.json.new" "$BUNDLE/config.json"
# The exec row's target: the same rootfs, sleeping.
mkdir -p "$TMP/bundle-sleep"
jq --arg r "$BUNDLE/rootfs" '.root.path = $r | .process.args = ["/bin/sleep", "100000"]' \
  "$BUNDLE/config.json" >"$TMP/bundle-sleep/config.json"

# ---- podman: private storage and config, the image imported from the rootfs as a tarball;
# berth through a wrapper with its own --root. Set up (and run) in group 1's private mount
# namespace, where crun runs at all: --cgroups=disabled is crun's --cgroup-manager=disabled.
export BENCH_PODMAN_IMAGE=localhost/berth-bench:latest
if [ "$BENCH_PODMAN" = 1 ] && wants berth && wants crun; then
  command -v podman >/dev/null || die "podman not found (BENCH_PODMAN=0 to leave its rows out)"
  P=$TMP/podman
  mkdir -p "$P"/{storage,runroot,tmp,cni}
  printf '#!/bin/sh\nexport BERTH_PLUGIN_PATH=%q\nexec %q --root %q "$@"\n' \
    "$BERTH_PLUGIN_PATH" "$BERTH" "$TMP/root-nocg-podman-berth" >"$P/berth"
  chmod 755 "$P/berth"
  # One containers.conf per runtime (the wrapper's first argument). podman 4.3 reads the list of
  # runtimes that can run without cgroups from runtime_supports_nocgroup (its TOML tag), not
  # the documented runtime_supports_nocgroups: both are given.
  cat >"$P/containers.conf.in" <<EOF
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
netns = "none"
[network]
network_config_dir = "$P/cni"
[engine]
cgroup_manager = "cgroupfs"
events_logger = "none"
lock_type = "file"
runtime = "RUNTIME"
runtime_supports_json = ["crun", "runc", "berth"]
runtime_supports_nocgroups = ["crun", "berth"]
runtime_supports_nocgroup = ["crun", "berth"]
tmp_dir = "$P/tmp"
static_dir = "$P/storage/libpod"
volume_path = "$P/storage/volumes"
[engine.runtimes]
berth = ["$P/berth"]
crun = ["$CRUN"]
EOF
  for rt in berth crun; do sed "s/RUNTIME/$rt/" "$P/containers.conf.in" >"$P/containers-$rt.conf"; done
  printf '[storage]\ndriver = "overlay"\nrunroot = "%s/runroot"\ngraphroot = "%s/storage"\n' \
    "$P" "$P" >"$P/storage.conf"
  # podman RUNTIME ARGS...: podman with that runtime, private storage and config.
  printf '#!/bin/sh\nrt=$1\nshift\nexport CONTAINERS_CONF=%q/containers-$rt.conf CONTAINERS_STORAGE_CONF=%q TMPDIR=%q\nexec podman --root %q --runroot %q --tmpdir %q "$@"\n' \
    "$P" "$P/storage.conf" "$P/tmp" "$P/storage" "$P/runroot" "$P/tmp" >"$P/podman"
  chmod 755 "$P/podman"
  tar --numeric-owner -C "$BUNDLE/rootfs" -cf "$P/rootfs.tar" .
  export BENCH_PODMAN_WRAPPER=$P/podman
fi

# ---- header ---------------------------------------------------------------------------------
ver() { local v; v=$("$@" --version 2>/dev/null | head -n1) || true; echo "${v:-?}"; }
echo "berth bench: $(date -u +%Y-%m-%dT%H:%M:%SZ)  kernel $(uname -r)  $(nproc) CPUs  n=$BENCH_N (+$BENCH_WARMUP warm-up, interleaved)"
wants berth && echo "  berth: $BERTH ($(ver "$BERTH"))  plugins: $BERTH_PLUGIN_PATH"
wants crun && echo "  crun:  $CRUN ($(ver "$CRUN"))"
wants runc && echo "  runc:  $RUNC ($(ver "$RUNC"))"
echo "  bundle: busybox-static, runc spec + terminal=false, args=[/bin/true]${BENCH_JQ:+, jq: $BENCH_JQ}; create+start+delete uses delete -f"
echo "  maxRSS: max over runs of wait4 ru_maxrss (runtime process + descendants it reaped), KiB"

# ---- group 1: no cgroups for anyone except runc (private mount ns, cgroup2 at /sys/fs/cgroup)
status=0
"$UNSHARE" -m --propagation private -- bash -c '
  mount -t cgroup2 none /sys/fs/cgroup || exit 1
  if [ -n "${BENCH_PODMAN_WRAPPER:-}" ]; then
    # The image copy writes a blob-info cache to /var/lib/containers whatever the storage
    # root: an empty /var/lib in this namespace keeps the host clean.
    mount -t tmpfs -o mode=0755 berth-bench /var/lib || exit 1
    "$BENCH_PODMAN_WRAPPER" crun import -q "$BENCH_TMP/podman/rootfs.tar" "$BENCH_PODMAN_IMAGE" \
      >/dev/null || { echo "bench: podman import failed" >&2; exit 1; }
    export BENCH_PODMAN=$BENCH_PODMAN_WRAPPER
  fi
  exec python3 "$1" measure --group nocg --out "$2"' bench \
  "$BENCH_DIR/bench.py" "$TMP/nocg.json" || status=1
results=("$TMP/nocg.json")

# ---- group 2: berth v1 vs runc on the host's own cgroup hierarchy (crun refuses hybrid hosts)
if [ "$BENCH_EXTRA" = 1 ] && { wants berth || wants runc; }; then
  python3 "$BENCH_DIR/bench.py" measure --group host --out "$TMP/host.json" || status=1
  results+=("$TMP/host.json")
fi

python3 "$BENCH_DIR/bench.py" report ${BENCH_JSON:+--json "$BENCH_JSON"} "${results[@]}" || status=1
exit "$status"
