#!/usr/bin/env bats
# The VM is what the VM tier promises: systemd as PID 1 on pure cgroup v2 with every
# controller, D-Bus answering, AppArmor on, and berth running a container there under
# each driver the tier tests (BERTH_VM_DRIVERS).

@test "systemd is PID 1 and the system is running" {
  [ "$(cat /proc/1/comm)" = systemd ]
  run systemctl is-system-running
  [ "$output" = running ] || { echo "$output"; systemctl --failed; return 1; }
}

@test "cgroup2 is mounted at /sys/fs/cgroup and no v1 hierarchy exists" {
  [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]
  v1=$(awk '$3 == "cgroup"' /proc/mounts)
  [ -z "$v1" ] || { echo "v1 hierarchies: $v1"; return 1; }
}

@test "every controller is available at the root" {
  for c in cpuset cpu io memory hugetlb pids rdma misc; do
    grep -qw "$c" /sys/fs/cgroup/cgroup.controllers || { echo "no $c"; return 1; }
  done
}

@test "D-Bus answers: busctl status, systemd's manager over the bus" {
  busctl status >/dev/null
  [ "$(busctl get-property org.freedesktop.systemd1 /org/freedesktop/systemd1 \
    org.freedesktop.systemd1.Manager Version | cut -d' ' -f2 | tr -d '"' | cut -d. -f1)" -ge 252 ]
}

@test "AppArmor is enabled" {
  [ "$(cat /sys/module/apparmor/parameters/enabled)" = Y ]
  grep -qw apparmor /sys/kernel/security/lsm
}

@test "berth runs a container under each driver of the tier" {
  bundle=$(mktemp -d /tmp/berth-smoke.XXXXXX)
  start=$SECONDS
  "$BERTH_SOURCE_DIR/scripts/make-bundle.sh" "$bundle" sh -c 'echo "pid $$ in $(cat /proc/self/cgroup)"' >/dev/null
  # Every suite's setup_file pays this once: worth watching under TCG.
  echo "# make-bundle.sh took $((SECONDS - start)) s" >&3
  for driver in ${BERTH_VM_DRIVERS:-none}; do
    run "$BERTH" --root "$bundle/root" --cgroup-driver="$driver" run -b "$bundle" "smoke-$driver"
    echo "$driver: $output"
    [ "$status" -eq 0 ]
    [[ "$output" == "pid 1 in 0::/"* ]]
  done
  rm -rf "$bundle"
}
