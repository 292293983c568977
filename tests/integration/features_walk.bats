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
  # are features.bats's) and the test of this file that walks each.
  local -A WALKED=(
    [ociVersionMin]='configs of ociVersionMin and ociVersionMax run'
    [ociVersionMax]='configs of ociVersionMin and ociVersionMax run'
    [hooks]='every hook'
    [mountOptions]='every mount option'
    [linux/namespaces]='every namespace'
    [linux/seccomp/enabled]='seccomp'
    [linux/seccomp/actions]='seccomp'
    [linux/seccomp/operators]='seccomp'
    [linux/seccomp/archs]='seccomp'
    [linux/seccomp/knownFlags]='seccomp'
    [linux/seccomp/supportedFlags]='seccomp'
    [linux.cgroup.v1]='host flags'
    [linux.cgroup.v2]='host flags'
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
    [org.berth/pluginAbi]='features.bats'
    [org.berth/pluginPath]='features.bats'
    [org.berth/plugins]='features.bats'
  )
  missing=()
  while read -r key; do
    [ -n "${WALKED[$key]:-}" ] || missing+=("$key")
  done < <(jq -r 'paths as $p | select(($p | all(type == "string"))
                    and (getpath($p) | type != "object" or length == 0)) | $p | join("/")' <<<"$FEATURES")
  [ "${#missing[@]}" -eq 0 ] || { echo "claimed, not walked: ${missing[*]}"; return 1; }
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
