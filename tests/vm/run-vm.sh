#!/usr/bin/env bash
# run-vm.sh --berth FILE --plugins DIR --source DIR --results DIR
#           [--drivers "v2 systemd none"] [--suites "lifecycle exec"] [--selinux] [--shell]
# The VM tier: build (or take from the cache) the image of build-image.sh, copy berth, its
# plugins and the tests in over 9p, boot Debian's kernel under qemu (TCG) with systemd as
# PID 1 on pure cgroup v2, run the smoke test and tests/integration once per driver inside
# (guest/run.sh), power off, and leave the TAP/JUnit results in --results for ctest
# (check-tap.sh). Prints how long each stage took. Exits 0 when the run completed, whatever
# the tests said; 1 when it could not (image, boot, timeout).
#
# --suites narrows tests/integration (or, with --selinux, suites/selinux) to the named suites
# (for working on one).
# --selinux boots the second configuration: the same image with SELinux as the major LSM
# (cmdline-selinux's parameters added), running only suites/selinux (guest/run.sh).
# --shell boots the same VM with its console on this terminal and runs nothing (log in as
# root, no password; `poweroff` leaves).
#
# Environment: BERTH_VM_CACHE (image cache, default /var/cache/berth-vm), BERTH_VM_TIMEOUT
# (the run once the image is ready, default 4200 s: a cold image build has its own limit,
# ctest's vm_image), BERTH_VM_BOOT_TIMEOUT (to multi-user, default 600 s),
# BERTH_VM_SUITE_TIMEOUT (one suite, default 600 s), BERTH_VM_MEM (2G), BERTH_VM_SMP (2),
# BERTH_VM_ACCEL (tcg: /dev/kvm exists on the CI machines but hangs), BERTH_VM_KEEP=1 keeps
# the temporary directory.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

declare -a stages=()
# stage NAME SECONDS [quiet]: one line of the timings table, also printed at once unless quiet.
stage() {
  stages+=("$(printf '%-30s %5d s' "$1" "$2")")
  [ -n "${3:-}" ] || echo "run-vm: stage $1: $2 s"
}

tmp='' qemu_pid=''
cleanup() {
  if [ -n "$qemu_pid" ] && kill -0 "$qemu_pid" 2>/dev/null; then
    kill "$qemu_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$qemu_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$qemu_pid" 2>/dev/null || true
  fi
  [ -n "$tmp" ] || return 0
  if [ "${BERTH_VM_KEEP:-0}" = 1 ]; then echo "run-vm: kept $tmp"; else rm -rf "$tmp"; fi
}

