#!/usr/bin/env bats
# tests/vm/plan.sh on a made-up tree: which suite the VM tier runs under which driver
# (tests/vm/matrix), and the lint that keeps the matrix's names real. The real tree's matrix
# is linted by ctest's lint_vm_matrix.

PLAN=$BATS_TEST_DIRNAME/plan.sh

setup() {
  SRC=$(mktemp -d /tmp/berth-vm-plan.XXXXXX)
  mkdir -p "$SRC/tests/integration" "$SRC/tests/vm/drivers" "$SRC/tests/vm/suites/v2"
  touch "$SRC"/tests/integration/{anywhere,cgroupless,twice}.bats "$SRC/tests/vm/suites/v2/own.bats"
  touch "$SRC"/tests/vm/drivers/{v2,systemd,none}
  cat > "$SRC/tests/vm/matrix" <<'EOF'
# a comment
cgroupless: v2 | no cgroup in it
twice:   v2  none |  pids: the v2 run again under systemd
EOF
}

teardown() { rm -rf "$SRC"; }

@test "an unlisted suite runs under every driver, a listed one only under its own, suites/DRIVER under DRIVER" {
  run "$PLAN" "$SRC" v2 systemd
  [ "$status" -eq 0 ]
  [ "$output" = "v2 anywhere tests/integration/anywhere.bats
v2 cgroupless tests/integration/cgroupless.bats
v2 twice tests/integration/twice.bats
v2 own tests/vm/suites/v2/own.bats
systemd anywhere tests/integration/anywhere.bats" ]
  run "$PLAN" "$SRC" none systemd v2
  [ "$(grep -c ' twice ' <<<"$output")" -eq 2 ]
  grep -qx 'none twice tests/integration/twice.bats' <<<"$output"
  grep -qx 'v2 twice tests/integration/twice.bats' <<<"$output"
}

@test "a suite whose drivers are all absent from the run runs under its first driver, never nowhere" {
  run "$PLAN" "$SRC" systemd none
  [ "$status" -eq 0 ]
  [ "$output" = "systemd anywhere tests/integration/anywhere.bats
systemd cgroupless tests/integration/cgroupless.bats
none anywhere tests/integration/anywhere.bats
none twice tests/integration/twice.bats" ]
}

@test "a suite given to host runs under no driver, not even the first one of a run" {
  touch "$SRC/tests/integration/hostonly.bats"
  echo 'hostonly: host | a tree of its own, the same on any kernel' >> "$SRC/tests/vm/matrix"
  run "$PLAN" "$SRC" v2 systemd
  [ "$status" -eq 0 ]
  ! grep -q hostonly <<<"$output"
  run "$PLAN" "$SRC" none
  [ "$status" -eq 0 ]
  [ -n "$output" ]
  ! grep -q hostonly <<<"$output"
  run "$PLAN" --check "$SRC"
  [ "$status" -eq 0 ]
  [ "$output" = "$SRC/tests/vm/matrix: ok" ]
}

@test "--check refuses host beside a driver, and an exclusion in drivers/DRIVER for a host suite" {
  touch "$SRC/tests/integration/"{hostonly,mixed}.bats
  printf 'hostonly: host | the same on any kernel\nmixed: host v2 | which one?\n' >> "$SRC/tests/vm/matrix"
  echo 'hostonly: a test | never read' > "$SRC/tests/vm/drivers/v2"
  run "$PLAN" --check "$SRC"
  [ "$status" -eq 1 ]
  M=$SRC/tests/vm/matrix
  [ "$output" = "$M: mixed: \"host\" runs it in no VM: it takes no driver beside it
$M: hostonly: not run under v2, yet drivers/v2 excludes tests of it" ]
}

@test "--check passes a matrix that names real suites and drivers, each once, with a reason" {
  run "$PLAN" --check "$SRC"
  [ "$status" -eq 0 ]
  [ "$output" = "$SRC/tests/vm/matrix: ok" ]
}

@test "--check names each suite or driver that does not exist, a suite listed twice, a missing reason" {
  cat >> "$SRC/tests/vm/matrix" <<'EOF'
gone: * | was renamed
anywhere: v2 sytemd | typo
cgroupless: * | again
twice
EOF
  run "$PLAN" --check "$SRC"
  [ "$status" -eq 1 ]
  M=$SRC/tests/vm/matrix
  [ "$output" = "$M: gone: no tests/integration/gone.bats
$M: anywhere: no driver \"sytemd\" (tests/vm/drivers/sytemd)
$M: cgroupless: listed twice
$M: twice: listed twice
$M: twice: no driver (\"*\" for all)
$M: twice: no reason (SUITE: DRIVER... | why)" ]
}

@test "--check refuses an exclusion in drivers/DRIVER for a suite the matrix keeps from DRIVER" {
  echo 'cgroupless: a test | it cannot hold under systemd' > "$SRC/tests/vm/drivers/systemd"
  echo 'anywhere: a test | it cannot hold under systemd' >> "$SRC/tests/vm/drivers/systemd"
  run "$PLAN" --check "$SRC"
  [ "$status" -eq 1 ]
  [ "$output" = "$SRC/tests/vm/matrix: cgroupless: not run under systemd, yet drivers/systemd excludes tests of it" ]
}
