#!/bin/sh
# How the plugins share code (plugins/common): as ordinary, properly typed functions in static
# libraries, linked the ordinary way. Once, the systemd plugin reached the cgroup v1 and v2
# code through mistyped declarations and hid their clashing names with `ld -r` + `objcopy
# --keep-global-symbols`, which -flto defeats (the plugin no longer linked: 12 multiple
# definitions) and which was undefined behaviour besides.
#
#   check_plugin_link.sh static SOURCE_DIR LIBRARY...
#     No plugin's CMake post-processes objects to hide symbols (objcopy, a relocatable link,
#     a symbol list) and no *.syms file is back; no global name is defined by two of the
#     given static libraries (a plugin links several: a name in two would bind another
#     library's call to the wrong one, silently, or fail the link).
#   check_plugin_link.sh lto SOURCE_DIR BUILD_DIR [C_COMPILER]
#     The cgroup plugins and their unit tests built in BUILD_DIR (by C_COMPILER, the outer
#     build's) with -flto (warnings are
#     errors, at link time too); each plugin exports only berth_plugin_entry; the unit tests
#     pass against those plugins.
set -eu

fail() {
  echo "check_plugin_link: $*" >&2
  exit 1
}

mode=$1
src=$2
shift 2

case $mode in
static)
  hits=$(cd "$src" && grep -nE \
    'objcopy|OBJCOPY|CMAKE_LINKER|--relocatable|keep-global-symbols|-Wl,-r\b|[.]syms\b' \
    plugins/CMakeLists.txt plugins/*/CMakeLists.txt || true)
  [ -z "$hits" ] || fail "a plugin build post-processes objects to hide symbols:
$hits"
  syms=$(cd "$src" && find plugins -name '*.syms')
  [ -z "$syms" ] || fail "symbol lists for objcopy are back: $syms"
  [ $# -ge 1 ] || fail "static: give the shared libraries to compare"
  # Global (upper-case type) defined symbols of each library, then names seen in two.
  all=$(for lib in "$@"; do
    [ -f "$lib" ] || fail "no library $lib"
    nm --defined-only "$lib" | awk -v lib="$(basename "$lib")" '
      NF == 3 && $2 ~ /^[A-TV-Z]$/ { print $3, lib }' | sort -u
  done)
  dups=$(echo "$all" | awk '{ n[$1]++; where[$1] = where[$1] " " $2 }
    END { for (s in n) if (n[s] > 1) print s ":" where[s] }' | sort)
  [ -z "$dups" ] || fail "names defined by more than one shared library:
$dups"
  echo "ok: no symbol-hiding step, no *.syms, $(echo "$all" | wc -l) global names in $# libraries, none twice"
  ;;
lto)
  build=$1
  compiler=${2:+-DCMAKE_C_COMPILER=$2}
  cmake -S "$src" -B "$build" $compiler -DBERTH_VM_TESTS=OFF -DBERTH_SANITIZERS=OFF -DBERTH_TESTS=ON \
    -DCMAKE_INTERPROCEDURAL_OPTIMIZATION=ON -DCMAKE_C_FLAGS=-flto \
    -DCMAKE_MODULE_LINKER_FLAGS=-Werror -DCMAKE_EXE_LINKER_FLAGS=-Werror >/dev/null
  cmake --build "$build" -j2 --target plugin-cgroup-v1 plugin-cgroup-v2 plugin-cgroup-systemd \
    test_cgroup_v1 test_cgroup_v2 test_cgroup_systemd test_systemd_bus fake_systemd
  for so in cgroup-v1 cgroup-v2 cgroup-systemd; do
    f=$(find "$build/lib" -name "$so.so" | head -n 1)
    [ -n "$f" ] || fail "lto: no $so.so in $build"
    exported=$(nm -D --defined-only "$f" | awk '{ print $3 }' | tr '\n' ' ')
    [ "$exported" = "berth_plugin_entry " ] || fail "lto: $so.so exports: $exported"
  done
  cd "$build"
  ctest --output-on-failure --no-tests=error \
    -R '^(test_cgroup_v1|test_cgroup_v2|test_cgroup_systemd|test_systemd_bus)$'
  ;;
*)
  fail "usage: $0 static SOURCE_DIR LIBRARY... | lto SOURCE_DIR BUILD_DIR [C_COMPILER]"
  ;;
esac