# The payload: what the guest copies to /opt/berth (guest/run.sh).
stage_payload() {
  local payload=$tmp/share/payload
  mkdir -p "$payload/bin" "$payload/plugins" "$payload/src/tests" "$payload/src/scripts" \
    "$tmp/share/results"
  cp "$berth" "$payload/bin/berth"
  # The suites' compiled helpers (seccomp_last.bats: berth under a filter of the caller's;
  # seccomp_enosys.bats: a static probe copied into the container).
  cp "${DENY_SYSCALLS:?the deny_syscalls helper (DENY_SYSCALLS) is required}" "$payload/bin/"
  cp "${SYSCALL_PROBE:?the syscall_probe helper (SYSCALL_PROBE) is required}" "$payload/bin/"
  cp "$plugins"/*.so "$payload/plugins/" 2>/dev/null || true
  # The fixture plugins beside berth, where the suites look for them (plugin_crash.bats).
  # The vendor fixtures (plugin_selection, check, device_classes) go in vendor/, the LSM test
  # plugin that records where its code runs (features) in lsm/.
  mkdir -p "$payload/tests/plugins/vendor" "$payload/tests/plugins/lsm"
  cp "$(dirname "$berth")"/../tests/plugins/*.so "$payload/tests/plugins/"
  cp "$(dirname "$berth")"/../tests/plugins/vendor/*.so "$payload/tests/plugins/vendor/"
  cp "$(dirname "$berth")"/../tests/plugins/lsm/*.so "$payload/tests/plugins/lsm/"
  # tests/e2e: the engines' helpers and image builder for suites/v2/engines_checkpoint.bats.
  cp -r "$source/tests/integration" "$source/tests/vm" "$source/tests/e2e" "$payload/src/tests/"
  cp "$source/scripts/make-bundle.sh" "$payload/src/scripts/"
  cat > "$payload/env" <<EOF
BERTH_VM_DRIVERS="$drivers"
BERTH_VM_SUITES="$suites"
BERTH_VM_SUITE_TIMEOUT=${BERTH_VM_SUITE_TIMEOUT:-600}
BERTH_VM_SELINUX=$selinux
EOF
  echo "run-vm: payload: berth, plugins: $(cd "$payload/plugins" && echo *.so), drivers: $drivers"
}

# The runner's progress lines, which reach the console through journald (with its prefix).
progress() { grep -a -o '\[berth-vm\] .*' "$console" | tr -d '\r' || true; }

# Wait for qemu, echoing the runner's progress. A guest that does not reach multi-user in
# time, or a run past the timeout, is killed; so is a guest that finished its results but
# does not power off.
wait_for_guest() {
  local seen=0 lines n booted='' done_at=''
  while kill -0 "$qemu_pid" 2>/dev/null; do
    lines=$(progress)
    n=$(printf '%s' "$lines" | grep -c . || true)
    if [ "$n" -gt "$seen" ]; then
      printf '%s\n' "$lines" | tail -n +$((seen + 1))
      seen=$n
    fi
    if [ -z "$booted" ] && grep -aq '\[berth-vm\] up:' "$console"; then
      booted=$SECONDS
      stage "boot to multi-user (host)" $((booted - boot_start))
    fi
    if [ -z "$booted" ] && [ $((SECONDS - boot_start)) -ge "${BERTH_VM_BOOT_TIMEOUT:-600}" ]; then
      echo "run-vm: no multi-user after ${BERTH_VM_BOOT_TIMEOUT:-600} s"
      break
    fi
    if [ -z "$done_at" ] && [ -e "$tmp/share/results/done" ]; then
      done_at=$SECONDS
      [ -z "$booted" ] || stage "suites (host)" $((done_at - booted))
    fi
    if [ -n "$done_at" ] && [ $((SECONDS - done_at)) -ge 60 ]; then
      echo "run-vm: the guest finished but did not power off within 60 s: stopping qemu"
      break
    fi
    if [ $((SECONDS - run_start)) -ge "$timeout_s" ]; then
      echo "run-vm: timeout after ${timeout_s} s"
      break
    fi
    sleep 2
  done
  cleanup_qemu_only
  progress | tail -n +$((seen + 1))
  # A guest that powers off at once is gone before the next poll sees its results.
  if [ -z "$done_at" ] && [ -e "$tmp/share/results/done" ]; then
    done_at=$SECONDS
    [ -z "$booted" ] || stage "suites (host)" $((done_at - booted))
  fi
  [ -z "$done_at" ] || stage "poweroff" $((SECONDS - done_at))
}

cleanup_qemu_only() {
  local keep=$tmp
  tmp=
  cleanup
  tmp=$keep
  qemu_pid=
}

main() {
  berth='' plugins='' source='' results='' drivers=none suites='' shell='' selinux=''
  while [ $# -gt 0 ]; do
    case $1 in
      --berth) berth=$2; shift 2 ;;
      --plugins) plugins=$2; shift 2 ;;
      --source) source=$2; shift 2 ;;
      --results) results=$2; shift 2 ;;
      --drivers) drivers=$2; shift 2 ;;
      --suites) suites=$2; shift 2 ;;
      --shell) shell=1; shift ;;
      --selinux) selinux=1; shift ;;
      *) echo "run-vm.sh: unknown argument $1" >&2; exit 2 ;;
    esac
  done
  local v
  for v in berth plugins source results; do
    [ -n "${!v}" ] || { echo "run-vm.sh: --$v is required" >&2; exit 2; }
  done
  timeout_s=${BERTH_VM_TIMEOUT:-4200}
  start=$SECONDS
  tmp=$(mktemp -d /tmp/berth-vm.XXXXXX)
  trap cleanup EXIT
  trap 'exit 130' INT TERM

  local t image
  t=$SECONDS
  image=$("$here/build-image.sh")
  stage "image ($(basename "$image"))" $((SECONDS - t))
  # The timeout counts from here: the image build is not the suites' budget.
  run_start=$SECONDS
  t=$SECONDS
  stage_payload
  stage payload $((SECONDS - t))

  # snapshot=on: the guest writes to a throw-away overlay in $TMPDIR; the cached image
  # stays as built.
  export TMPDIR=$tmp
  local cmdline
  cmdline=$(sed -e 's/#.*//' "$here/cmdline" | tr -s '[:space:]' ' ')
  [ -z "$selinux" ] || cmdline="$cmdline $(sed -e 's/#.*//' "$here/cmdline-selinux" | tr -s '[:space:]' ' ')"
  local qemu=(qemu-system-x86_64 -accel "${BERTH_VM_ACCEL:-tcg}" -cpu max
    -m "${BERTH_VM_MEM:-2G}" -smp "${BERTH_VM_SMP:-2}" -nodefaults -no-reboot -display none
    -kernel "$image/vmlinuz" -initrd "$image/initrd.img"
    -drive "file=$image/rootfs.img,if=virtio,format=raw,snapshot=on,cache=unsafe"
    -virtfs "local,path=$tmp/share,mount_tag=berth,security_model=passthrough,id=berth")
  if [ -n "$shell" ]; then
    echo "run-vm: --shell: log in as root; the share: mkdir -p /mnt/berth && mount -t 9p -o trans=virtio berth /mnt/berth"
    "${qemu[@]}" -serial mon:stdio -append "$cmdline"
    return 0
  fi
  console=$tmp/console.log
  : > "$console"
  boot_start=$SECONDS
  "${qemu[@]}" -serial "file:$console" -append "$cmdline berth.run" &
  qemu_pid=$!
  echo "run-vm: qemu pid $qemu_pid, timeout ${timeout_s} s"
  wait_for_guest

  # The results, for ctest.
  rm -rf "$results"
  mkdir -p "$results"
  cp -r "$tmp/share/results/." "$results/"
  cp "$console" "$results/console.log"
  local name secs
  if [ -f "$results/timings" ]; then
    while read -r name secs; do stage "guest: $name" "$secs" quiet; done < "$results/timings"
  fi
  stage total $((SECONDS - start))
  echo "run-vm: timings"
  printf '  %s\n' "${stages[@]}"
  if [ ! -e "$results/done" ]; then
    echo "run-vm: the guest did not finish; console ($results/console.log), last lines:"
    tail -n 60 "$console"
    return 1
  fi
  echo "run-vm: results in $results"
}

# All of it in functions and one last line: bash reads a script as it runs, and this one
# runs for half an hour, long enough for someone to edit it.
main "$@"; exit
