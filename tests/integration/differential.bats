#!/usr/bin/env bats
# berth against Debian's runc (differential.bash: how), for what the cgroup driver has no part
# in: state, exit statuses, errors, exec, hooks, spec, list. The VM tier runs it under one
# driver (tests/vm/matrix); what goes through the driver's cgroup (pause, kill --all, delete
# -f, ps, exec --cgroup, update, kernel memory) is differential_cgroup.bats, under each.

load differential

@test "state: the same fields and values through created, running and stopped" {
  config '.annotations = {"org.example/key": "value", "empty": ""}'
  both create -b "$BUNDLE" @ID
  same_status 0
  same_state created
  both start @ID
  same_status 0
  same_state running
  both kill @ID KILL
  same_status 0
  wait_stopped
  same_state stopped
  [ "$(state_of berth | jq .pid)" = 0 ]
  both delete @ID
  same_status 0
  both state @ID
  same_status 1
  same_phrases
}

@test "state and every command of an unknown container fail alike" {
  for cmd in state start "kill" pause resume delete ps; do
    both $cmd nosuch
    same_status 1
    same_phrases
  done
  # runc's exec reports every failure, this one too, as 255.
  both exec nosuch true
  same_status 255
  same_phrases
  both delete --force nosuch
  same_status 0
  both delete -f nosuch
  same_status 0
}

@test "run exits with the container's status" {
  for code in 0 3 255 300; do
    config --arg c "exit $code" '.process.args = ["sh", "-c", $c]'
    both run -b "$BUNDLE" @ID
    same_status $((code % 256))
  done
}

@test "run reports a container killed by SIGKILL as 137" {
  local engine pid rc
  for engine in runc berth; do
    if [ "$engine" = berth ]; then
      "$BERTH" --root "$ROOT" "${BERTH_DRIVER_ARGS[@]}" run -b "$BUNDLE" "$(cid berth)" </dev/null >/dev/null 2>&1 &
    else
      runc_cmd run -b "$BUNDLE" "$(cid runc)" </dev/null >/dev/null 2>&1 &
    fi
    pid=$!
    for _ in $(seq 100); do
      [ "$(state_of "$engine" 2>/dev/null | jq -r .status)" = running ] && break
      sleep 0.1
    done
    on "$engine" kill @ID KILL
    rc=0
    wait "$pid" || rc=$?
    [ "$rc" -eq 137 ] || { echo "$engine run exited $rc"; return 1; }
  done
}

@test "run of a missing or non-executable command fails alike and says why" {
  # Docker and podman turn the message into the container's exit code (127 / 126).
  for cmd in /nonexistent nosuchcommand /etc/passwd /tmp; do
    config --arg c "$cmd" '.process.args = [$c]'
    both run -b "$BUNDLE" @ID
    same_status 1
    same_phrases
    both delete -f @ID
  done
}

@test "start: only a created container starts" {
  both create -b "$BUNDLE" @ID
  both start @ID
  same_status 0
  both start @ID
  same_status 1
  both kill @ID KILL
  wait_stopped
  both start @ID
  same_status 1
  both pause @ID
  same_status 1
  both resume @ID
  same_status 1
}

@test "create: an existing ID, a terminal without a console socket, fail alike" {
  both create -b "$BUNDLE" @ID
  same_status 0
  both create -b "$BUNDLE" @ID
  same_status 1
  config '.process.terminal = true'
  both create -b "$BUNDLE" @ID-tty
  same_status 1
}

@test "create: a kernel.hostname sysctl is refused in runc's words, kernel.domainname runs" {
  config '.linux.sysctl = {"kernel.hostname": "other"}'
  both create -b "$BUNDLE" @ID
  same_status 1
  phrase='sysctl "kernel.hostname" is not allowed as it conflicts with the OCI "hostname" field'
  # (runc's log escapes the quotes.)
  [[ "${r_output//\\/}" == *"$phrase"* ]] && [[ "$b_output" == *"$phrase"* ]] ||
    { echo "runc: $r_output; berth: $b_output"; return 1; }
  both state @ID
  same_status 1
  config '.linux.sysctl = {"kernel.domainname": "example.org"} | .process.args = ["cat", "/proc/sys/kernel/domainname"]'
  both run -b "$BUNDLE" @ID
  same_status 0
  [ "$b_output" = example.org ]
  [ "$r_output" = example.org ]
}

