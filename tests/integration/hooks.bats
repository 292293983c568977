#!/usr/bin/env bats
# OCI lifecycle hooks on real containers: each kind at its point of the life, with the
# state on stdin, args and env as given, timeouts, and which failures fail what.

load helpers

# Hook scripts and what they write live in $HOOKS on the host; the container sees the same
# directory as /tmp (the shared rootfs is read-only), so that startContainer, run inside
# the container after pivot_root, can reach them too. Each test starts with it.
prepare_hooks() {
  HOOKS=$TEST_TMP/hooks
  mkdir -p "$HOOKS"
  cat > "$HOOKS/record.sh" <<'EOF'
#!/bin/sh
# record.sh KIND LOG: append "KIND STATUS PID" (PID "none" when absent) from the state on stdin.
state=$(cat)
status=$(echo "$state" | sed -n 's/.*"status":"\([a-z]*\)".*/\1/p')
pid=$(echo "$state" | sed -n 's/.*"pid":\([0-9]*\).*/\1/p')
echo "$1 $status ${pid:-none}" >> "$2"
EOF
  chmod 755 "$HOOKS/record.sh"
  config --arg s "$HOOKS" \
    '.mounts += [{"destination": "/tmp", "type": "bind", "source": $s, "options": ["rbind", "rw"]}]'
}

# hook PATH [ARG...]: a hook's JSON, argv[0] being PATH; env only PATH.
hook() {
  jq -cn --arg p "$1" '{path: $p, args: $ARGS.positional, env: ["PATH=/usr/bin:/bin"]}' --args "$@"
}

# add_hook KIND JSON: append a hook to hooks.KIND.
add_hook() { config --argjson h "$2" ".hooks.$1 += [\$h]"; }

# record KIND [LOG]: a hook appending to LOG (default the host's $HOOKS/log).
record() { hook "$HOOKS/record.sh" "$1" "${2:-$HOOKS/log}"; }

# sh_hook SCRIPT [TIMEOUT]: /bin/sh -c SCRIPT, with a timeout when given.
sh_hook() {
  jq -cn --arg s "$1" --argjson t "${2:-null}" \
    '{path: "/bin/sh", args: ["sh", "-c", $s], env: ["PATH=/usr/bin:/bin"]} + (if $t then {timeout: $t} else {} end)'
}

wait_stopped() {
  for _ in $(seq 50); do [ "$(state_field "$1" status)" = stopped ] && return 0; sleep 0.1; done
  return 1
}

