# Shared by the e2e suites: real engines from Debian 12 drive berth through a logging
# wrapper. Everything a suite makes is named after one temp dir: its files under $E2E, its
# cgroups under /$E2E_NAME in every hierarchy, its containerd namespace $E2E_NAME.
# e2e_teardown_file removes all of it and nothing else.

# e2e_setup_file SUITE: the temp dir, the wrapper and a busybox rootfs.
e2e_setup_file() {
  local suite=$1
  E2E=$(mktemp -d /tmp/berth-e2e.XXXXXX)
  chmod 755 "$E2E"
  E2E_NAME=berth-e2e-${E2E##*.}
  E2E_LOG=${BERTH_E2E_LOG_DIR:-$E2E}/observed-$suite.log
  export E2E E2E_NAME E2E_LOG
  mkdir -p "$(dirname "$E2E_LOG")" "$E2E/bin"
  : > "$E2E_LOG"
  write_wrapper
  BERTH="$BERTH" "$BERTH_SOURCE_DIR/scripts/make-bundle.sh" "$E2E/bundle" true >/dev/null
  IMAGE=localhost/berth-busybox:e2e
  export IMAGE
}

# The engines see berth as $E2E/bin/berth: podman decides from the basename whether the
# runtime speaks JSON logs, so the wrapper is named berth too. It appends the command line
# exactly as the engine passed it to $E2E_LOG, then execs the real berth with its plugins
# (set here because engines do not pass our environment through). A call without --root
# (podman's, including those of its cleanup process, which drops --runtime-flag) gets a
# private root, so that nothing lands in the default /run/berth.
write_wrapper() {
  cat > "$E2E/bin/berth" <<EOF
#!/bin/bash
line=\$(printf '%q ' "\$@")
printf '%s\n' "\${line% }" >> '$E2E_LOG'
export BERTH_PLUGIN_PATH='$BERTH_PLUGIN_PATH'
root=(--root '$E2E/berth-root')
for arg in "\$@"; do
  case \$arg in --root | --root=*) root=() ;; esac
done
exec '$BERTH' "\${root[@]}" "\$@"
EOF
  chmod 755 "$E2E/bin/berth"
}

# The real berth on one of the roots the engines used (for checks and leftovers).
berth_at() { BERTH_PLUGIN_PATH="$BERTH_PLUGIN_PATH" "$BERTH" --root "$@"; }

# need_engine podman: fail (not skip) with the way out when an engine is not installed.
need_engine() {
  command -v "$1" >/dev/null || {
    echo "$1 is not installed: run scripts/deps.sh test" >&2
    return 1
  }
}

# cgroup_file CONTROLLER PATH FILE: a v1 cgroup file of an absolute cgroupsPath.
cgroup_file() { cat "/sys/fs/cgroup/$1$2/$3"; }

# wait_for SECONDS COMMAND...: poll until COMMAND succeeds.
wait_for() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.1
  done
}

# Processes whose command line names a path of ours: conmon, containerd, its shims.
own_pids() {
  local p cmd
  for p in /proc/[0-9]*; do
    cmd=$(tr '\0' ' ' 2>/dev/null < "$p/cmdline") || continue
    [[ $cmd == *"$E2E/"* ]] && echo "${p#/proc/}"
  done
}

no_own_pids() { [ -z "$(own_pids)" ]; }

e2e_teardown_file() {
  [ -n "${E2E:-}" ] && [ -d "$E2E" ] || return 0
  local root id pid pids mnt dir
  # Containers the engine left behind, through berth itself.
  for root in "$E2E/berth-root" "$E2E"/runc-root/*; do
    [ -d "$root" ] || continue
    for id in $(berth_at "$root" list -q 2>/dev/null); do
      berth_at "$root" delete -f "$id" >/dev/null 2>&1 || true
    done
  done
  # Our daemons (by pid), then anything still in our cgroups.
  for pid in $(own_pids); do kill -TERM "$pid" 2>/dev/null || true; done
  wait_for 10 no_own_pids || for pid in $(own_pids); do kill -KILL "$pid" 2>/dev/null || true; done
  for dir in /sys/fs/cgroup/*/"$E2E_NAME"; do
    [ -d "$dir" ] || continue
    pids=$(find "$dir" -name cgroup.procs -exec cat {} + 2>/dev/null) || true
    # shellcheck disable=SC2086 # one pid a word
    [ -z "$pids" ] || kill -KILL $pids 2>/dev/null || true
  done
  # Mounts below our dir, innermost first (podman's overlay, containerd's snapshots).
  while read -r mnt; do
    umount -l "$mnt" 2>/dev/null || true
  done < <(awk -v d="$E2E/" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo | sort -r)
  for dir in /sys/fs/cgroup/*/"$E2E_NAME"; do
    [ -d "$dir" ] || continue
    wait_for 10 find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null || true
  done
  rm -rf "$E2E"
}

