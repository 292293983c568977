#!/bin/sh
# Write tests/fuzz/dict/*.dict: the JSON field names and enum words the parsers look up through
# json-c's hash tables or tables of their own, which libFuzzer's comparison tracing cannot see.
# Run from anywhere after changing a table in the files below.
set -eu
here=$(dirname "$0")
src=$here/../..
mkdir -p "$here/dict"
strings_of() { grep -ho '"[A-Za-z_][A-Za-z0-9_.+-]*"' "$@" | sort -u; }
json='"{" "}" "[" "]" ":" "," "true" "false" "null" "\"\"" "-1" "4294967295" "18446744073709551615" "1e999"'
{
  for t in $json; do echo "$t"; done
  strings_of "$src/core/spec.c" "$src/core/spec_names.c" "$src/core/seccomp.c"
} >"$here/dict/spec.dict"
{
  for t in $json; do echo "$t"; done
  strings_of "$src/core/seccomp.c"
} >"$here/dict/seccomp.dict"
{
  for t in $json; do echo "$t"; done
  strings_of "$src/core/state.c" "$src/core/factory.c" "$src/core/cgroup.c"
} >"$here/dict/state.dict"
{
  strings_of "$src/core/mount_options.c"
} >"$here/dict/mount_options.dict"
{
  for t in '"["' '"]"' '"("' '")"' '"@"' '","' "\"'\"" '"0x"' '"-"' '"USec"' '"Sec"'; do echo "$t"; done
  strings_of "$src/plugins/cgroup-systemd/gvariant.c" "$src/plugins/cgroup-systemd/annotations.c"
} >"$here/dict/gvariant.dict"