@test "pid files hold the bare pid, as go-runc's ReadPidFile parses it" {
  both create --pid-file "$TEST_TMP/@ID.pid" -b "$BUNDLE" @ID
  same_status 0
  grep -qxE '[0-9]+' "$TEST_TMP/$(cid runc).pid"
  cmp <(tr -d 0-9 <"$TEST_TMP/$(cid runc).pid") <(tr -d 0-9 <"$TEST_TMP/$(cid berth).pid")
  [ "$(cat "$TEST_TMP/$(cid berth).pid")" = "$(state_of berth | jq .pid)" ]
  both exec -d --pid-file "$TEST_TMP/@ID.exec.pid" @ID sleep 10
  same_status 0
  cmp <(tr -d 0-9 <"$TEST_TMP/$(cid runc).exec.pid") <(tr -d 0-9 <"$TEST_TMP/$(cid berth).exec.pid")
}

@test "--log-format json: the last line is the error containerd reports" {
  both --log "$TEST_TMP/@ID.log" --log-format json kill nosuch KILL
  same_status 1
  for engine in runc berth; do
    tail -n 1 "$TEST_TMP/$(cid "$engine").log" |
      jq -e '.level == "error" and (.msg | contains("does not exist")) and (.time | type == "string")'
  done
}

@test "exec: the process's status, 137 for SIGKILL, 255 when it cannot run or has stopped" {
  both run -d -b "$BUNDLE" @ID
  same_status 0
  both exec @ID sh -c 'exit 7'
  same_status 7
  both exec @ID sh -c 'kill -KILL $$'
  same_status 137
  for cmd in /nonexistent nosuchcommand /etc/passwd /tmp; do
    both exec @ID "$cmd"
    same_status 255
    same_phrases
  done
  # A paused one: differential_cgroup.bats (the driver freezes it).
  both kill @ID KILL
  wait_stopped
  both exec @ID true
  same_status 255
}

@test "exec --env overrides the spec's process.env: the later one wins" {
  config '.process.env = ["PATH=/usr/bin:/bin", "FOO=from-spec", "KEEP=kept"]'
  both run -d -b "$BUNDLE" @ID
  same_status 0
  # env, not a shell: a shell keeps one of two FOOs, a program's getenv may see either.
  both exec -e FOO=from-flag -e NEW=added @ID env
  same_status 0
  for output in "$r_output" "$b_output"; do
    [ "$(grep -E '^(FOO|KEEP|NEW)=' <<<"$output" | sort)" = "FOO=from-flag
KEEP=kept
NEW=added" ] || { echo "runc: $r_output; berth: $b_output"; return 1; }
  done
}

@test "exec --process: a symlinked file, and a process without user runs as root" {
  both run -d -b "$BUNDLE" @ID
  same_status 0
  echo '{"args": ["sh", "-c", "id -u; id -g"], "cwd": "/", "env": ["PATH=/bin"]}' >"$TEST_TMP/p.json"
  ln -s p.json "$TEST_TMP/link.json"
  both exec --process "$TEST_TMP/link.json" @ID
  same_status 0
  [ "$b_output" = "0
0" ] && [ "$r_output" = "$b_output" ] || { echo "runc: $r_output; berth: $b_output"; return 1; }
}

@test "list --format json: null when empty, then the same objects" {
  both list --format json
  same_status 0
  [ "$r_output" = null ]
  [ "$b_output" = null ]
  both create -b "$BUNDLE" @ID-a
  both run -d -b "$BUNDLE" @ID-b
  both list --format json
  same_status 0
  # Every field as in `state`, "owner" included (runc's list fills it in).
  shape='map({id: (.id | sub("-[rb]-"; "-")), status, pid: (.pid > 0), bundle, rootfs, owner,
              keys: keys}) | sort_by(.id)'
  [ "$(jq -S "$shape" <<<"$r_output")" = "$(jq -S "$shape" <<<"$b_output")" ]
  both list -q
  [ "$(sort <<<"$r_output" | sed 's/-r-/-/')" = "$(sort <<<"$b_output" | sed 's/-b-/-/')" ]
  # Tolerated: `list`'s table pads its columns differently (engines read --format json), and
  # `ps --format json` of a stopped container prints null in runc and [] in berth (both
  # decode to an empty []int in go-runc).
}

@test "list: sorted by ID, whatever order the directory holds them in" {
  local id
  for id in m z a k c; do
    both create -b "$BUNDLE" "@ID-$id"
    same_status 0
  done
  both list -q
  same_status 0
  [ "$(sed 's/-r-/-/' <<<"$r_output")" = "$(sed 's/-b-/-/' <<<"$b_output")" ] ||
    { echo "runc: $r_output; berth: $b_output"; return 1; }
  [ "$b_output" = "$(LC_ALL=C sort <<<"$b_output")" ]
  both list --format json
  [ "$(jq -r '.[].id' <<<"$b_output")" = "$(jq -r '.[].id' <<<"$b_output" | LC_ALL=C sort)" ]
}

