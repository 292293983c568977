#!/usr/bin/env bash
# The README's two commands, in its order, on one build directory: demo.sh configures it with
# the tests off, then test.sh must register and run the whole suite anyway (it once reused
# the cache, and ctest found no tests, printed "No tests were found!!!" and exited 0).
# In a scratch build directory, without the VM tier; demo.sh stops after configuring
# (BERTH_CONFIGURE_ONLY=1) and test.sh runs as in CI except that a cmake on PATH skips the
# build step (its ctest gets -N, or a selection that matches nothing).
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
dir=$(mktemp -d /tmp/berth-contract.XXXXXX)
trap 'rm -rf "$dir"' EXIT
real_cmake=$(command -v cmake)
mkdir "$dir/bin"
cat > "$dir/bin/cmake" <<SHIM
#!/bin/sh
[ "\$1" = --build ] && exit 0
exec "$real_cmake" "\$@"
SHIM
chmod +x "$dir/bin/cmake"
export BERTH_BUILD_DIR=$dir/build BERTH_VM_TESTS=OFF PATH=$dir/bin:$PATH

BERTH_CONFIGURE_ONLY=1 "$src/scripts/demo.sh" >/dev/null
n=$(ctest --test-dir "$dir/build" -N | sed -n 's/^Total Tests: //p')
[ "${n:-0}" -eq 0 ] || { echo "FAIL: demo.sh registered $n tests: it builds berth only"; exit 1; }

list=$("$src/scripts/test.sh" -N)
n=$(sed -n 's/^Total Tests: //p' <<<"$list")
echo "test.sh after demo.sh registers ${n:-0} tests"
[ "${n:-0}" -gt 0 ] || { echo "FAIL: no tests registered"; exit 1; }
# Each tier, in both variants (test.sh builds the ASan one too).
for t in test_spec test_spec-asan integration_lifecycle integration_lifecycle-asan lint_clang_format; do
  grep -q " $t\$" <<<"$list" || { echo "FAIL: $t is not registered"; exit 1; }
done

# A run that finds no test fails.
if "$src/scripts/test.sh" -R '^no such test$' >"$dir/out" 2>&1; then
  cat "$dir/out"
  echo "FAIL: test.sh passed a run that found no tests"
  exit 1
fi
grep -q "No tests were found" "$dir/out" || { cat "$dir/out"; echo "FAIL: test.sh failed otherwise"; exit 1; }
echo "test.sh fails a run that finds no tests"
