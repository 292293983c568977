#!/usr/bin/env bats
# berth(8) documents every command and every option the binary accepts (read from its own
# usage, so a new command or flag without a man page entry fails here), berth-plugin(7)
# states the loader's rules, and both render without a warning.

load helpers

setup_file() {
  export MAN8=$BERTH_SOURCE_DIR/docs/man/berth.8 MAN7=$BERTH_SOURCE_DIR/docs/man/berth-plugin.7
}

# The page's text with roff's "\-" as "-".
plain() { sed 's/\\-/-/g' "$@"; }

# section CMD: the .SS sections of CMD in berth(8) (exec has two synopsis lines).
section() {
  plain "$MAN8" | awk -v cmd="$1" '
    /^\.S[SH] / { on = ($1 == ".SS" && ($2 == "\"" cmd || index($2, "\"" cmd "\"") == 1)) }
    on'
}

# mentions TEXT OPTION: OPTION appears in TEXT as a word of its own.
mentions() {
  grep -qE -- "(^|[^-a-z])$2([^-a-z]|\$)" <<<"$1"
}

@test "the man pages render with groff without a warning" {
  command -v groff
  for page in "$MAN8" "$MAN7"; do
    run groff -man -Tutf8 -ww -z "$page"
    [ "$status" -eq 0 ] && [ -z "$output" ] || { echo "$page: $output"; return 1; }
  done
}

@test "berth(8) has a section for every command berth lists" {
  for cmd in $(commands); do
    [ -n "$(section "$cmd")" ] || { echo "berth(8) lacks a section for $cmd"; return 1; }
  done
}

@test "berth(8) documents every option of every command in that command's section" {
  for cmd in $(commands); do
    text=$(section "$cmd")
    for opt in $(options "$cmd"); do
      mentions "$text" "$opt" || { echo "berth(8): $cmd lacks $opt"; return 1; }
    done
  done
}

@test "berth(8) documents every global option under GLOBAL OPTIONS" {
  text=$(plain "$MAN8" | awk '/^\.SH / { on = ($0 == ".SH GLOBAL OPTIONS") } on')
  [ -n "$text" ]
  for opt in $(options); do
    mentions "$text" "$opt" || { echo "berth(8): GLOBAL OPTIONS lacks $opt"; return 1; }
  done
}

@test "the check of berth(8) fails for an option it does not document" {
  # The same check against a page without --keep: it must notice.
  MAN8=$BATS_TEST_TMPDIR/berth.8
  grep -v -- 'keep' "$BERTH_SOURCE_DIR/docs/man/berth.8" > "$MAN8"
  ! mentions "$(section run)" --keep
  mentions "$(section run)" --detach
}

@test "berth-plugin(7) states the entry symbol, the lookup, the ABI and every plugin kind" {
  header=$BERTH_SOURCE_DIR/include/berth/plugin.h
  text=$(plain "$MAN7")
  entry=$(sed -n 's/^#define BERTH_PLUGIN_ENTRY_SYMBOL "\(.*\)"/\1/p' "$header")
  [ -n "$entry" ] && mentions "$text" "$entry"
  for kind in $(sed -n 's/^#define \(BERTH_PLUGIN_KIND_[A-Z]*\) .*/\1/p' "$header"); do
    grep -qF "$kind" <<<"$text" || { echo "berth-plugin(7) lacks $kind"; return 1; }
  done
  for rule in BERTH_PLUGIN_PATH struct_size abi_major abi_minor O_NOFOLLOW RTLD_LOCAL \
    "refuse this host" "Owned by root" "free (3)" "plugins/"; do
    grep -qF -- "$rule" <<<"$text" || { echo "berth-plugin(7) lacks: $rule"; return 1; }
  done
}
