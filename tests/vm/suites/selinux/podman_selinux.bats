#!/usr/bin/env bats
# podman 4.3 runs containers through berth on the SELinux boot (run-vm.sh --selinux:
# permissive, Debian's selinux-policy-default) and labels them itself, as on Fedora: it picks
# a process label and a mount label with a fresh MCS pair per container, mounts its overlay
# rootfs and the /dev/shm tmpfs with the mount label, and passes both to berth in config.json
# (process.selinuxLabel, linux.mountLabel). Each test checks what a Fedora user would: the
# label the kernel reports for the container's processes and mounts is the one podman chose.
# The podman setup is tests/e2e/podman.bats' (private storage and config under one temp dir,
# an image imported from a tarball of the busybox rootfs, --pull never, no network).
#
# The labels are forced to sVirt types: podman's defaults come from the policy's
# contexts/lxc_contexts, which on Debian names container_t and container_file_t, types its
# reference policy does not have (no container module); podman then fails mounting its own
# shm tmpfs with context="...container_file_t..." before it calls the runtime, even with
# label=disable (the first test pins this). label=type: and label=filetype: replace the two
# types with the sVirt ones selinux.bats uses; podman still picks the MCS pair (or takes
# label=level:) and passes the labels the usual way.

bats_require_minimum_version 1.5.0
load ../../../e2e/helpers

LABELS=(--security-opt label=type:svirt_t --security-opt label=filetype:svirt_image_t)
PROCESS_RE='^system_u:system_r:svirt_t:s0:c[0-9]+,c[0-9]+$'

setup_file() {
  need_engine podman
  need_engine conmon
  e2e_setup_file podman_selinux
  local p=$E2E/podman
  mkdir -p "$p"/{storage,runroot,tmp,cni,imgtmp}
  cat > "$p/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
netns = "none"

[network]
network_config_dir = "$p/cni"

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
lock_type = "file"
runtime = "berth"
runtime_supports_json = ["crun", "runc", "berth"]
runtime_supports_nocgroups = ["crun", "berth"]
tmp_dir = "$p/tmp"
static_dir = "$p/storage/libpod"
volume_path = "$p/storage/volumes"
image_copy_tmp_dir = "$p/imgtmp"

[engine.runtimes]
berth = ["$E2E/bin/berth"]
EOF
  cat > "$p/storage.conf" <<EOF
[storage]
driver = "overlay"
runroot = "$p/runroot"
graphroot = "$p/storage"
EOF
  tar --numeric-owner -C "$E2E/bundle/rootfs" -cf "$E2E/rootfs.tar" .
  pm import -q "$E2E/rootfs.tar" "$IMAGE" >/dev/null
}

teardown_file() {
  [ -n "${E2E:-}" ] || return 0
  pm rm -a -f -t 0 >/dev/null 2>&1 || true
  pm rmi -a -f >/dev/null 2>&1 || true
  e2e_teardown_file
  # The cgroupfs manager's cgroups, below --cgroup-parent at the v2 root.
  [ ! -d "/sys/fs/cgroup/$E2E_NAME" ] || find "/sys/fs/cgroup/$E2E_NAME" -depth -type d -exec rmdir {} + || true
}

teardown() {
  pm rm -a -f -t 0 >/dev/null 2>&1 || true
}

pm() {
  CONTAINERS_CONF=$E2E/podman/containers.conf CONTAINERS_STORAGE_CONF=$E2E/podman/storage.conf \
    TMPDIR=$E2E/podman/tmp podman --root "$E2E/podman/storage" --runroot "$E2E/podman/runroot" \
    --tmpdir "$E2E/podman/tmp" "$@"
}

# pm_run ARGS...: podman run with the image from the tarball only, no network, our cgroups.
pm_run() { pm run --pull never --network none --cgroup-parent="/$E2E_NAME" "$@"; }

# The label of a process as the kernel reports it (without the trailing NUL).
label_of() { tr -d '\0' < "/proc/$1/attr/current"; }

# The config.json podman wrote and berth was given, of container ID.
oci_config() { pm inspect -f '{{.OCIConfigPath}}' "$1"; }

@test "podman_selinux: podman sees SELinux; its default labels name types this policy lacks and fail in podman, before berth" {
  [ "$(getenforce)" = Permissive ]
  [ "$(pm info --format '{{.Host.Security.SELinuxEnabled}}')" = true ]
  grep -qx 'process = "system_u:system_r:container_t:s0"' /etc/selinux/default/contexts/lxc_contexts
  grep -qx 'file = "system_u:object_r:container_file_t:s0"' /etc/selinux/default/contexts/lxc_contexts
  # The kernel's policy knows the sVirt types and not lxc_contexts' ones.
  printf system_u:system_r:svirt_t:s0 > /sys/fs/selinux/context
  printf system_u:object_r:svirt_image_t:s0 > /sys/fs/selinux/context
  run bash -c 'printf system_u:system_r:container_t:s0 > /sys/fs/selinux/context'
  [ "$status" -ne 0 ]
  run bash -c 'printf system_u:object_r:container_file_t:s0 > /sys/fs/selinux/context'
  [ "$status" -ne 0 ]
  # So podman's defaults, and label=disable (whose mount label is lxc_contexts' file type
  # too), fail at podman's own shm mount; berth is never asked to create anything.
  for opts in "" "--security-opt label=disable"; do
    # shellcheck disable=SC2086 # the options are words
    run pm_run --rm $opts "$IMAGE" true
    [ "$status" -ne 0 ]
    [[ "$output" == *'failed to mount shm tmpfs'*'invalid argument'* ]]
  done
  run grep -c ' create ' "$E2E_LOG"
  [ "$output" = 0 ]
}

