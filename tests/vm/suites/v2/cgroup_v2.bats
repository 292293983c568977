#!/usr/bin/env bats
# The cgroup v2 driver on a pure v2 host: the VM tier (tests/vm, a booted Debian with systemd on
# cgroup v2) runs this suite under BERTH_TEST_DRIVER=v2 only. Every check reads what the kernel
# shows in the container's cgroup directory (tests/integration/host/cgroup_v2_private.bats has
# the few checks a hybrid host allows).
#
# Not here, because no container can show them: mknod refused by a device rule (berth appends
# runc's default rules "c *:* m" and "b *:* m" after the spec's, so every spec allows mknod and
# the device program decides at open); io.bfq.weight (the VM's disk has no BFQ scheduler: the
# weight goes to io.weight).

load ../../../integration/helpers

# The container's cgroup directory, from the "0::" line of its init (default: $PID).
cgdir() { echo "/sys/fs/cgroup$(sed -n 's/^0:://p' /proc/"${1:-$PID}"/cgroup)"; }
# The parent of our own cgroup: where a relative cgroupsPath goes (runc's fs2 defaultDirPath).
own_parent() { dirname "$(sed -n 's/^0:://p' /proc/self/cgroup)"; }
# The top of the cgroups an absolute cgroupsPath of this test makes.
top() { echo "/sys/fs/cgroup/berth-cg2-$ID"; }
# cpu.weight for cpu.shares, as runc's ConvertCPUSharesToCgroupV2Value.
weight() { echo $((1 + ($1 - 2) * 9999 / 262142)); }
# MAJOR:MINOR of the VM's disk (not a loop device).
disk() {
  local d
  for d in /sys/block/*; do
    case ${d##*/} in loop* | ram* | zram* | sr* | nbd*) continue ;; esac
    cat "$d/dev"
    return
  done
  return 1
}
# Field N (1-based, as proc(5) counts) of /proc/PID/stat; the command name may hold spaces.
stat_field() { sed 's/.*) //' /proc/"$1"/stat | cut -d' ' -f$(($2 - 2)); }
cpu_ticks() { echo $(($(stat_field "$1" 14) + $(stat_field "$1" 15))); }

run_container() {
  berth run -d -b "$BUNDLE" "$ID"
  PID=$(state_field "$ID" pid)
}

teardown() {
  if [ -d "$ROOT" ]; then
    for id in $(berth list -q 2>/dev/null); do berth delete -f "$id" >/dev/null 2>&1 || true; done
  fi
  # berth removes the container's cgroup, not the parents an absolute path made (as runc).
  if [ -d "$(top)" ]; then find "$(top)" -depth -type d -exec rmdir {} + || true; fi
  rm -rf "$TEST_TMP"
}

@test "v2: a relative cgroupsPath lies next to the caller's cgroup and holds the init" {
  config '.linux.cgroupsPath = "berth-rel-'"$ID"'"'
  args sleep 100
  run_container
  dir=/sys/fs/cgroup$(own_parent)/berth-rel-$ID
  [ "$(cgdir)" = "$dir" ]
  grep -qx "$PID" "$dir/cgroup.procs"
  jq -e '.cgroup.driver == "v2" and .cgroup.plugin == "cgroup-v2"' "$ROOT/$ID/state.json"
  jq -e --arg dir "$dir" '.cgroup.state | fromjson | .path == $dir' "$ROOT/$ID/state.json"
  # No cgroupsPath: the container ID, in the same place.
  config 'del(.linux.cgroupsPath)'
  berth run -d -b "$BUNDLE" "$ID-2"
  [ "$(cgdir "$(state_field "$ID-2" pid)")" = "/sys/fs/cgroup$(own_parent)/$ID-2" ]
}

@test "v2: an absolute cgroupsPath is made from the root, controllers enabled down to it" {
  config '.linux.cgroupsPath = "/berth-cg2-'"$ID"'/mid/leaf"
          | .linux.resources += {"memory": {"limit": 67108864}, "pids": {"limit": 50}}'
  args sleep 100
  run_container
  leaf=$(top)/mid/leaf
  [ "$(cgdir)" = "$leaf" ]
  # What runc enables, of what the root offers, is delegated at every level down to the leaf.
  for c in $(cat /sys/fs/cgroup/cgroup.controllers); do
    case $c in cpu | io | memory | pids | cpuset | hugetlb | rdma | misc) ;; *) continue ;; esac
    for d in "$(top)" "$(top)/mid"; do
      grep -qw "$c" "$d/cgroup.subtree_control" || { echo "$c not enabled in $d"; return 1; }
    done
    grep -qw "$c" "$leaf/cgroup.controllers"
  done
  [ -z "$(cat "$leaf/cgroup.subtree_control")" ]
  [ "$(cat "$leaf/memory.max")" = 67108864 ]
  [ "$(cat "$leaf/pids.max")" = 50 ]
  berth delete -f "$ID"
  [ ! -e "$leaf" ]
}

