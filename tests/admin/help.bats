#!/usr/bin/env bats
# -h and --help answer every command with its usage on stdout and status 0 (runc does; berth
# said "unrecognized option '--help'"), and an unknown option is one line that names it.

bats_require_minimum_version 1.5.0
load helpers

setup() {
  ROOT=$(mktemp -d /tmp/berth-help.XXXXXX)
}

teardown() {
  rm -rf "$ROOT"
}

@test "berth --help, -h and help list every command the CLI implements" {
  for flag in --help -h help; do
    run --separate-stderr "$BERTH" --root "$ROOT" $flag
    [ "$status" -eq 0 ] && [ -z "$stderr" ] || { echo "$flag: $status $stderr"; return 1; }
    [[ "$output" == *"USAGE:"*"berth [global options] command [command options]"* ]]
  done
  listed=$(commands)
  for cmd in $(source_commands); do
    grep -qx "$cmd" <<<"$listed" || { echo "cmd_$cmd is not in berth --help"; return 1; }
  done
  [ "$(wc -l <<<"$listed")" -ge 16 ] # the 15 commands and help
  ! grep -q undocumented <<<"$output"
}

@test "every command's -h and --help print its usage on stdout and exit 0" {
  for cmd in $(commands); do
    run --separate-stderr "$BERTH" --root "$ROOT" "$cmd" --help
    [ "$status" -eq 0 ] && [ -z "$stderr" ] || { echo "$cmd --help: $status $stderr"; return 1; }
    long=$output
    # runc's layout: the NAME line, and the USAGE line that starts with the command.
    grep -qE "^   berth $cmd - [A-Za-z]" <<<"$long" || { echo "$cmd: no NAME: $long"; return 1; }
    [[ "$long" == *$'USAGE:\n   berth '"$cmd"* ]] || { echo "$cmd: no USAGE: $long"; return 1; }
    # A command without a summary, or an option without a line of its own, says so.
    ! grep -q undocumented <<<"$long" || { echo "$cmd: $long"; return 1; }
    run --separate-stderr "$BERTH" --root "$ROOT" "$cmd" -h
    [ "$status" -eq 0 ] && [ "$output" = "$long" ] || { echo "$cmd -h: $status"; return 1; }
    [ "$cmd" = help ] && continue
    run --separate-stderr "$BERTH" --root "$ROOT" help "$cmd"
    [ "$status" -eq 0 ] && [ "$output" = "$long" ] || { echo "help $cmd: $status"; return 1; }
  done
}

@test "usage lines are runc's where engines and scripts match them" {
  run "$BERTH" create --help
  [[ "$output" == *"berth create [command options] <container-id>"* ]]
  [[ "$output" == *"--bundle value, -b value  path to the root of the bundle directory"* ]]
  run "$BERTH" kill --help
  [[ "$output" == *"berth kill [command options] <container-id> [signal]"* ]]
  [[ "$output" == *"--all, -a  send the specified signal to all processes inside the container"* ]]
  run "$BERTH" exec --help
  [[ "$output" == *"berth exec [command options] <container-id> <command> [command options]"* ]]
  run "$BERTH" delete --help
  [[ "$output" == *"--force, -f  Forcibly deletes the container if it is still running (uses SIGKILL)"* ]]
}

@test "every option a usage lists is accepted, and run's own are not create's" {
  # Each listed option is accepted: an unknown one would be refused before the --help after
  # it is seen (which is the value of one that takes a value, so nothing is made either).
  cd "$ROOT"
  for cmd in $(commands); do
    for opt in $(options "$cmd"); do
      run "$BERTH" --root "$ROOT" "$cmd" "$opt" --help
      [[ "$output" != *"unknown option"* ]] || { echo "$cmd $opt: $output"; return 1; }
    done
  done
  [ -z "$(ls "$ROOT")" ]
  options run | grep -qx -- --keep
  ! options create | grep -qx -- --keep
  run "$BERTH" --root "$ROOT" create --keep c1
  [ "$status" -eq 1 ]
  [[ "$output" == *"create: unknown option '--keep'"* ]]
}

@test "--help answers before anything is looked up, wherever getopt finds it" {
  run --separate-stderr "$BERTH" --root "$ROOT/none" delete nosuch --help
  [ "$status" -eq 0 ]
  [[ "$output" == *"berth delete [command options] <container-id>"* ]]
  run --separate-stderr "$BERTH" --root "$ROOT" kill -a --help nosuch KILL
  [ "$status" -eq 0 ]
  [[ "$output" == *"NAME:"*"berth kill"* ]]
}

@test "after exec's container ID, -h is the command's, not berth's" {
  run "$BERTH" --root "$ROOT" exec nosuch sh -h
  [ "$status" -eq 255 ]
  [[ "$output" == *"container nosuch does not exist"* ]]
}

@test "an unknown option is one line naming it and pointing at the command's --help" {
  for cmd in $(commands); do
    [ "$cmd" = help ] && continue
    want=1
    [ "$cmd" = exec ] && want=255 # runc's status for any exec failure
    run --separate-stderr "$BERTH" --root "$ROOT" "$cmd" --no-such-flag x
    [ "$status" -eq "$want" ] && [ -z "$output" ] || { echo "$cmd: $status $output"; return 1; }
    [ "$stderr" = "berth: $cmd: unknown option '--no-such-flag' (see 'berth $cmd --help')" ] ||
      { echo "$cmd: $stderr"; return 1; }
  done
}

@test "a bad short option, a missing argument and an argument to a flag are named too" {
  run "$BERTH" --root "$ROOT" create -x c1
  [ "$status" -eq 1 ]
  [ "$output" = "berth: create: unknown option '-x' (see 'berth create --help')" ]
  run "$BERTH" --root "$ROOT" create c1 --bundle
  [ "$status" -eq 1 ]
  [ "$output" = "berth: create: option '--bundle' needs an argument (see 'berth create --help')" ]
  run "$BERTH" --root "$ROOT" list -f
  [ "$output" = "berth: list: option '-f' needs an argument (see 'berth list --help')" ]
  run "$BERTH" --root "$ROOT" list --quiet=yes
  [ "$status" -eq 1 ]
  [ "$output" = "berth: list: option '--quiet' takes no argument (see 'berth list --help')" ]
  run "$BERTH" --root "$ROOT" delete --force=yes c1
  [ "$output" = "berth: delete: option '--force' takes no argument (see 'berth delete --help')" ]
}

@test "an unknown global option or command points at berth --help" {
  run --separate-stderr "$BERTH" --no-such-flag list
  [ "$status" -eq 1 ]
  [ "$stderr" = "berth: unknown option '--no-such-flag' (see 'berth --help')" ]
  run --separate-stderr "$BERTH" --root
  [ "$status" -eq 1 ]
  [ "$stderr" = "berth: option '--root' needs an argument (see 'berth --help')" ]
  run --separate-stderr "$BERTH" --root "$ROOT" frobnicate
  [ "$status" -eq 1 ]
  [ "$stderr" = "berth: unknown command frobnicate (see 'berth --help')" ]
  run --separate-stderr "$BERTH" help frobnicate
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"unknown command frobnicate"* ]]
}
