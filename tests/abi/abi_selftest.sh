#!/bin/sh
# abi_selftest.sh CC SOURCE_DIR: the ABI gate fails when it should. Each case edits a copy of
# include/berth/plugin.h the way a careless change would, rebuilds the anchor and the layout
# asserts from it, and expects abi_check.sh (against the committed baseline) and the build of
# layout.c to accept or refuse it.
set -u
cc=$1 src=$2
abi=$src/tests/abi
header=$src/include/berth/plugin.h
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0

# case NAME EXPECT_ABIDIFF EXPECT_LAYOUT SED_SCRIPT (expectations: pass or fail)
case_() {
  name=$1 want_abi=$2 want_layout=$3 script=$4
  dir=$work/$name
  mkdir -p "$dir/berth"
  sed "$script" "$header" >"$dir/berth/plugin.h"
  if [ -n "$script" ] && cmp -s "$header" "$dir/berth/plugin.h"; then
    echo "not ok $name: the edit did not apply to plugin.h"
    failed=1
    return
  fi
  "$cc" -g -O0 -shared -fPIC -fvisibility=hidden -I"$dir" "$abi/anchor.c" -o "$dir/anchor.so" ||
    { echo "not ok $name: anchor does not build"; failed=1; return; }
  if "$abi/abi_check.sh" "$abi/plugin-abi.xml" "$dir/anchor.so" "$abi/appended-members.suppr" \
    >"$dir/abi.log" 2>&1; then got_abi=pass; else got_abi=fail; fi
  if "$cc" -std=gnu11 -Wall -Wextra -Werror -fsyntax-only -I"$dir" "$abi/layout.c" \
    >"$dir/layout.log" 2>&1; then got_layout=pass; else got_layout=fail; fi
  if [ "$got_abi" = "$want_abi" ] && [ "$got_layout" = "$want_layout" ]; then
    echo "ok $name: abi_check $got_abi, layout asserts $got_layout"
  else
    echo "not ok $name: abi_check $got_abi (want $want_abi), layout asserts $got_layout" \
      "(want $want_layout)"
    sed 's/^/# /' "$dir/abi.log" "$dir/layout.log"
    failed=1
  fi
}

# The header as it is: nothing to report.
case_ unchanged pass pass ''
# A new minor appends members: abidiff accepts it; layout.c wants the new members listed.
case_ append_cgroup_op pass fail '/uint32_t reserved1;/a\
  int32_t (*future_op)(struct berth_cgroup *cg, struct berth_error *err);'
case_ append_plugin_member pass fail '/const struct berth_checkpoint_ops \*checkpoint;/a\
  const void *future_ops;'
# A member moved to the end: every plugin reads capabilities at the old offset.
case_ move_member fail fail '/uint64_t capabilities;/d
/const struct berth_checkpoint_ops \*checkpoint;/a\
  uint64_t capabilities;'
# A member inserted before the end.
case_ insert_member fail fail '/uint32_t flags;  /i\
  uint32_t inserted;'
# A member's type widened: moves everything after it.
case_ widen_member fail fail 's/uint32_t flags; /uint64_t flags; /'
# An op's parameter retyped, layout unchanged: only abidiff sees it.
case_ retype_op_parameter fail pass \
  's/int32_t (\*enter)(struct berth_cgroup \*cg, int32_t pid/int32_t (*enter)(struct berth_cgroup *cg, int64_t pid/'
# The same next to an append, which libabigail 2.2 suppression alone would let through.
case_ retype_and_append fail fail \
  's/int32_t (\*enter)(struct berth_cgroup \*cg, int32_t pid/int32_t (*enter)(struct berth_cgroup *cg, int64_t pid/
/uint32_t reserved1;/a\
  int32_t (*future_op)(struct berth_cgroup *cg, struct berth_error *err);'
# The last member removed.
case_ remove_member fail fail '/int32_t (\*kill_all)(/d'
exit $failed
