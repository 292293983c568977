#!/usr/bin/env bats
# Everything `berth features` claims, walked: for each key a config that sets it and a check of
# what the kernel then shows (mountinfo, /proc/PID/ns, status, stat, ionice, numa_maps, the
# seccomp filter's answers, the hooks' marks). A key of features that no test here handles
# fails the first test; an entry of a list (a mount option, a namespace, an action, a policy)
# that its walk has no check for fails that walk. Containers are few: one per walk where the
# kernel state can be read per entry (every mount option in one container, every scheduler
# policy as an exec of one container ...).

load helpers
load process_fields

setup() {
  setup_bundle '.process.args = ["sleep", "100"]'
  cp "$BUNDLE/config.json" "$TEST_TMP/pristine.json"
  FEATURES=$(berth features)
}

@test "every key features claims is walked by a test" {
  # The keys of features (as paths, / between keys, to a list or a value; the plugins' own descriptions
  # are features.bats's) and the test that walks each (the start of its name).
  local -A WALKED=(
    [ociVersionMin]='configs of ociVersionMin and ociVersionMax run'
    [ociVersionMax]='configs of ociVersionMin and ociVersionMax run'
    [hooks]='every hook'
    [mountOptions]='every mount option'
    [linux/namespaces]='every namespace'
    [linux/seccomp/enabled]='seccomp: every action'
    [linux/seccomp/actions]='seccomp: every action'
    [linux/seccomp/operators]='seccomp: every action'
    [linux/seccomp/archs]='seccomp: every action'
    [linux/seccomp/knownFlags]='seccomp: every action'
    [linux/seccomp/supportedFlags]='seccomp: every action'
    [linux/cgroup/v1]='host flags'
    [linux/cgroup/v2]='host flags'
    [linux/cgroup/systemd]='host flags'
    [linux/apparmor/enabled]='host flags'
    [linux/selinux/enabled]='host flags'
    [linux/intelRdt/enabled]='host flags'
    [linux/mountExtensions/idmap/enabled]='every mount option'
    [linux/memoryPolicy/modes]='process attributes'
    [linux/memoryPolicy/flags]='process attributes'
    [annotations]='annotations'
    [potentiallyUnsafeConfigAnnotations]='annotations'
    [org.berth/process/scheduler/policies]='process attributes'
    [org.berth/process/scheduler/flags]='process attributes'
    [org.berth/process/ioPriority/classes]='process attributes'
    [org.berth/linux/personality/domains]='process attributes'
    [org.berth/linux/personality/flags]='process attributes'
    [org.berth/pluginAbi]='features lists every installed plugin'
    [org.berth/pluginPath]='features lists every installed plugin'
    [org.berth/plugins]='features lists every installed plugin'
  )
  missing=()
  while read -r key; do
    [ -n "${WALKED[$key]:-}" ] || missing+=("$key")
  done < <(jq -r 'paths as $p | select(($p | all(type == "string"))
                    and (getpath($p) | type != "object" or length == 0)) | $p | join("/")' <<<"$FEATURES")
  [ "${#missing[@]}" -eq 0 ] || { echo "claimed, not walked: ${missing[*]}"; return 1; }
  # Each names the test that walks it, here or in features.bats.
  for key in "${!WALKED[@]}"; do
    grep -q "^@test \"${WALKED[$key]}" "$BATS_TEST_FILENAME" "$BATS_TEST_DIRNAME/features.bats" ||
      { echo "$key: no test \"${WALKED[$key]}\""; return 1; }
  done
  # ... and every key of the table is still claimed (a removed claim takes its walk with it).
  for key in "${!WALKED[@]}"; do
    jq -e --arg k "$key" 'getpath($k | split("/")) != null' <<<"$FEATURES" >/dev/null ||
      { echo "walked, no longer claimed: $key"; return 1; }
  done
}

# ---- mount options ----