@test "every hook kind runs at its point, in order, with the status and the init's pid" {
  prepare_hooks
  args sleep 100
  add_hook prestart "$(record prestart)"
  add_hook createRuntime "$(record createRuntime)"
  add_hook createContainer "$(record createContainer)"
  # Inside the container, after pivot_root: the container's paths.
  add_hook startContainer "$(hook /tmp/record.sh startContainer /tmp/log)"
  add_hook poststart "$(record poststart)"
  add_hook poststop "$(record poststop)"
  berth create -b "$BUNDLE" "$ID"
  pid=$(state_field "$ID" pid)
  [ "$(cat "$HOOKS/log")" = "prestart created $pid
createRuntime creating $pid
createContainer creating $pid" ]
  berth start "$ID"
  # start returns once the process runs: startContainer before poststart, both done.
  [ "$(tail -n 2 "$HOOKS/log")" = "startContainer created $pid
poststart running $pid" ]
  [ "$(state_field "$ID" status)" = running ]
  berth kill "$ID" KILL
  wait_stopped "$ID"
  [ "$(wc -l < "$HOOKS/log")" -eq 5 ]
  berth delete "$ID"
  [ "$(tail -n 1 "$HOOKS/log")" = "poststop stopped none" ]
  [ ! -e "$ROOT/$ID" ]
}

# runtime-spec 1.1 (config.md, "Prestart"): part of create, once the environment is made and
# before pivot_root, which hooks such as nvidia-container-runtime-hook rely on (they mount into
# the rootfs through the init's mount namespace). Status "created" as crun gives it and
# runtime-tools' hooks_stdin wants (runc says "creating"). runtime-tools' prestart program
# still wants spec 1.0's "after start", which 1.1 dropped.
@test "prestart runs during create before pivot_root, with status created and the init's pid" {
  prepare_hooks
  args sleep 100
  add_hook prestart "$(sh_hook 'state=$(cat); echo "$state" > '"$HOOKS"'/prestart-state
    pid=$(echo "$state" | sed -n "s/.*\"pid\":\([0-9]*\).*/\1/p")
    [ -d "/proc/$pid/root'"$HOOKS"'" ] && echo host > '"$HOOKS"'/init-root')"
  berth create -b "$BUNDLE" "$ID"
  pid=$(state_field "$ID" pid)
  [ "$(jq -r .status "$HOOKS/prestart-state")" = created ]
  [ "$(jq -r .pid "$HOOKS/prestart-state")" = "$pid" ]
  # The init's root was still the host's when the hook ran, and is the rootfs once create is done.
  [ "$(cat "$HOOKS/init-root")" = host ]
  [ ! -e "/proc/$pid/root$HOOKS" ]
}

@test "run runs startContainer, poststart and, when it removes the container, poststop" {
  prepare_hooks
  args true
  add_hook startContainer "$(hook /tmp/record.sh startContainer /tmp/log)"
  add_hook poststart "$(record poststart)"
  add_hook poststop "$(record poststop)"
  berth run -b "$BUNDLE" "$ID"
  [ "$(cut -d' ' -f1,2 "$HOOKS/log")" = "startContainer created
poststart running
poststop stopped" ]
  [ ! -e "$ROOT/$ID" ]
}

@test "a hook gets the state on stdin, its args with argv[0], and exactly its env" {
  prepare_hooks
  cat > "$HOOKS/show.sh" <<'EOF'
dir=${0%/*}
cat > "$dir/stdin"
tr '\0' '\n' < /proc/$$/cmdline > "$dir/cmdline"
tr '\0' '\n' < /proc/$$/environ > "$dir/environ"
EOF
  args sleep 100
  config '.annotations = {"org.example/key": "value"}'
  config --arg f "$HOOKS/show.sh" '.hooks.createRuntime = [{path: "/bin/sh",
    args: ["berth-test-argv0", "-c", ". \"$0\"", $f], env: ["FOO=bar baz", "EMPTY="]}]'
  berth create -b "$BUNDLE" "$ID"
  s=$(cat "$HOOKS/stdin")
  [ "$(jq -r .ociVersion <<<"$s")" = "$(jq -r .ociVersion "$BUNDLE/config.json")" ]
  [ "$(jq -r .id <<<"$s")" = "$ID" ]
  [ "$(jq -r .status <<<"$s")" = creating ]
  [ "$(jq -r .pid <<<"$s")" = "$(state_field "$ID" pid)" ]
  [ "$(jq -r .bundle <<<"$s")" = "$(realpath "$BUNDLE")" ]
  [ "$(jq -r '.annotations["org.example/key"]' <<<"$s")" = value ]
  [ "$(jq -r 'keys_unsorted | join(",")' <<<"$s")" = ociVersion,id,status,pid,bundle,annotations ]
  [ "$(head -n 1 "$HOOKS/cmdline")" = berth-test-argv0 ]
  [ "$(cat "$HOOKS/environ")" = "FOO=bar baz
EMPTY=" ]
}

@test "createRuntime runs in the runtime's namespaces and sees the container's through its pid" {
  prepare_hooks
  args sleep 100
  add_hook createRuntime "$(sh_hook 'pid=$(sed -n "s/.*\"pid\":\([0-9]*\).*/\1/p")
    readlink /proc/$pid/ns/net > '"$HOOKS"'/container-net
    readlink /proc/self/ns/net > '"$HOOKS"'/runtime-net
    readlink /proc/self/ns/mnt > '"$HOOKS"'/runtime-mnt')"
  add_hook createContainer "$(sh_hook 'readlink /proc/self/ns/mnt > '"$HOOKS"'/createContainer-mnt
    readlink /proc/self/ns/net > '"$HOOKS"'/createContainer-net')"
  add_hook startContainer "$(sh_hook 'readlink /proc/self/ns/mnt > /tmp/startContainer-mnt')"
  berth create -b "$BUNDLE" "$ID"
  pid=$(state_field "$ID" pid)
  [ "$(cat "$HOOKS/container-net")" = "$(readlink /proc/$pid/ns/net)" ]
  [ "$(cat "$HOOKS/container-net")" != "$(readlink /proc/self/ns/net)" ]
  [ "$(cat "$HOOKS/runtime-net")" = "$(readlink /proc/self/ns/net)" ]
  [ "$(cat "$HOOKS/runtime-mnt")" = "$(readlink /proc/self/ns/mnt)" ]
  [ "$(cat "$HOOKS/createContainer-mnt")" = "$(readlink /proc/$pid/ns/mnt)" ]
  [ "$(cat "$HOOKS/createContainer-net")" = "$(readlink /proc/$pid/ns/net)" ]
  berth start "$ID"
  [ "$(cat "$HOOKS/startContainer-mnt")" = "$(readlink /proc/$pid/ns/mnt)" ]
}

@test "a failing createRuntime hook fails create in one line naming it, and leaves nothing" {
  prepare_hooks
  args sleep 100
  add_hook createRuntime "$(sh_hook 'sed -n "s/.*\"pid\":\([0-9]*\).*/\1/p" > '"$HOOKS"'/pid
    echo "no network for you" >&2; exit 7')"
  add_hook poststop "$(record poststop)"
  run berth create -b "$BUNDLE" "$ID"
  [ "$status" -eq 1 ]
  [ "${#lines[@]}" -eq 1 ]
  [ "$output" = "berth: create $ID: createRuntime hook #0 (/bin/sh): exit status 7; stderr: no network for you" ]
  assert_nothing_left "$ID"
  process_gone "$(cat "$HOOKS/pid")"
  # Create went on to delete, as the runtime spec says: poststop undoes what hooks did.
  [ "$(cat "$HOOKS/log")" = "poststop stopped none" ]
}

@test "a failing createContainer hook fails create too" {
  prepare_hooks
  args sleep 100
  add_hook createRuntime "$(record createRuntime)"
  add_hook createContainer "$(sh_hook 'echo "bad mount" >&2; exit 2')"
  run berth create -b "$BUNDLE" "$ID"
  [ "$status" -eq 1 ]
  [ "${#lines[@]}" -eq 1 ]
  [ "$output" = "berth: create $ID: createContainer hook #0 (/bin/sh): exit status 2; stderr: bad mount" ]
  assert_nothing_left "$ID"
  process_gone "$(awk '{print $3}' "$HOOKS/log")"
}

@test "a hook past its timeout is killed and fails create" {
  prepare_hooks
  args sleep 100
  # A duration of its own, to find this very sleep afterwards.
  nap="37.$$${BATS_TEST_NUMBER}"
  add_hook prestart "$(jq -cn --arg n "$nap" '{path: "/bin/sleep", args: ["sleep", $n], timeout: 1}')"
  start=$SECONDS
  run berth create -b "$BUNDLE" "$ID"
  [ "$status" -eq 1 ]
  [ "$output" = "berth: create $ID: prestart hook #0 (/bin/sleep): timed out after 1 s" ]
  [ $((SECONDS - start)) -lt 10 ]
  [ -z "$(pgrep -f "sleep $nap")" ]
  assert_nothing_left "$ID"
}

@test "a failing startContainer hook stops the container before its process runs" {
  prepare_hooks
  args sh -c 'touch /tmp/process-ran; sleep 100'
  add_hook startContainer "$(sh_hook 'echo "not today" >&2; exit 4')"
  berth create -b "$BUNDLE" "$ID"
  # The init reports the hook's failure through the exec.fifo: start fails with it.
  run berth start "$ID"
  [ "$status" -eq 1 ]
  [ "$output" = "berth: start $ID: startContainer hook #0 (/bin/sh): exit status 4; stderr: not today" ]
  [ "$(state_field "$ID" status)" = stopped ]
  [ ! -e "$HOOKS/process-ran" ]
  berth delete "$ID"
}

@test "a failing poststart hook fails start (runtime-spec 1.3): the container is killed, the next hooks do not run" {
  prepare_hooks
  args sleep 100
  add_hook poststart "$(sh_hook 'echo "cannot announce" >&2; exit 1')"
  add_hook poststart "$(record poststart)"
  berth create -b "$BUNDLE" "$ID"
  pid=$(state_field "$ID" pid)
  run berth start "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == "berth: start $ID: poststart hook #0 (/bin/sh): exit status 1; stderr: cannot announce" ]]
  [ "$(state_field "$ID" status)" = stopped ]
  process_gone "$pid"
  [ ! -e "$HOOKS/log" ]
  berth delete "$ID"
}

@test "a failing poststart hook fails run too, and leaves no container" {
  prepare_hooks
  args sleep 100
  add_hook poststart "$(sh_hook 'exit 2')"
  run berth run -d -b "$BUNDLE" "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *"poststart hook #0 (/bin/sh): exit status 2"* ]]
  assert_nothing_left "$ID"
}

@test "failing poststop hooks are warnings: the container is deleted" {
  prepare_hooks
  args sleep 100
  add_hook poststop "$(sh_hook 'exit 3')"
  add_hook poststop "$(record poststop)"
  berth run -d -b "$BUNDLE" "$ID"
  run berth delete -f "$ID"
  [ "$status" -eq 0 ]
  # (The text log quotes the message as JSON: the path's slashes may come escaped.)
  [[ "$output" == *warning*"container $ID: poststop hook #0 ("*"sh): exit status 3"* ]]
  [ ! -e "$ROOT/$ID" ]
  # The hooks after a failing one still ran.
  [ "$(cut -d' ' -f1,2 "$HOOKS/log")" = "poststop stopped" ]
}

@test "a hook timeout that is not above zero is refused at create" {
  prepare_hooks
  add_hook poststop "$(sh_hook true 0)"
  run berth create -b "$BUNDLE" "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *"hooks.poststop[0].timeout: must be greater than zero"* ]]
  assert_nothing_left "$ID"
}