@test "hooks: one without env gets the runtime's environment" {
  # It writes what it sees of HOOK_MARK and PATH next to itself, under its container's ID.
  cat >"$TEST_TMP/hook.sh" <<'EOF'
#!/bin/sh
id=$(sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
echo "$HOOK_MARK $PATH" > "${0%/*}/$id.env"
EOF
  chmod 755 "$TEST_TMP/hook.sh"
  config --arg h "$TEST_TMP/hook.sh" '.hooks.createRuntime = [{path: $h}]'
  HOOK_MARK="from the caller" both create -b "$BUNDLE" @ID
  same_status 0
  for engine in runc berth; do
    [ "$(cat "$TEST_TMP/$(cid $engine).env")" = "from the caller $PATH" ] ||
      { echo "$engine's hook saw: $(cat "$TEST_TMP/$(cid $engine).env")"; return 1; }
  done
}

@test "spec: runc's default config, the hostname apart" {
  # Engines write their own config.json, but a bundle made with `spec` must run the same
  # container under both: namespaces included (runc adds a cgroup namespace only on a
  # unified host, which changes what the workload sees in /proc/self/cgroup on v1).
  mkdir "$TEST_TMP/r" "$TEST_TMP/b"
  "$RUNC" spec -b "$TEST_TMP/r"
  berth spec -b "$TEST_TMP/b"
  diff <(jq -S '.hostname = "H"' "$TEST_TMP/r/config.json") \
    <(jq -S '.hostname = "H"' "$TEST_TMP/b/config.json")
  [ "$(jq -r .hostname "$TEST_TMP/b/config.json")" = berth ]
  mkdir "$TEST_TMP/r-rootless" "$TEST_TMP/b-rootless"
  "$RUNC" spec --rootless -b "$TEST_TMP/r-rootless"
  berth spec --rootless -b "$TEST_TMP/b-rootless"
  diff <(jq -S '.hostname = "H"' "$TEST_TMP/r-rootless/config.json") \
    <(jq -S '.hostname = "H"' "$TEST_TMP/b-rootless/config.json")
  both spec -b "$TEST_TMP/b"
  same_status 1
}

@test "run and exec: the process leads its own session and process group, as in runc" {
  # runc's process (init or exec'd) calls setsid(); berth's used to stay in the caller's
  # group and session, outside the pid namespace (0 seen from inside).
  local probe='echo $$ $(cut -d" " -f5,6 /proc/self/stat)'
  config --arg p "$probe" '.process.args = ["sh", "-c", $p]'
  both run -b "$BUNDLE" @ID
  same_status 0
  [ "$r_output" = "1 1 1" ] && [ "$b_output" = "$r_output" ] || { echo "runc: $r_output, berth: $b_output"; return 1; }
  both delete -f @ID
  config '.process.args = ["sleep", "100"]'
  both run -d -b "$BUNDLE" @ID
  same_status 0
  both exec @ID sh -c "$probe"
  same_status 0
  read -r r_pid r_pgrp r_sid <<<"$r_output"
  read -r b_pid b_pgrp b_sid <<<"$b_output"
  [ "$r_pgrp" = "$r_pid" ] && [ "$r_sid" = "$r_pid" ] || { echo "runc: $r_output"; return 1; }
  [ "$b_pgrp" = "$b_pid" ] && [ "$b_sid" = "$b_pid" ] || { echo "runc: $r_output, berth: $b_output"; return 1; }
}

@test "a bind source below a directory the mapped user cannot search mounts in both" {
  mkdir -p "$TEST_TMP/locked/src"
  echo secret-ok >"$TEST_TMP/locked/src/file"
  chmod 000 "$TEST_TMP/locked"
  config --arg a "$TEST_TMP/locked/src" '.linux.namespaces += [{"type": "user"}]
          | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
          | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
          | .mounts += [{"destination": "/tmp", "type": "bind", "source": $a, "options": ["rbind", "ro"]}]'
  args cat /tmp/file
  both run -b "$BUNDLE" @ID
  chmod 755 "$TEST_TMP/locked"
  same_status 0
  [ "$b_output" = "$r_output" ] || { echo "runc: $r_output; berth: $b_output"; return 1; }
}
