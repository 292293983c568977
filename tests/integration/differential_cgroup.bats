#!/usr/bin/env bats
# berth against Debian's runc (differential.bash: how), for what goes through the cgroup
# driver: pause and resume, kill --all, delete -f of a running or created container, ps,
# exec --cgroup and into a created container, update, kernel memory's warning. The VM tier
# runs it under every driver (tests/vm/matrix); the rest is differential.bats.

load differential

@test "state: paused, and a relative rootfs and bundle resolved alike; no exec while paused" {
  config '.root.path = "rootfs"'
  mkdir "$TEST_TMP/b2"
  cp "$BUNDLE/config.json" "$TEST_TMP/b2/"
  cp -a "$ROOTFS_DIR/rootfs" "$TEST_TMP/b2/rootfs"
  cd "$TEST_TMP"
  both run -d -b b2 @ID
  same_status 0
  same_state running
  [ "$(state_of berth | jq -r .bundle)" = "$TEST_TMP/b2" ]
  [ "$(state_of berth | jq -r .rootfs)" = "$TEST_TMP/b2/rootfs" ]
  both pause @ID
  same_status 0
  same_state paused
  # No exec into a paused container: 255 in both.
  both exec @ID true
  same_status 255
  both delete @ID
  same_status 1
  both resume @ID
  same_status 0
  same_state running
  both delete -f @ID
  same_status 0
}

@test "kill: known signals are delivered, unknown ones fail in both" {
  config '.process.args = ["sh", "-c", "trap \"\" USR1 HUP; while :; do sleep 0.1; done"]'
  both run -d -b "$BUNDLE" @ID
  same_status 0
  for sig in SIGUSR1 usr1 HUP 10 TERM; do
    both kill @ID "$sig"
    same_status 0
  done
  # Signal 0 is the liveness probe: delivered to nothing, exit 0 while it runs.
  both kill @ID 0
  same_status 0
  both kill --all @ID 0
  same_status 0
  # Tolerated, as no engine sends them: berth knows RTMIN+N/RTMAX-N names that runc 1.1
  # refuses.
  for sig in SIGNOPE 99 65; do
    both kill @ID "$sig"
    [ "$r_status" -ne 0 ] && [ "$b_status" -ne 0 ] || { echo "kill $sig: runc $r_status, berth $b_status"; return 1; }
  done
  same_state running
  both kill @ID KILL
  same_status 0
  wait_stopped
  # A kill that comes after the container exited: containerd needs "container not running".
  both kill @ID KILL
  same_status 1
  same_phrases
  both kill @ID TERM
  same_status 1
  same_phrases
  # The liveness probe of a stopped container: "container not running".
  both kill @ID 0
  same_status 1
  same_phrases
  [[ "$b_output" == *"container not running"* ]]
  # kill --all of a stopped container is no error in either.
  both kill --all @ID KILL
  same_status 0
  both kill --all @ID 0
  same_status 0
}

@test "delete: a running one needs --force in both, a stopped one does not, a created one does in berth" {
  both run -d -b "$BUNDLE" @ID
  both delete @ID
  same_status 1
  same_state running
  both delete --force @ID
  same_status 0
  both state @ID
  same_status 1
  both create -b "$BUNDLE" @ID
  same_status 0
  # A deliberate difference: runc deletes a created container (killing its init), berth
  # refuses as the runtime spec says ("Attempting to delete a container that is not stopped
  # MUST have no effect on the container and MUST generate an error"; runtime-tools' delete).
  # No engine depends on runc's way (tests/e2e/OBSERVED.md): podman and CRI-O delete with
  # --force, and containerd's shim deletes a created task only after killing it, when it is
  # stopped in both; its plain delete of a task that is gone gets "does not exist" in both.
  both delete @ID
  [ "$r_status" -eq 0 ] || { echo "runc refused: $r_output"; return 1; }
  [ "$b_status" -eq 1 ] || { echo "berth exited $b_status: $b_output"; return 1; }
  [ "$b_output" = "berth: cannot delete container $(cid berth) that is not stopped: created" ]
  # The same words runc uses for a running container, which engines may already match on.
  on runc run -d -b "$BUNDLE" @ID
  rc=0
  on runc delete @ID || rc=$?
  [ "$rc" -eq 1 ] || { echo "runc delete of a running container exited $rc"; return 1; }
  [[ "$(cat "$TEST_TMP/runc.out")" == *"cannot delete container $(cid runc) that is not stopped: running"* ]]
  on runc delete --force @ID
  [ "$(state_of berth | jq -r .status)" = created ]
  both delete --force @ID
  same_status 0
  both state @ID
  same_status 1
  config '.process.args = ["true"]'
  both run -d -b "$BUNDLE" @ID
  wait_stopped
  both delete @ID
  same_status 0
}

@test "memory.kernel and kernelTCP: the container runs, with a warning" {
  config '.linux.resources.memory = {"kernel": 1048576, "kernelTCP": 1048576} | .process.args = ["true"]'
  both run -b "$BUNDLE" @ID
  same_status 0
  for output in "$r_output" "$b_output"; do
    grep -i warn <<<"$output" | grep -qi "kernel memory settings are ignored" ||
      { echo "runc: $r_output; berth: $b_output"; return 1; }
  done
  both delete @ID
  both --log "$TEST_TMP/@ID.log" --log-format json run -b "$BUNDLE" @ID
  same_status 0
  for engine in runc berth; do
    jq -se 'any(.level == "warning" and (.msg | test("kernel memory settings are ignored"; "i")))' \
      "$TEST_TMP/$(cid "$engine").log"
  done
}