@test "podman_selinux: the container runs with the process label podman chose and passed berth, a new MCS pair each" {
  id=$(pm_run -d "${LABELS[@]}" "$IMAGE" sleep 1000)
  label=$(pm inspect -f '{{.ProcessLabel}}' "$id")
  [[ "$label" =~ $PROCESS_RE ]]
  cfg=$(oci_config "$id")
  [ "$(jq -r .process.selinuxLabel "$cfg")" = "$label" ]
  # berth got that bundle.
  grep -q " create --bundle ${cfg%/config.json} .*$id\$" "$E2E_LOG"
  pid=$(pm inspect -f '{{.State.Pid}}' "$id")
  [ "$(label_of "$pid")" = "$label" ]
  # What `podman top` shows a user (it reads the same attr).
  run pm top "$id" label
  [ "$status" -eq 0 ]
  [ "${lines[1]}" = "$label" ]
  # Another container, another pair: the MCS separation between containers.
  other=$(pm_run -d "${LABELS[@]}" "$IMAGE" sleep 1000)
  other_label=$(pm inspect -f '{{.ProcessLabel}}' "$other")
  [[ "$other_label" =~ $PROCESS_RE ]]
  [ "$other_label" != "$label" ]
  [ "$(label_of "$(pm inspect -f '{{.State.Pid}}' "$other")")" = "$other_label" ]
}

@test "podman_selinux: /dev/shm, a --tmpfs and /dev carry podman's mount label, level from label=level:" {
  id=$(pm_run -d "${LABELS[@]}" --security-opt label=level:s0:c7,c8 --tmpfs /scratch "$IMAGE" sleep 1000)
  mount_label=$(pm inspect -f '{{.MountLabel}}' "$id")
  [ "$mount_label" = system_u:object_r:svirt_image_t:s0:c7,c8 ]
  [ "$(pm inspect -f '{{.ProcessLabel}}' "$id")" = system_u:system_r:svirt_t:s0:c7,c8 ]
  cfg=$(oci_config "$id")
  [ "$(jq -r .linux.mountLabel "$cfg")" = "$mount_label" ]
  pid=$(pm inspect -f '{{.State.Pid}}' "$id")
  [ "$(label_of "$pid")" = system_u:system_r:svirt_t:s0:c7,c8 ]
  # /dev/shm is podman's tmpfs, bound in; /dev, /dev/pts and /scratch berth mounts, and
  # podman's options for them carry no context=: berth adds linux.mountLabel.
  jq -e '[.mounts[] | select(.destination == "/scratch" or .destination == "/dev" or .destination == "/dev/pts")
    | .options[] | select(startswith("context="))] | length == 0' "$cfg"
  local dir
  for dir in /dev/shm /dev /dev/pts /scratch /; do
    [ "$(stat -c %C "/proc/$pid/root$dir")" = "$mount_label" ] || { echo "$dir: $(stat -c %C "/proc/$pid/root$dir")"; return 1; }
  done
  for dir in /dev/shm /scratch /dev; do
    grep -q " $dir [^ ]* [^-]*- tmpfs [^ ]* [^ ]*context=\"$mount_label\"" "/proc/$pid/mountinfo" || { echo "$dir:"; cat "/proc/$pid/mountinfo"; return 1; }
  done
  # A file the container makes there has it too.
  pm exec "$id" sh -c 'echo x > /dev/shm/made && echo y > /scratch/made'
  [ "$(stat -c %C "/proc/$pid/root/dev/shm/made")" = "$mount_label" ]
  [ "$(stat -c %C "/proc/$pid/root/scratch/made")" = "$mount_label" ]
}

@test "podman_selinux: podman exec runs with the container's label, as root and as another user" {
  id=$(pm_run -d "${LABELS[@]}" "$IMAGE" sleep 1000)
  label=$(pm inspect -f '{{.ProcessLabel}}' "$id")
  [[ "$label" =~ $PROCESS_RE ]]
  run pm exec "$id" sh -c 'tr -d "\000" < /proc/self/attr/current'
  [ "$status" -eq 0 ]
  [ "$output" = "$label" ]
  run pm exec --user 1000:1000 "$id" sh -c 'id -u; tr -d "\000" < /proc/self/attr/current'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 1000 ]
  [ "${lines[1]}" = "$label" ]
  # A detached exec, seen from the host: every process of the container has the label.
  pm exec -d "$id" sleep 999
  run pm top "$id" args label
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 3 ]
  [[ "${lines[1]}" == *" $label" ]]
  [[ "${lines[2]}" == *" $label" ]]
  [[ "$output" == *"sleep 999 "* ]]
  # The init kept its own.
  [ "$(label_of "$(pm inspect -f '{{.State.Pid}}' "$id")")" = "$label" ]
}