@test "v2: cpu shares become cpu.weight, quota and period cpu.max, cpus and mems cpuset" {
  cpu=$(($(nproc) - 1))
  config --arg cpu "$cpu" '.linux.resources.cpu = {"shares": 2048, "quota": 50000, "period": 200000,
                                                   "cpus": $cpu, "mems": "0"}'
  args sleep 100
  run_container
  dir=$(cgdir)
  [ "$(cat "$dir/cpu.weight")" = "$(weight 2048)" ]
  [ "$(weight 2048)" = 79 ]
  [ "$(cat "$dir/cpu.max")" = "50000 200000" ]
  [ "$(cat "$dir/cpuset.cpus")" = "$cpu" ]
  [ "$(cat "$dir/cpuset.cpus.effective")" = "$cpu" ]
  [ "$(cat "$dir/cpuset.mems")" = 0 ]
  [ "$(awk '$1 == "Cpus_allowed_list:" {print $2}' /proc/"$PID"/status)" = "$cpu" ]
  # The ends of the shares range map to the ends of the weight range.
  for shares in 2 262144 1024; do
    berth update --cpu-shares "$shares" "$ID"
    [ "$(cat "$dir/cpu.weight")" = "$(weight "$shares")" ]
  done
  [ "$(weight 2)" = 1 ]
  [ "$(weight 262144)" = 10000 ]
}

@test "v2: memory limit, reservation and swap go to memory.max, .low and .swap.max; .high and .min through unified" {
  config '.linux.resources.memory = {"limit": 67108864, "reservation": 33554432, "swap": 100663296}
          | .linux.resources.unified = {"memory.high": "62914560", "memory.min": "8388608"}'
  args sleep 100
  run_container
  dir=$(cgdir)
  [ "$(cat "$dir/memory.max")" = 67108864 ]
  [ "$(cat "$dir/memory.low")" = 33554432 ]
  # The spec's swap is v1's memory+swap: 96M of both leaves 32M of swap.
  [ "$(cat "$dir/memory.swap.max")" = 33554432 ]
  [ "$(cat "$dir/memory.high")" = 62914560 ]
  [ "$(cat "$dir/memory.min")" = 8388608 ]
  # memory+swap equal to memory: no swap at all; -1: no swap limit.
  berth update --memory 64m --memory-swap 64m "$ID"
  [ "$(cat "$dir/memory.swap.max")" = 0 ]
  berth update --memory-swap -1 "$ID"
  [ "$(cat "$dir/memory.swap.max")" = max ]
  [ "$(cat "$dir/memory.max")" = 67108864 ]
}

@test "v2: pids.max, io.weight, io.max for a device, hugetlb.2MB.max, and unified over them all" {
  dev=$(disk)
  config --argjson maj "${dev%:*}" --argjson min "${dev#*:}" \
    '.linux.resources += {"pids": {"limit": 42}, "cpu": {"shares": 1024},
       "blockIO": {"weight": 500,
                   "throttleReadBpsDevice": [{"major": $maj, "minor": $min, "rate": 1048576}],
                   "throttleWriteIOPSDevice": [{"major": $maj, "minor": $min, "rate": 100}]},
       "hugepageLimits": [{"pageSize": "2MB", "limit": 4194304}],
       "unified": {"cpu.weight": "123", "memory.oom.group": "1"}}'
  args sleep 100
  run_container
  dir=$(cgdir)
  [ "$(cat "$dir/pids.max")" = 42 ]
  # blkio's 10..1000 onto io.weight's 1..10000: 1 + (500 - 10) * 9999 / 990.
  [ "$(head -n1 "$dir/io.weight")" = "default 4950" ]
  grep -qx "$dev rbps=1048576 wbps=max riops=max wiops=100" "$dir/io.max"
  [ "$(cat "$dir/hugetlb.2MB.max")" = 4194304 ]
  [ "$(cat "$dir/hugetlb.2MB.rsvd.max")" = 4194304 ]
  # unified is written last: its cpu.weight wins over the one from shares (39).
  [ "$(cat "$dir/cpu.weight")" = 123 ]
  [ "$(cat "$dir/memory.oom.group")" = 1 ]
}

