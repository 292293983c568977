# Shared by the stress suites: what is left of a test's containers, and its removal.
# The containers of a test are named $ID-SOMETHING, its berth runs with --root $ROOT, and the
# containers' command line is "sleep $TOKEN" when TOKEN is set, and TEST_PID is the test's
# shell, whose unreaped children are zombies of the test.

fd_count() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 | wc -l; }

# What is left of the test's containers, one line each.
leftovers() {
  local mnt
  # State directories.
  find "$ROOT" -mindepth 1 -maxdepth 1 -printf 'state dir %p\n' 2>/dev/null
  # Mounts of the test's paths or containers, in this (the host's) mount namespace.
  grep -F -e "$TEST_TMP" -e "$ROOTFS_DIR" -e "$ID-" /proc/self/mountinfo | sed 's/^/mount /'
  # Cgroups named after the containers, in every v1 hierarchy and the unified one.
  cgroup_mounts | while read -r mnt; do
    find "$mnt" -type d -name "$ID-*" -printf 'cgroup %p\n' 2>/dev/null
  done
  # One ps for all processes (a loop over /proc forks per process: minutes on a busy
  # machine). The patterns go through the environment: in awk's arguments they would match
  # awk itself.
  ps -e -o pid=,ppid=,stat=,args= |
    PARENTS=" $$ ${TEST_PID:-} " ROOT_ARG="--root $ROOT " CONTAINER_CMD="sleep ${TOKEN:-none}" awk '
      $3 ~ /^Z/ && index(ENVIRON["PARENTS"], " " $2 " ") { print "zombie " $1 " (parent " $2 ")"; next }
      {
        cmd = $0
        sub(/^ *[0-9]+ +[0-9]+ +[^ ]+ +/, "", cmd)
        if (index(cmd " ", ENVIRON["ROOT_ARG"]) || cmd == ENVIRON["CONTAINER_CMD"])
          print "process " $1 ": " cmd
      }'
  return 0
}

cgroup_mounts() { awk '$0 ~ / - cgroup2? / {print $5}' /proc/self/mountinfo | sort -u; }

# leftover_summary LEFTOVERS: one line of counts.
leftover_summary() {
  local kind line=""
  for kind in mount cgroup process zombie state; do
    line+=" $kind $(grep -c "^$kind" <<<"$1")"
  done
  echo "left behind:$line"
}

# Whatever a failed test left: every container of its root (also one whose create died
# half-way, which `berth list` does not show), its berth and container processes, the
# processes in and then the cgroups named after its containers.
remove_leftovers() {
  local dir mnt pid dirs busy
  if [ -d "$ROOT" ]; then
    for dir in "$ROOT"/*/; do
      [ -d "$dir" ] && berth delete -f "$(basename "$dir")" >/dev/null 2>&1 || true
    done
  fi
  for pid in $(leftovers | sed -n 's/^process \([0-9]*\):.*/\1/p'); do
    kill -KILL "$pid" 2>/dev/null || true
  done
  dirs=$(cgroup_mounts | while read -r mnt; do find "$mnt" -type d -name "$ID-*" 2>/dev/null; done)
  if [ -n "$dirs" ]; then
    for dir in $dirs; do
      for pid in $(cat "$dir/cgroup.procs" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
    done
    for _ in $(seq 50); do # a killed process leaves its cgroup a moment later
      busy=0
      for dir in $dirs; do
        if [ -d "$dir" ]; then find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null || busy=1; fi
      done
      [ "$busy" = 1 ] || break
      sleep 0.1
    done
  fi
  rm -rf "$TEST_TMP"
}
