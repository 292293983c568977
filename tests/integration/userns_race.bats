#!/usr/bin/env bats
# Issue 9: a container whose root is mapped to host uid 1, in a bundle of mode 0700 that uid
# owns. The init, cloned straight into its user namespace, entered the bundle before the
# runtime had written the id maps: only once they are written do the namespace's capabilities
# reach a directory of a mapped uid. It failed now and then ("chdir to the bundle:
# Permission denied"), and the runtime's next write to the dead init's socket raised SIGPIPE,
# which killed `berth run` (exit 141) and left the container behind.

load helpers

setup() {
  setup_bundle '.linux.namespaces += [{"type": "user"}]
    | .linux.uidMappings = [{"containerID": 0, "hostID": 1, "size": 65536}]
    | .linux.gidMappings = [{"containerID": 0, "hostID": 1, "size": 65536}]
    | .process.args = ["true"]'
  chown 1:1 "$BUNDLE"
  chmod 700 "$BUNDLE"
}

# run_many PREFIX COUNT: COUNT runs, two at a time, each piped through cat as a user would;
# prints "ID rc OUTPUT" for every run that did not exit 0 silently.
run_many() {
  local prefix=$1 count=$2 i
  for ((i = 0; i < count; i += 2)); do
    for id in "$prefix-$i" "$prefix-$((i + 1))"; do
      (
        out=$(berth run -b "$BUNDLE" "$id" 2>&1 | cat; echo "rc=${PIPESTATUS[0]}")
        [ "$out" = rc=0 ] || echo "$id ${out//$'\n'/ }"
      ) &
    done
    wait
  done
}

@test "a 0700 bundle of the mapped root runs every time, two at a time, piped" {
  failures=$(run_many "$ID" 100)
  [ -z "$failures" ] || { echo "$failures"; return 1; }
  # Nothing left of any run, failed or not.
  [ -z "$(berth list -q)" ]
}

@test "the init's cwd is the bundle, entered as the mapped root" {
  config '.mounts += [{"destination": "/root", "type": "bind", "source": "sub", "options": ["bind"]}]
          | .process.args = ["cat", "/root/marker"]'
  mkdir "$BUNDLE/sub" && echo relative-to-bundle > "$BUNDLE/sub/marker"
  chown -R 1:1 "$BUNDLE/sub"
  run berth run -b "$BUNDLE" "$ID"
  [ "$status" -eq 0 ]
  [ "$output" = relative-to-bundle ]
}

@test "a bundle owned by the host's root, mode 0700, is entered too" {
  chown 0:0 "$BUNDLE"
  run berth run -b "$BUNDLE" "$ID"
  [ "$status" -eq 0 ]
  [ -z "$output" ]
}