@test "v2: memory.max kills a memory hog and events reports the OOM" {
  mkdir "$TEST_TMP/out"
  config --arg out "$TEST_TMP/out" \
    '.linux.resources.memory = {"limit": 33554432, "swap": 33554432}
     | .mounts += [{"destination": "/out", "type": "bind", "source": $out, "options": ["bind"]}]'
  args sh -c 'sleep 3; dd if=/dev/zero of=/dev/null bs=64M count=1 2>/dev/null; echo $? > /out/status; sleep 2'
  run_container
  dir=$(cgdir)
  run timeout 60 "$BERTH" --root "$ROOT" events --interval 200ms "$ID"
  [ "$status" -eq 0 ]
  grep -qx '{"type":"oom","id":"'"$ID"'"}' <<<"$output"
  [ "$(cat "$TEST_TMP/out/status")" = 137 ] # SIGKILL
  grep -qx 'oom_kill 1' "$dir/memory.events"
  berth delete "$ID"
  [ ! -e "$dir" ]
}

@test "v2: pause freezes the cgroup and stops its processes, resume thaws them" {
  args sh -c 'while :; do :; done'
  run_container
  dir=$(cgdir)
  [ "$(stat_field "$PID" 3)" = R ]
  berth pause "$ID"
  [ "$(state_field "$ID" status)" = paused ]
  [ "$(cat "$dir/cgroup.freeze")" = 1 ]
  grep -qx 'frozen 1' "$dir/cgroup.events"
  # A frozen task sleeps in the freezer's trap, and its CPU time stands still.
  [ "$(stat_field "$PID" 3)" = S ]
  ticks=$(cpu_ticks "$PID")
  sleep 1
  [ "$(cpu_ticks "$PID")" = "$ticks" ]
  berth resume "$ID"
  [ "$(state_field "$ID" status)" = running ]
  [ "$(cat "$dir/cgroup.freeze")" = 0 ]
  grep -qx 'frozen 0' "$dir/cgroup.events"
  sleep 1
  [ "$(cpu_ticks "$PID")" -gt "$ticks" ]
  [ "$(stat_field "$PID" 3)" = R ]
}

@test "v2: the device program refuses a device no rule allows, and a rule opens it" {
  dev=$(disk)
  config '.process.capabilities |= with_entries(.value += ["CAP_MKNOD"])'
  args sh -c "mknod /dev/disk b ${dev%:*} ${dev#*:} && echo made; head -c1 /dev/disk >/dev/null && echo read; head -c1 /dev/zero | wc -c"
  # The spec's "deny everything" and runc's defaults (/dev/zero, mknod of anything).
  run berth run -b "$BUNDLE" "$ID"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = made ]
  [[ "${lines[1]}" == *"/dev/disk: Operation not permitted" ]]
  [ "${lines[2]}" = 1 ]
  config --argjson maj "${dev%:*}" --argjson min "${dev#*:}" \
    '.linux.resources.devices += [{"allow": true, "type": "b", "major": $maj, "minor": $min, "access": "r"}]'
  run berth run -b "$BUNDLE" "$ID-2"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = made ]
  [ "${lines[1]}" = read ]
  [ "${lines[2]}" = 1 ]
}

@test "v2: update rewrites the v2 files and keeps what it does not name" {
  args sleep 100
  run_container
  dir=$(cgdir)
  berth update --memory 128m --memory-reservation 64m --memory-swap 192m --pids-limit 20 \
    --cpu-shares 512 --cpu-quota 30000 --cpu-period 100000 --cpuset-cpus 0 --blkio-weight 1000 "$ID"
  [ "$(cat "$dir/memory.max")" = 134217728 ]
  [ "$(cat "$dir/memory.low")" = 67108864 ]
  [ "$(cat "$dir/memory.swap.max")" = 67108864 ]
  [ "$(cat "$dir/pids.max")" = 20 ]
  [ "$(cat "$dir/cpu.weight")" = "$(weight 512)" ]
  [ "$(cat "$dir/cpu.max")" = "30000 100000" ]
  [ "$(cat "$dir/cpuset.cpus")" = 0 ]
  [ "$(head -n1 "$dir/io.weight")" = "default 10000" ]
  echo '{"unified": {"memory.high": "100663296"}, "pids": {"limit": 30}}' | berth update -r - "$ID"
  [ "$(cat "$dir/memory.high")" = 100663296 ]
  [ "$(cat "$dir/pids.max")" = 30 ]
  [ "$(cat "$dir/memory.max")" = 134217728 ]
  # memory+swap stays 192M when only the memory limit moves (runc sets them together).
  berth update --memory 96m "$ID"
  [ "$(cat "$dir/memory.max")" = 100663296 ]
  [ "$(cat "$dir/memory.swap.max")" = 100663296 ]
  jq -e '.config.linux.resources | .pids.limit == 30 and .memory.limit == 100663296
         and .unified."memory.high" == "100663296"' "$ROOT/$ID/state.json"
}

