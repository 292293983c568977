#!/usr/bin/env bash
# plan.sh SOURCE DRIVER...: what the VM tier runs under DRIVER..., one "DRIVER SUITE FILE"
# line per suite and driver (FILE relative to SOURCE), in the order the guest runs them:
# per driver, the suites of tests/integration that tests/vm/matrix gives to it, then its own
# suites/DRIVER/*.bats. guest/run.sh runs exactly these and CMakeLists.txt registers exactly
# these as vm_DRIVER_SUITE, so that ctest and the guest cannot disagree (a registered suite
# the guest did not run fails check-tap.sh: no result). A suite the matrix gives to "host"
# runs under no driver: only the host tier (ctest's integration_SUITE) runs it.
#
# plan.sh --check SOURCE: the lint of the matrix (ctest lint_vm_matrix): every line parses, names a
# suite of tests/integration and drivers of tests/vm/drivers/ (or "host" alone), once, with a
# reason; and no exclusion in drivers/DRIVER is for a suite the matrix keeps from DRIVER.
set -euo pipefail

# read_matrix MATRIX: its lines in order into SUITES, ENTRY_DRIVERS (the words after ":",
# squeezed; "*" for all) and ENTRY_WHY (after "|", empty without one); DRIVERS[SUITE] for
# lookups. No subshell per line: a fork is slow in the guest under TCG and on a loaded host.
declare -a SUITES=() ENTRY_DRIVERS=() ENTRY_WHY=()
declare -A DRIVERS=()
read_matrix() {
  local line suite rest why words
  while IFS= read -r line || [ -n "$line" ]; do
    [[ "$line" =~ ^[[:space:]]*(#|$) ]] && continue
    suite=${line%%:*} rest=${line#*:} why=''
    [ "$rest" != "$line" ] || rest=''
    [[ "$rest" != *"|"* ]] || why=${rest#*|}
    read -r suite <<<"$suite"
    read -r why <<<"$why"
    read -ra words <<<"${rest%%|*}"
    SUITES+=("$suite")
    ENTRY_DRIVERS+=("${words[*]}")
    ENTRY_WHY+=("$why")
    [ -z "$suite" ] || DRIVERS[$suite]=${words[*]}
  done < "$1"
}

plan() {
  local source=$1 first=$2 driver file suite allowed d
  shift
  read_matrix "$source/tests/vm/matrix"
  local run=" $* "
  for driver in "$@"; do
    for file in "$source"/tests/integration/*.bats; do
      [ -f "$file" ] || continue
      suite=${file##*/} suite=${suite%.bats}
      allowed=${DRIVERS[$suite]-*}
      [ "$allowed" != host ] || continue # the host tier's alone: the VM would repeat it
      if [ "$allowed" != '*' ] && [[ " $allowed " != *" $driver "* ]]; then
        # Its drivers are not in this run: it runs under the first one, never nowhere.
        for d in $allowed; do [[ "$run" == *" $d "* ]] && continue 2; done
        [ "$driver" = "$first" ] || continue
      fi
      echo "$driver $suite ${file#"$source"/}"
    done
    for file in "$source/tests/vm/suites/$driver"/*.bats; do
      [ -f "$file" ] || continue
      suite=${file##*/}
      echo "$driver ${suite%.bats} ${file#"$source"/}"
    done
  done
}

check() {
  local source=$1 matrix=$1/tests/vm/matrix suite drivers why d i errors=0 seen=' '
  [ -f "$matrix" ] || { echo "$matrix: missing"; return 1; }
  read_matrix "$matrix"
  for i in "${!SUITES[@]}"; do
    suite=${SUITES[i]} drivers=${ENTRY_DRIVERS[i]} why=${ENTRY_WHY[i]}
    if [ -z "$suite" ] || [[ "$suite" =~ [^A-Za-z0-9_-] ]]; then
      echo "$matrix: \"$suite\": not a suite name (SUITE: DRIVER... | why)"
      errors=$((errors + 1))
      continue
    fi
    [ -f "$source/tests/integration/$suite.bats" ] ||
      { echo "$matrix: $suite: no tests/integration/$suite.bats"; errors=$((errors + 1)); }
    [[ "$seen" != *" $suite "* ]] || { echo "$matrix: $suite: listed twice"; errors=$((errors + 1)); }
    seen+="$suite "
    [ -n "$drivers" ] || { echo "$matrix: $suite: no driver (\"*\" for all)"; errors=$((errors + 1)); }
    if [[ " $drivers " == *" host "* ]]; then
      [ "$drivers" = host ] ||
        { echo "$matrix: $suite: \"host\" runs it in no VM: it takes no driver beside it"; errors=$((errors + 1)); }
    elif [ "$drivers" != '*' ]; then
      for d in $drivers; do # words
        [ -f "$source/tests/vm/drivers/$d" ] ||
          { echo "$matrix: $suite: no driver \"$d\" (tests/vm/drivers/$d)"; errors=$((errors + 1)); }
      done
    fi
    [ -n "$why" ] || { echo "$matrix: $suite: no reason (SUITE: DRIVER... | why)"; errors=$((errors + 1)); }
  done
  # An exclusion of drivers/DRIVER for a suite that never runs under DRIVER would go unread.
  local file line allowed
  for file in "$source"/tests/vm/drivers/*; do
    [ -f "$file" ] || continue
    d=$(basename "$file")
    while IFS= read -r line || [ -n "$line" ]; do
      [[ "$line" =~ ^[[:space:]]*(#|$) ]] && continue
      read -r suite <<<"${line%%:*}"
      allowed=${DRIVERS[$suite]-*}
      [ "$allowed" = '*' ] || [[ " $allowed " == *" $d "* ]] ||
        { echo "$matrix: $suite: not run under $d, yet drivers/$d excludes tests of it"; errors=$((errors + 1)); }
    done < "$file"
  done
  [ "$errors" -eq 0 ] || return 1
  echo "$matrix: ok"
}

if [ "${1:-}" = --check ]; then
  check "${2:?plan.sh --check SOURCE}"
else
  [ $# -ge 2 ] || { echo "usage: plan.sh SOURCE DRIVER... | plan.sh --check SOURCE" >&2; exit 2; }
  plan "$@"
fi