@test "exec --cgroup: / is the container's own cgroup, and a v1 controller list names each" {
  local engine pid
  both run -d -b "$BUNDLE" @ID
  same_status 0
  both exec --cgroup / @ID true
  same_status 0
  # cgroup v1 only: a list such as a co-mounted hierarchy's name (cpu,cpuacct), one
  # sub-cgroup in each of its controllers.
  if ! cgroup2_host && [ "$(test_driver)" = v1 ]; then
    for engine in runc berth; do
      pid=$(state_of "$engine" | jq .pid)
      mkdir -p "$(cgroup_dir "$pid" cpu)/sub" "$(cgroup_dir "$pid" cpuacct)/sub"
    done
    both exec --cgroup cpu,cpuacct:sub @ID cat /proc/self/cgroup
    same_status 0
    for output in "$r_output" "$b_output"; do
      for controller in cpu cpuacct; do
        grep -qE "^[0-9]+:([a-z_]+,)*$controller(,[a-z_]+)*:/.*/sub\$" <<<"$output" ||
          { echo "$controller: runc: $r_output; berth: $b_output"; return 1; }
      done
    done
  fi
}

@test "ps: ps(1)'s output for the container's processes, with the caller's ps options" {
  config '.process.args = ["sh", "-c", "sleep 100 & sleep 200"]'
  both run -d -b "$BUNDLE" @ID
  same_status 0
  local engine
  for engine in runc berth; do # until both sleeps run in each
    for _ in $(seq 100); do
      on "$engine" ps --format json @ID
      [ "$(jq length "$TEST_TMP/$engine.out")" = 2 ] && break
      sleep 0.1
    done
  done
  # Default: ps -ef, the header and one line per process (sh execs its last command:
  # sleep 200, and its child sleep 100).
  both ps @ID
  same_status 0
  [ "$(head -n 1 <<<"$b_output")" = "$(head -n 1 <<<"$r_output")" ]
  [ "$(wc -l <<<"$b_output")" = "$(wc -l <<<"$r_output")" ] && [ "$(wc -l <<<"$b_output")" -eq 3 ] ||
    { echo "runc: $r_output; berth: $b_output"; return 1; }
  # The caller's options: the columns they ask for, the lines still only the container's.
  both ps @ID -o pid,comm
  same_status 0
  [ "$(head -n 1 <<<"$b_output")" = "$(head -n 1 <<<"$r_output")" ]
  [[ "$(head -n 1 <<<"$b_output")" =~ ^\ *PID\ COMMAND$ ]] # ps pads PID to pid_max's width
  [ "$(tail -n +2 <<<"$b_output" | awk '{print $2}' | sort)" = "$(tail -n +2 <<<"$r_output" | awk '{print $2}' | sort)" ]
  [ "$(tail -n +2 <<<"$b_output" | awk '{print $1}' | sort -n)" = \
    "$(on berth ps --format json @ID && jq -r '.[]' "$TEST_TMP/berth.out" | sort -n)" ]
  # ps options without a PID column, and options ps refuses, fail in both.
  both ps @ID -o comm
  same_status 1
  [[ "$b_output" == *"couldn't find PID field in ps output"* ]]
  both ps @ID --no-such-option
  same_status 1
  # Tolerated: berth also takes the options after "--" (runc hands ps the "--", which ps
  # refuses); no engine passes ps options.
  on berth ps @ID -- -o pid,comm
  [[ "$(head -n 1 "$TEST_TMP/berth.out")" =~ ^\ *PID\ COMMAND$ ]]
  [ "$(wc -l <"$TEST_TMP/berth.out")" -eq 3 ]
}

@test "update --memory -1 lifts a memory+swap limit too, and a later limit leaves swap unlimited" {
  local engine pid dir
  config '.linux.resources.memory = {"limit": 104857600, "swap": 209715200}'
  both run -d -b "$BUNDLE" @ID
  same_status 0
  # The memory and memory+swap (v2: swap) limits of each container's cgroup.
  limits() {
    for engine in runc berth; do
      pid=$(state_of "$engine" | jq .pid)
      dir=$(cgroup_dir "$pid")
      if cgroup2_host; then
        cat "$dir/memory.max" "$dir/memory.swap.max"
      else
        cat "$dir/memory.limit_in_bytes" "$dir/memory.memsw.limit_in_bytes" 2>/dev/null ||
          cat "$dir/memory.limit_in_bytes"
      fi | paste -sd' '
    done
  }
  both update --memory -1 @ID
  same_status 0
  [ "$(limits | sort -u | wc -l)" -eq 1 ] || { limits; return 1; }
  [[ "$(limits | head -n 1)" != *104857600* ]]
  [[ "$(limits | head -n 1)" != *209715200* ]]
  both update --memory 104857600 @ID
  same_status 0
  [ "$(limits | sort -u | wc -l)" -eq 1 ] || { limits; return 1; }
  [[ "$(limits | head -n 1)" == 104857600* ]]
}

@test "exec into a created container runs, as in runc" {
  both create -b "$BUNDLE" @ID
  both exec @ID sh -c 'exit 5'
  same_status 5
  same_state created
}