@test "v2: delete kills what is left in the cgroup and removes it with its sub-cgroups" {
  args sh -c 'sleep 100 & sleep 100 & wait'
  run_container
  dir=$(cgdir)
  for _ in $(seq 50); do [ "$(wc -l < "$dir/cgroup.procs")" -eq 3 ] && break; sleep 0.1; done
  pids=$(cat "$dir/cgroup.procs")
  mkdir "$dir/sub"
  tail -n1 "$dir/cgroup.procs" > "$dir/sub/cgroup.procs"
  berth delete -f "$ID"
  [ ! -e "$dir" ]
  for pid in $pids; do process_gone "$pid"; done
}

@test "v2: events --stats reports memory, pids and cpu from the v2 files" {
  config '.linux.resources += {"memory": {"limit": 67108864}, "pids": {"limit": 40}}'
  args sh -c 'sleep 100 & sleep 100 & i=0; while [ $i -lt 20000 ]; do i=$((i + 1)); done; wait'
  run_container
  dir=$(cgdir)
  for _ in $(seq 50); do [ "$(cat "$dir/pids.current")" -eq 3 ] && break; sleep 0.1; done
  usec=$(awk '$1 == "usage_usec" {print $2}' "$dir/cpu.stat")
  run berth events --stats "$ID"
  [ "$status" -eq 0 ]
  jq -e --arg id "$ID" --argjson usec "$usec" \
    '.type == "stats" and .id == $id and .data.pids.current == 3 and .data.pids.limit == 40
     and .data.memory.usage.limit == 67108864 and .data.memory.usage.usage > 0
     and .data.memory.usage.usage <= 67108864 and (.data.memory.raw | has("anon"))
     and .data.cpu.usage.total >= $usec * 1000 and .data.cpu.usage.total > 0' <<<"$output"
}

@test "v2: the init is born in its cgroup (clone3 CLONE_INTO_CGROUP), never in berth's" {
  # berth runs in a cgroup that holds no second task (pids.max 1): a fork there fails, so the
  # container exists only if its init was created straight into the container's cgroup.
  caller=$(top)/caller
  mkdir -p "$caller"
  echo +pids > "$(top)/cgroup.subtree_control"
  echo 1 > "$caller/pids.max"
  config '.linux.cgroupsPath = "/berth-cg2-'"$ID"'/container"'
  args sleep 100
  # Not through `run`: the init holds its stdout until start, and `run` waits for the end of it.
  sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$caller" \
    "$BERTH" --root "$ROOT" --cgroup-driver=v2 create -b "$BUNDLE" "$ID" </dev/null
  PID=$(state_field "$ID" pid)
  [ "$(cgdir)" = "$(top)/container" ]
  # (pids.events may count a refused fork: the plugin loader's trial child, which then loads
  # the plugin in this process instead; the init was not that fork, or create had failed.)
  berth start "$ID"
  [ "$(state_field "$ID" status)" = running ]
}

@test "v2: with a cgroup namespace /sys/fs/cgroup is the container's own cgroup, also under an rbind of /sys" {
  # `spec --rootless` binds the host's /sys, whose cgroup2 mount mount(2) will not stack a
  # new cgroup2 on (the same superblock at the same place: EBUSY).
  config '.linux.namespaces |= map(select(.type != "cgroup")) + [{"type": "cgroup"}]
          | .mounts |= map(if .destination == "/sys" then {"destination": "/sys", "type": "none",
              "source": "/sys", "options": ["rbind", "nosuid", "noexec", "nodev", "ro"]} else . end)
          | .linux.resources.pids = {"limit": 42}'
  args sh -c 'cat /proc/self/cgroup; stat -f -c %t /sys/fs/cgroup; cat /sys/fs/cgroup/pids.max; touch /sys/fs/cgroup/x'
  run berth run -b "$BUNDLE" "$ID"
  [ "${lines[0]}" = "0::/" ]
  [ "${lines[1]}" = 63677270 ] # CGROUP2_SUPER_MAGIC
  [ "${lines[2]}" = 42 ]       # the container's pids.max at the root of its view
  [[ "${lines[3]}" == *"Read-only file system"* ]]
}
