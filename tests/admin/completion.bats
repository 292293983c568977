#!/usr/bin/env bats
# The bash completion (docs/completion/berth), sourced into bash and driven the way bash
# drives it: COMP_WORDS and COMP_CWORD in, COMPREPLY out.

load helpers

setup_file() {
  export WORK ROOT ID=comp$$
  WORK=$(mktemp -d /tmp/berth-completion.XXXXXX)
  chmod 755 "$WORK"
  ROOT=$WORK/root
  BERTH="$BERTH" "$BERTH_SOURCE_DIR/scripts/make-bundle.sh" "$WORK/bundle" sleep 100 >/dev/null
  "$BERTH" --root "$ROOT" create -b "$WORK/bundle" "$ID"
}

teardown_file() {
  "$BERTH" --root "$ROOT" delete -f "$ID" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}

# complete WORD...: the candidates for the last WORD (possibly ""), one a line, sorted.
# The first word is the berth under test, as bash would pass the command typed.
complete() {
  COMPLETION=${COMPLETION:-$BERTH_SOURCE_DIR/docs/completion/berth} \
    bash -c 'source "$COMPLETION"
      COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=()
      _berth
      printf "%s\n" "${COMPREPLY[@]}" | sort' complete "$BERTH" "$@"
}

@test "the script registers _berth for berth" {
  run bash -c 'source "$1"; complete -p berth' x "$BERTH_SOURCE_DIR/docs/completion/berth"
  [ "$status" -eq 0 ]
  [ "$output" = "complete -F _berth berth" ]
}

@test "the first word completes to the commands, and a dash to the global options" {
  [ "$(complete "")" = "$(commands | sort)" ]
  [ "$(complete de)" = delete ]
  [ "$(complete --root /tmp "")" = "$(commands | sort)" ]
  [ "$(complete --)" = "$(options | grep -- '^--' | sort)" ]
  [ "$(complete --cgroup-driver "")" = "$(printf '%s\n' auto none systemd v1 v2)" ]
  [ "$(complete --log-format "")" = "$(printf '%s\n' json text)" ]
}

@test "after a command, a dash completes to that command's options and --help" {
  for cmd in create run exec kill delete list ps update events spec; do
    want=$( (options "$cmd" | grep -- '^--'; echo --help) | sort)
    [ "$(complete "$cmd" --)" = "$want" ] || { echo "$cmd: $(complete "$cmd" --)"; return 1; }
  done
  [ "$(complete run --ke)" = --keep ]
  [ -z "$(complete create --ke)" ]
  [ "$(complete list --format "")" = "$(printf '%s\n' json table)" ]
}

@test "container IDs come from berth list -q under the --root given" {
  [ "$(complete --root "$ROOT" start "")" = "$ID" ]
  [ "$(complete --root="$ROOT" kill "")" = "$ID" ]
  [ "$(complete --root "$ROOT" delete -f "")" = "$ID" ]
  [ "$(complete --root "$ROOT" exec -t "")" = "$ID" ]
  # Another root does not hold it.
  [ -z "$(complete --root "$WORK/other" state "")" ]
  # An option's value is not an ID: -b takes a directory.
  [[ "$(complete --root "$ROOT" create -b "$WORK/bun")" == "$WORK/bundle" ]]
}

@test "after the ID: exec completes commands, kill signals, and one ID is enough" {
  [[ "$(complete --root "$ROOT" kill "$ID" KI)" == KILL ]]
  complete --root "$ROOT" exec "$ID" ech | grep -qx echo
  [ -z "$(complete --root "$ROOT" state "$ID" "")" ]
  [ -z "$(complete --root "$ROOT" list "")" ]
}

@test "help completes to the commands" {
  [ "$(complete help "")" = "$(commands | sort)" ]
}