# mount_line DEST: the container's mountinfo line of DEST, as "MOUNT_OPTS|OPTIONAL|SUPER_OPTS".
mount_line() {
  awk -v d="$1" '$5 == d { opt = ""; for (i = 7; $i != "-"; i++) opt = opt " " $i
                           print $6 "|" opt "|" $(i + 3); exit }' "$TEST_TMP/mountinfo"
}
# In a check: m has|no OPTION (per-mount options), s has|no OPTION (the superblock's),
# p has|no PREFIX (propagation: shared, master, unbindable), on $line.
m() { opt_in "$1" "$2" "${line%%|*}" ,; }
s() { opt_in "$1" "$2" "${line##*|}" ,; }
p() { local mid=${line#*|}; opt_in "$1" "$2" "${mid%|*}" ' '; }
opt_in() {
  local found=no
  [[ "$4${3}$4" == *"$4$2"[:,\ ]* || "$4${3}$4" == *"$4$2$4"* ]] && found=has
  [ "$found" = "$1" ] || { echo "expected $1 $2 in: $3"; return 1; }
}

@test "every mount option features lists is in the container's mountinfo" {
  # SRC: a shared tmpfs with two shared submounts, plain/ and flagged/ (nodev, nosuid, noexec,
  # nodiratime, nosymfollow, noatime, ro): the recursive options set flags on plain/ and clear
  # them on flagged/. IDSRC: a directory of /tmp's filesystem with a bind of another inside
  # (tmpfs is id-mappable only since Linux 6.3; the VM tier boots 6.1).
  SRC=$TEST_TMP/src IDSRC=$TEST_TMP/idsrc
  mkdir -p "$SRC" "$IDSRC/sub" "$TEST_TMP/idsub"
  host_mount -t tmpfs -o mode=755 tmpfs "$SRC"
  mount --make-shared "$SRC"
  mkdir "$SRC/plain" "$SRC/flagged"
  # (teardown's lazy unmount of $SRC takes these along)
  mount -t tmpfs tmpfs "$SRC/plain"
  mount -t tmpfs -o nodev,nosuid,noexec,nodiratime,nosymfollow,noatime,ro tmpfs "$SRC/flagged"
  mount --make-shared "$SRC/plain" && mount --make-shared "$SRC/flagged"
  host_mount --bind "$TEST_TMP/idsub" "$IDSRC/sub"
  mkdir -p "$ROOTFS_DIR/rootfs/w/tmpcopyup" && echo copied > "$ROOTFS_DIR/rootfs/w/tmpcopyup/file"
  # option: KIND OPTIONS|CHECK. KIND t = a tmpfs, b = a bind of $SRC, i = a bind of $IDSRC
  # mapped 0 -> 2000, r = a second mount over the first (remount). The check runs on the line
  # of /w/OPTION (line) and of its submounts (plain, flagged, sub). Options whose effect the
  # kernel keeps nowhere it shows (MS_SILENT, MS_I_VERSION, relatime as the default) are
  # checked to be taken and the mount made.
  local -A cases=(
    [async]='t sync,async|s no sync'
    [atime]='t noatime,atime|m no noatime'
    [bind]='b bind|m has rw && [ -z "$plain" ]'
    [defaults]='t defaults|m has rw'
    [dev]='t nodev,dev|m no nodev'
    [diratime]='t nodiratime,diratime|m no nodiratime'
    [dirsync]='t dirsync|s has dirsync'
    [exec]='t noexec,exec|m no noexec'
    [idmap]='i bind,idmap|m has idmapped && [ -z "$sub" ]'
    [iversion]='t iversion|m has rw'
    [lazytime]='t lazytime|s has lazytime'
    [loud]='t silent,loud|m has rw'
    [mand]='t mand|s has mand'
    [noatime]='t noatime|m has noatime'
    [nodev]='t nodev|m has nodev'
    [nodiratime]='t nodiratime|m has nodiratime'
    [noexec]='t noexec|m has noexec'
    [noiversion]='t iversion,noiversion|m has rw'
    [nolazytime]='t lazytime,nolazytime|s no lazytime'
    [nomand]='t mand,nomand|s no mand'
    [norelatime]='t relatime,norelatime|m has relatime'
    [nostrictatime]='t strictatime,nostrictatime|m has relatime'
    [nosuid]='t nosuid|m has nosuid'
    [nosymfollow]='t nosymfollow|m has nosymfollow'
    [private]='b bind,private|p no master && p no shared'
    [ratime]='b rbind,ratime|line=$flagged m no noatime && line=$flagged m has relatime'
    [rbind]='b rbind|line=$plain m has rw && line=$flagged m has noatime'
    [rdev]='b rbind,rdev|line=$flagged m no nodev'
    [rdiratime]='b rbind,rdiratime|line=$flagged m no nodiratime'
    [relatime]='b bind,relatime|m has relatime'
    [remount]='r remount,ro|m has ro'
    [rexec]='b rbind,rexec|line=$flagged m no noexec'
    [ridmap]='i rbind,ridmap|m has idmapped && line=$sub m has idmapped'
    [rnoatime]='b rbind,rnoatime|line=$plain m has noatime'
    [rnodev]='b rbind,rnodev|line=$plain m has nodev'
    [rnodiratime]='b rbind,rnodiratime|line=$plain m has nodiratime'
    [rnoexec]='b rbind,rnoexec|line=$plain m has noexec'
    [rnorelatime]='b rbind,rnorelatime|line=$flagged m no noatime && line=$flagged m has relatime'
    [rnostrictatime]='b rbind,rnostrictatime|line=$flagged m no noatime && line=$flagged m has relatime'
    [rnosuid]='b rbind,rnosuid|line=$plain m has nosuid'
    [rnosymfollow]='b rbind,rnosymfollow|line=$plain m has nosymfollow'
    [ro]='t ro|m has ro'
    [rprivate]='b rbind,rprivate|line=$plain p no master && line=$plain p no shared'
    [rrelatime]='b rbind,rrelatime|line=$flagged m has relatime'
    [rro]='b rbind,rro|line=$plain m has ro'
    [rrw]='b rbind,rrw|line=$flagged m has rw'
    [rshared]='b rbind,rshared|line=$plain p has shared'
    [rslave]='b rbind,rshared,rslave|line=$plain p has master && line=$plain p no shared'
    [rstrictatime]='b rbind,rstrictatime|line=$flagged m no noatime && line=$flagged m no relatime'
    [rsuid]='b rbind,rsuid|line=$flagged m no nosuid'
    [rsymfollow]='b rbind,rsymfollow|line=$flagged m no nosymfollow'
    [runbindable]='b rbind,runbindable|line=$plain p has unbindable'
    [rw]='t ro,rw|m has rw'
    [shared]='b bind,shared|p has shared'
    [silent]='t silent|m has rw'
    [slave]='b bind,shared,slave|p has master && p no shared'
    [strictatime]='t strictatime|m no relatime && m no noatime'
    [suid]='t nosuid,suid|m no nosuid'
    [symfollow]='t nosymfollow,symfollow|m no nosymfollow'
    [sync]='t sync|s has sync'
    [tmpcopyup]='t tmpcopyup|[ "$(cat "$TEST_TMP/copied")" = copied ]'
    [unbindable]='b bind,unbindable|p has unbindable'
  )
  local opts=() mounts='[]' map='[{"containerID": 0, "hostID": 2000, "size": 1}]'
  mapfile -t opts < <(features '.mountOptions[]' | jq -r .)
  for opt in "${opts[@]}"; do
    [ -n "${cases[$opt]:-}" ] || { echo "mount option $opt: no check in this test"; return 1; }
    spec=${cases[$opt]%%|*}
    kind=${spec%% *} list=${spec#* }
    mounts=$(jq -c --arg d "/w/$opt" --arg k "$kind" --arg o "$list" --arg src "$SRC" \
      --arg idsrc "$IDSRC" --argjson map "$map" '
      ($o | split(",")) as $opts
      | if $k == "t" then . + [{destination: $d, type: "tmpfs", source: "tmpfs", options: $opts}]
        elif $k == "b" then . + [{destination: $d, type: "bind", source: $src, options: $opts}]
        elif $k == "i" then . + [{destination: $d, type: "bind", source: $idsrc, options: $opts,
                                  uidMappings: $map, gidMappings: $map}]
        else . + [{destination: $d, type: "tmpfs", source: "tmpfs", options: []},
                  {destination: $d, type: "tmpfs", source: "tmpfs", options: $opts}] end' <<<"$mounts")
  done
  config --argjson m "$mounts" '.mounts += $m | .process.args = ["sh", "-c",
    "cat /proc/self/mountinfo; echo @@; cat /w/tmpcopyup/file"]'
  berth run -b "$BUNDLE" "$ID" >"$TEST_TMP/out" 2>&1 || { cat "$TEST_TMP/out"; return 1; }
  sed '/^@@$/,$d' "$TEST_TMP/out" >"$TEST_TMP/mountinfo"
  sed '1,/^@@$/d' "$TEST_TMP/out" >"$TEST_TMP/copied"
  for opt in "${opts[@]}"; do
    line=$(mount_line "/w/$opt") plain=$(mount_line "/w/$opt/plain")
    flagged=$(mount_line "/w/$opt/flagged") sub=$(mount_line "/w/$opt/sub")
    [ -n "$line" ] || { echo "$opt: /w/$opt is not mounted"; return 1; }
    eval "${cases[$opt]#*|}" || { echo "mount option $opt (${cases[$opt]}): $line"; return 1; }
  done
}

# ---- namespaces, hooks, OCI versions ----

@test "every namespace features lists is the container's own" {
  local -A proc_name=([cgroup]=cgroup [ipc]=ipc [mount]=mnt [network]=net [pid]=pid [time]=time
    [user]=user [uts]=uts)
  local nss=() list='[]'
  mapfile -t nss < <(features '.linux.namespaces[]' | jq -r .)
  for ns in "${nss[@]}"; do
    [ -n "${proc_name[$ns]:-}" ] || { echo "namespace $ns: no check in this test"; return 1; }
    list=$(jq -c --arg t "$ns" '. + [{type: $t}]' <<<"$list")
  done
  config --argjson l "$list" '.linux.namespaces = $l
    | .linux.uidMappings = [{"containerID": 0, "hostID": 0, "size": 65536}]
    | .linux.gidMappings = [{"containerID": 0, "hostID": 0, "size": 65536}]'
  berth run -d -b "$BUNDLE" "$ID"
  pid=$(state_field "$ID" pid)
  for ns in "${nss[@]}"; do
    [ "$(readlink "/proc/$pid/ns/${proc_name[$ns]}")" != "$(readlink "/proc/self/ns/${proc_name[$ns]}")" ] ||
      { echo "namespace $ns: the host's"; return 1; }
  done
}

@test "every hook features lists runs, in the order of the container's life" {
  mkdir -m 777 "$TEST_TMP/hooks"
  local hooks=() all='{}'
  mapfile -t hooks < <(features '.hooks[]' | jq -r .)
  for h in "${hooks[@]}"; do
    # createContainer and startContainer run in the container's mount namespace, where the
    # directory is also /hooks (after pivot_root); the others on the host.
    all=$(jq -c --arg h "$h" --arg d "$TEST_TMP/hooks" '.[$h] = [{path: "/bin/sh", args: ["sh", "-c",
      "for d in \($d) /hooks; do [ -d $d ] && echo \($h) >> $d/log && exit 0; done; exit 1"]}]' <<<"$all")
  done
  config --argjson h "$all" --arg d "$TEST_TMP/hooks" '.hooks = $h | .process.args = ["true"]
    | .mounts += [{destination: "/hooks", type: "bind", source: $d, options: ["rbind"]}]'
  berth run -b "$BUNDLE" "$ID"
  want="prestart createRuntime createContainer startContainer poststart poststop"
  [ "$(echo $(cat "$TEST_TMP/hooks/log"))" = "$want" ] || { cat "$TEST_TMP/hooks/log"; return 1; }
  for h in "${hooks[@]}"; do
    [[ " $want " == *" $h "* ]] || { echo "hook $h: no check in this test"; return 1; }
  done
}

@test "configs of ociVersionMin and ociVersionMax run" {
  for v in "$(features .ociVersionMin | jq -r .)" "$(features .ociVersionMax | jq -r .)"; do
    pristine
    config --arg v "$v" '.ociVersion = $v | .process.args = ["true"]'
    berth run -b "$BUNDLE" "$ID" || { echo "ociVersion $v refused"; return 1; }
  done
}

# ---- host flags ----

@test "host flags: cgroup, apparmor, selinux and intelRdt say what this host and its plugins do" {
  loadable() { features ".\"org.berth\".plugins | map(select(.name == \"$1\" and .loadable)) | length > 0"; }
  # cgroup: the drivers that load here (features.bats checks them against their declarations).
  [ "$(features .linux.cgroup.v2)" = "$( { cgroup2_host || [ -e /sys/fs/cgroup/unified ]; } && loadable cgroup-v2 || echo false)" ]
  [ "$(features .linux.cgroup.v1)" = "$(cgroup2_host && echo false || loadable cgroup-v1)" ]
  # An LSM is enabled only when the host enforces it and its plugin is installed.
  aa=false
  [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ] && aa=$(loadable apparmor)
  [ "$(features .linux.apparmor.enabled)" = "$aa" ]
  se=false
  [ -e /sys/fs/selinux/enforce ] && se=$(loadable selinux)
  [ "$(features .linux.selinux.enabled)" = "$se" ]
  # intelRdt: resctrl mounted and the plugin installed; without it a config that sets
  # linux.intelRdt is refused naming resctrl or the plugin, never run without it.
  rdt=false
  grep -q ' resctrl ' /proc/self/mounts && rdt=$(loadable intelrdt)
  [ "$(features .linux.intelRdt.enabled)" = "$rdt" ]
  if [ "$rdt" = false ]; then
    config '.linux.intelRdt = {"closID": "c1", "l3CacheSchema": "L3:0=f"}'
    run berth run -d -b "$BUNDLE" "$ID"
    [ "$status" -ne 0 ] && [[ "$output" == *resctrl* || "$output" == *intelrdt* ]] || { echo "$output"; return 1; }
  fi
  # idmap is the mount walk's: idmap and ridmap there are id-mapped in mountinfo.
  [ "$(features .linux.mountExtensions.idmap.enabled)" = true ]
}

@test "annotations: each potentially unsafe one changes what berth does" {
  [ "$(features .annotations)" = '{}' ]
  local -A walked=(
    # cgroup-systemd.so makes them unit properties: the systemd driver's suite (tests/vm).
    [org.systemd.property.]="$BERTH_SOURCE_DIR/tests/vm/suites/systemd"
    # A class no plugin serves fails the create naming it (device_classes.bats walks the rest).
    [berth.devices]="$BERTH_SOURCE_DIR/tests/integration/device_classes.bats"
  )
  for a in $(features '.potentiallyUnsafeConfigAnnotations[]' | jq -r .); do
    [ -n "${walked[$a]:-}" ] || { echo "annotation $a: no check in this test"; return 1; }
    grep -rq "$a" "${walked[$a]}" || { echo "annotation $a: not in ${walked[$a]}"; return 1; }
  done
  config '.annotations["berth.devices"] = "nosuchvendor/x"'
  run berth run -d -b "$BUNDLE" "$ID"
  [ "$status" -ne 0 ] && [[ "$output" == *nosuchvendor* ]] || { echo "$output"; return 1; }
}

# ---- process attributes ----

# exec_with PROCESS_FIELDS_JSON: a `sleep 100` exec'd into the container with those fields of
# its process; $epid is it.
exec_with() {
  jq -n --argjson f "$1" '{args: ["sleep", "100"], cwd: "/", user: {uid: 0, gid: 0}} + $f' \
    >"$TEST_TMP/process.json"
  berth exec -d --pid-file "$TEST_TMP/exec.pid" --process "$TEST_TMP/process.json" "$ID"
  epid=$(cat "$TEST_TMP/exec.pid")
}

@test "process attributes: every scheduler policy and flag, I/O class, personality and memory policy" {
  allow_realtime
  cp "$BUNDLE/config.json" "$TEST_TMP/pristine.json"
  run_container .
  # Policies and I/O classes: one exec each, /proc/PID/stat's policy (field 41) and ionice.
  local -A policy=([SCHED_OTHER]='{"policy": "SCHED_OTHER", "nice": 3}|0'
    [SCHED_BATCH]='{"policy": "SCHED_BATCH", "nice": 4}|3' [SCHED_IDLE]='{"policy": "SCHED_IDLE"}|5'
    [SCHED_FIFO]='{"policy": "SCHED_FIFO", "priority": 10}|1' [SCHED_RR]='{"policy": "SCHED_RR", "priority": 20}|2'
    [SCHED_DEADLINE]='{"policy": "SCHED_DEADLINE", "runtime": 1000000, "deadline": 5000000, "period": 10000000}|6')
  for p in $(features '.["org.berth"].process.scheduler.policies[]' | jq -r .); do
    [ -n "${policy[$p]:-}" ] || { echo "policy $p: no check in this test"; return 1; }
    exec_with "{\"scheduler\": ${policy[$p]%|*}}"
    [ "$(stat_field "$epid" 41)" = "${policy[$p]#*|}" ] || { echo "$p: policy $(stat_field "$epid" 41)"; return 1; }
  done
  # DL_OVERRUN's runtime is 90% of the period: an overrun sends SIGXCPU, which kills the exec
  # before it sleeps, and the init's path to execve under TCG takes more than 8 ms of CPU.
  # Flags: sched_getattr's flags, or what the flag keeps (KEEP_PARAMS keeps the policy too:
  # the kernel sets the policy with the parameters), else policy and nice would be 3 and 5.
  local -A flag=(
    [SCHED_FLAG_RESET_ON_FORK]='{"policy": "SCHED_FIFO", "priority": 10}|[[ "$(sched_attr $epid)" == "policy=1 flags=1 "* ]]'
    [SCHED_FLAG_RECLAIM]='{"policy": "SCHED_DEADLINE", "runtime": 1000000, "deadline": 5000000, "period": 10000000}|[[ "$(sched_attr $epid)" == "policy=6 flags=2 "* ]]'
    [SCHED_FLAG_DL_OVERRUN]='{"policy": "SCHED_DEADLINE", "runtime": 90000000, "deadline": 100000000, "period": 100000000}|[[ "$(sched_attr $epid)" == "policy=6 flags=4 "* ]]'
    [SCHED_FLAG_KEEP_POLICY]='{"policy": "SCHED_BATCH", "nice": 5}|[ "$(stat_field $epid 41) $(stat_field $epid 19)" = "0 5" ]'
    [SCHED_FLAG_KEEP_PARAMS]='{"policy": "SCHED_BATCH", "nice": 5}|[ "$(stat_field $epid 41) $(stat_field $epid 19)" = "0 $(stat_field $$ 19)" ]'
    [SCHED_FLAG_UTIL_CLAMP_MIN]='{"policy": "SCHED_OTHER"}|[[ "$(sched_attr $epid)" == "policy=0 "* ]]'
    [SCHED_FLAG_UTIL_CLAMP_MAX]='{"policy": "SCHED_OTHER"}|[[ "$(sched_attr $epid)" == "policy=0 "* ]]'
  )
  for f in $(features '.["org.berth"].process.scheduler.flags[]' | jq -r .); do
    [ -n "${flag[$f]:-}" ] || { echo "scheduler flag $f: no check in this test"; return 1; }
    # A kernel without utilization clamping (CONFIG_UCLAMP_TASK, which makes these sysctls)
    # refuses the UTIL_CLAMP flags, and so does berth, in one line naming the flag.
    if [[ "$f" == SCHED_FLAG_UTIL_CLAMP_* ]] && [ ! -e /proc/sys/kernel/sched_util_clamp_min ]; then
      jq -n --arg f "$f" '{args: ["true"], cwd: "/", scheduler: {policy: "SCHED_OTHER", flags: [$f]}}' \
        >"$TEST_TMP/process.json"
      expect_refusal 255 "process.scheduler: sched_setattr SCHED_OTHER flags $f: Operation not supported" \
        exec --process "$TEST_TMP/process.json" "$ID"
      continue
    fi
    exec_with "{\"scheduler\": $(jq -c --arg f "$f" '. + {flags: [$f]}' <<<"${flag[$f]%%|*}")}"
    eval "${flag[$f]#*|}" || { echo "$f: $(sched_attr "$epid")"; return 1; }
  done
  local -A io=([IOPRIO_CLASS_RT]='3|realtime: prio 3' [IOPRIO_CLASS_BE]='5|best-effort: prio 5'
    [IOPRIO_CLASS_IDLE]='0|idle')
  for c in $(features '.["org.berth"].process.ioPriority.classes[]' | jq -r .); do
    [ -n "${io[$c]:-}" ] || { echo "I/O class $c: no check in this test"; return 1; }
    exec_with "{\"ioPriority\": {\"class\": \"$c\", \"priority\": ${io[$c]%|*}}}"
    [ "$(ionice -p "$epid")" = "${io[$c]#*|}" ] || { echo "$c: $(ionice -p "$epid")"; return 1; }
  done
  berth delete -f "$ID"
  # Personality domains and memory policies are the container's (linux.*): a container each,
  # read from /proc/PID/personality and numa_maps.
  local -A domain=([LINUX]=00000000 [LINUX32]=00000008)
  for d in $(features '.["org.berth"].linux.personality.domains[]' | jq -r .); do
    [ -n "${domain[$d]:-}" ] || { echo "personality $d: no check in this test"; return 1; }
    run_container ".linux.personality = {\"domain\": \"$d\"}"
    [ "$(cat "/proc/$pid/personality")" = "${domain[$d]}" ] || { echo "$d: $(cat "/proc/$pid/personality")"; return 1; }
    berth delete -f "$ID"
  done
  [ "$(features '.["org.berth"].linux.personality.flags')" = '[]' ] || { echo "personality flags: no check in this test"; return 1; }
  local -A mode=([MPOL_DEFAULT]='null|default' [MPOL_BIND]='"0"|bind:0' [MPOL_INTERLEAVE]='"0"|interleave:0'
    [MPOL_WEIGHTED_INTERLEAVE]='"0"|weighted interleave:0' [MPOL_PREFERRED]='"0"|prefer:0'
    [MPOL_PREFERRED_MANY]='"0"|prefer (many):0' [MPOL_LOCAL]='null|local')
  local -A mflag=([MPOL_F_STATIC_NODES]='MPOL_BIND|bind=static:0' [MPOL_F_RELATIVE_NODES]='MPOL_BIND|bind=relative:0'
    [MPOL_F_NUMA_BALANCING]='MPOL_BIND|bind=balancing:0')
  local walk=()
  for m in $(features '.linux.memoryPolicy.modes[]' | jq -r .); do
    [ -n "${mode[$m]:-}" ] || { echo "memory policy $m: no check in this test"; return 1; }
    walk+=("{\"mode\": \"$m\", \"nodes\": ${mode[$m]%|*}}|${mode[$m]#*|}")
  done
  for f in $(features '.linux.memoryPolicy.flags[]' | jq -r .); do
    [ -n "${mflag[$f]:-}" ] || { echo "memory policy flag $f: no check in this test"; return 1; }
    walk+=("{\"mode\": \"${mflag[$f]%|*}\", \"nodes\": \"0\", \"flags\": [\"$f\"]}|${mflag[$f]#*|}")
  done
  for w in "${walk[@]}"; do
    # MPOL_WEIGHTED_INTERLEAVE is Linux 6.9's: before, the kernel refuses it and berth says so
    # (process_fields.bats checks that refusal).
    [[ "$w" != *WEIGHTED* ]] || kernel_at_least 6.9 || continue
    run_container ".linux.memoryPolicy = ${w%|*}"
    grep -q "^[0-9a-f]* ${w#*|} file=/bin/sleep" "/proc/$pid/numa_maps" ||
      { echo "${w%|*}:"; head -2 "/proc/$pid/numa_maps"; return 1; }
    berth delete -f "$ID"
  done
}

# ---- seccomp ----

# audit_lines CODE NR: the kernel's seccomp audit records (type=1326, on the console without
# auditd) of this test's probe calling NR with action CODE (0x7ffc0000 log, 0x50000 errno).
audit_lines() {
  dmesg | grep -F "exe=\"/bin/$PROBE\"" | grep -c " syscall=$2 .*code=$1\$" || true
}

# logged CODE NR: the probe calls NR until the kernel logs it with CODE. The console's audit
# lines are rate-limited (10 per 5 seconds, for every printer on the host): one call is not
# enough.
logged() {
  for _ in 1 2 3 4; do
    berth exec "$ID" "$PROBE" "$2" >/dev/null 2>&1 || true
    [ "$(audit_lines "$1" "$2")" -gt 0 ] && return 0
    sleep 6
  done
  echo "no audit record of system call $2 with code $1 (is audit off?)"
  return 1
}

@test "seccomp: every action, operator, architecture and flag features lists is in the container's filter" {
  [ "$(features .linux.seccomp.enabled)" = true ]
  [ "$(uname -m)" = x86_64 ] || { echo "the system call numbers below are x86_64's"; return 1; }
  # A name of its own, which the kernel's audit records show (exe=).
  PROBE=syscall_probe.$$.$RANDOM
  cp "$SYSCALL_PROBE" "$ROOTFS_DIR/rootfs/bin/$PROBE"
  # syscall_probe NR calls NR with zero arguments. action: "NAME NR|what the probe shows";
  # a killing action ends the probe with SIGSYS (exit 159). SCMP_ACT_ALLOW is the default of
  # the container below (a rule repeating the default is not added): its own container with
  # a denying default checks it. SCMP_ACT_LOG lets the call through and the kernel logs it.
  local -A action=(
    [SCMP_ACT_ALLOW]='getpid 39|39 ok'
    [SCMP_ACT_ERRNO]='acct 163|163 EACCES'
    [SCMP_ACT_TRACE]='settimeofday 164|164 ENOSYS'
    [SCMP_ACT_LOG]='sync 162|162 ok'
    [SCMP_ACT_TRAP]='vhangup 153|159'
    [SCMP_ACT_KILL]='pivot_root 155|159'
    [SCMP_ACT_KILL_THREAD]='chroot 161|159'
    [SCMP_ACT_KILL_PROCESS]='modify_ldt 154|159'
  )
  # operator: "NAME NR VALUE VALUE_TWO|ARG0 that matches|ARG0 that does not" on argument 0 of
  # one rule; a match answers EACCES. The pairs sit on the boundary (GE and GT, LE and LT
  # differ there). The calls do nothing with these arguments but fail or read.
  local -A operator=(
    [SCMP_CMP_EQ]='getpgid 121 5 0|5|6'
    [SCMP_CMP_NE]='getsid 124 5 0|6|5'
    [SCMP_CMP_GE]='sched_get_priority_max 146 5 0|5|4'
    [SCMP_CMP_GT]='sched_get_priority_min 147 5 0|6|5'
    [SCMP_CMP_LE]='getpriority 140 5 0|5|6'
    [SCMP_CMP_LT]='fsync 74 5 0|4|5'
    [SCMP_CMP_MASKED_EQ]='fdatasync 75 6 4|5|3'
  )
  local rules='[]' actions=() probes=() want=() allow=no
  for a in $(features '.linux.seccomp.actions[]' | jq -r .); do
    if [ "$a" = SCMP_ACT_NOTIFY ]; then
      # Needs a listener: seccomp.bats's agent answers the notified calls.
      grep -q '^@test "SCMP_ACT_NOTIFY: the listener gets' "$BERTH_SOURCE_DIR/tests/integration/seccomp.bats"
      continue
    fi
    [ -n "${action[$a]:-}" ] || { echo "seccomp action $a: no check in this test"; return 1; }
    if [ "$a" = SCMP_ACT_ALLOW ]; then allow=yes; continue; fi
    actions+=("$a")
    set -- ${action[$a]%|*}
    rules=$(jq -c --arg n "$1" --arg a "$a" '. + [{names: [$n], action: $a, errnoRet: 13}]' <<<"$rules")
  done
  for o in $(features '.linux.seccomp.operators[]' | jq -r .); do
    [ -n "${operator[$o]:-}" ] || { echo "seccomp operator $o: no check in this test"; return 1; }
    IFS='|' read -r spec hit miss <<<"${operator[$o]}"
    set -- $spec
    rules=$(jq -c --arg n "$1" --arg op "$o" --argjson v "$3" --argjson v2 "$4" '. + [{names: [$n],
      action: "SCMP_ACT_ERRNO", errnoRet: 13, args: [{index: 0, value: $v, valueTwo: $v2, op: $op}]}]' <<<"$rules")
    probes+=("$2:$hit" "$2:$miss")
    want+=("$o $2:$hit EACCES" "$o $2:$miss not EACCES")
  done
  # libseccomp puts architectures of one byte order in a filter: this host's (little-endian)
  # ones go into the container's; each of the others is refused in one line naming it.
  local -A order=([SCMP_ARCH_AARCH64]=le [SCMP_ARCH_ARM]=le [SCMP_ARCH_MIPSEL]=le
    [SCMP_ARCH_MIPSEL64]=le [SCMP_ARCH_MIPSEL64N32]=le [SCMP_ARCH_PPC64LE]=le
    [SCMP_ARCH_RISCV64]=le [SCMP_ARCH_X32]=le [SCMP_ARCH_X86]=le [SCMP_ARCH_X86_64]=le
    [SCMP_ARCH_MIPS]=be [SCMP_ARCH_MIPS64]=be [SCMP_ARCH_MIPS64N32]=be [SCMP_ARCH_PARISC]=be
    [SCMP_ARCH_PARISC64]=be [SCMP_ARCH_PPC]=be [SCMP_ARCH_PPC64]=be [SCMP_ARCH_S390]=be
    [SCMP_ARCH_S390X]=be)
  local archs='[]'
  for a in $(features '.linux.seccomp.archs[]' | jq -r .); do
    case ${order[$a]:-} in
    le) archs=$(jq -c --arg a "$a" '. + [$a]' <<<"$archs") ;;
    be)
      pristine
      config --arg a "$a" '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", architectures: [$a]}'
      expect_refusal 1 "linux.seccomp.architectures[0]: $a: Numerical argument out of domain" \
        run -d -b "$BUNDLE" "$ID"
      ;;
    *) echo "seccomp architecture $a: no check in this test"; return 1 ;;
    esac
  done
  # SCMP_ACT_ALLOW: a filter that denies (EACCES) all but the calls a static probe makes to
  # start, getpid and exit; getppid shows the default.
  if [ "$allow" = yes ]; then
    pristine
    args "$PROBE" 39 110
    config '.linux.seccomp = {defaultAction: "SCMP_ACT_ERRNO", defaultErrnoRet: 13,
      architectures: ["SCMP_ARCH_X86_64"], syscalls: [{action: "SCMP_ACT_ALLOW",
      names: ["execve", "brk", "arch_prctl", "set_tid_address", "set_robust_list", "rseq",
        "prlimit64", "mprotect", "mmap", "munmap", "readlink", "getrandom", "newfstatat",
        "ioctl", "write", "exit", "exit_group", "getpid"]}]}'
    run berth run -b "$BUNDLE" "$ID"
    berth delete -f "$ID"
    [ "$status" -eq 0 ] || { echo "SCMP_ACT_ALLOW: exit $status, $output"; return 1; }
    [ "$output" = "39 ok"$'\n'"110 EACCES" ] || { echo "SCMP_ACT_ALLOW: $output"; return 1; }
  fi
  pristine
  config --argjson r "$rules" --argjson archs "$archs" \
    --argjson flags "$(features .linux.seccomp.supportedFlags)" \
    '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", architectures: $archs, flags: $flags, syscalls: $r}'
  berth run -d -b "$BUNDLE" "$ID"
  pid=$(state_field "$ID" pid)
  # Every architecture and flag: the filter with all of them is loaded (only the native
  # architecture can be called here; SECCOMP_FILTER_FLAG_TSYNC changes nothing to see in a
  # process of one thread). A known flag this kernel lacks cannot be loaded.
  grep -q '^Seccomp:[[:space:]]*2$' "/proc/$pid/status"
  [ "$(features '.linux.seccomp | .supportedFlags - .knownFlags')" = '[]' ]
  # SECCOMP_FILTER_FLAG_SPEC_ALLOW: where the kernel mitigates Speculative Store Bypass for
  # seccomp'd tasks, the flag keeps it off ("thread force mitigated" without it).
  if grep '^Speculation_Store_Bypass:.*force mitigated' "/proc/$pid/status"; then
    echo "the container is mitigated: no SECCOMP_FILTER_FLAG_SPEC_ALLOW"
    return 1
  fi
  for a in "${actions[@]}"; do
    set -- ${action[$a]%|*}
    expect=${action[$a]#*|}
    status=0
    out=$(berth exec "$ID" "$PROBE" "$2" 2>&1) || status=$?
    if [ "$expect" = 159 ]; then
      [ "$status" -eq 159 ] || { echo "$a: exit $status, $out"; return 1; }
    else
      [ "$status" -eq 0 ] || { echo "$a: exit $status, $out"; return 1; }
      [ "$out" = "$expect" ] || { echo "$a: $out, not $expect"; return 1; }
    fi
  done
  run berth exec "$ID" "$PROBE" "${probes[@]}"
  [ "$status" -eq 0 ] || { echo "$output"; return 1; }
  for w in "${want[@]}"; do
    set -- $w
    got=$(grep "^$2 " <<<"$output")
    case $w in
    *" not EACCES") [ -n "$got" ] && [ "$got" != "$2 EACCES" ] ;;
    *) [ "$got" = "$2 $3" ] ;;
    esac || { echo "$1 on $2: wanted ${w#* }, got $got"; return 1; }
  done
  # What the kernel logs (needs audit in the kernel, which /proc/self/loginuid shows, and on):
  # SCMP_ACT_LOG's call; and, only with SECCOMP_FILTER_FLAG_LOG, SCMP_ACT_ERRNO's.
  if [ -e /proc/self/loginuid ]; then
    case " ${actions[*]} " in *" SCMP_ACT_LOG "*) logged 0x7ffc0000 162 ;; esac
    if [ "$(features '.linux.seccomp.supportedFlags | any(. == "SECCOMP_FILTER_FLAG_LOG")')" = true ]; then
      logged 0x50000 163
    fi
  fi
}
