#!/bin/sh
# check-plugin-elf.sh PLUGIN.so...: each plugin exports exactly berth_plugin_entry (nm -D
# --defined-only) and has no RUNPATH or RPATH (readelf -d), as a shipped plugin must: the
# loader looks up one symbol, and a plugin never picks where its libraries come from. One line
# per problem, exit status 1 when there is any (or no file at all).
[ "$#" -gt 0 ] || { echo "check-plugin-elf.sh: no plugin to check"; exit 1; }
bad=0
for so in "$@"; do
  symbols=$(nm -D --defined-only "$so" 2>&1) || { echo "$so: nm failed: $symbols"; bad=1; continue; }
  symbols=$(printf '%s\n' "$symbols" | awk 'NF {print $NF}')
  printf '%s\n' "$symbols" | grep -qx berth_plugin_entry ||
    { echo "$so: does not export berth_plugin_entry"; bad=1; }
  for s in $(printf '%s\n' "$symbols" | grep -vx berth_plugin_entry); do
    echo "$so: exports $s"
    bad=1
  done
  dynamic=$(readelf -d "$so" 2>&1) || { echo "$so: readelf failed: $dynamic"; bad=1; continue; }
  printf '%s\n' "$dynamic" | awk -v so="$so" '/\((RUNPATH|RPATH)\)/ {gsub(/[()]/, "", $2); print so ": has " $2 " " $NF; found = 1}
                                              END {exit found}' || bad=1
done
exit "$bad"
