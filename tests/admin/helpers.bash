# Shared by the administrator's-tools suites: berth's commands and options as its own usage
# lists them, so that whatever the binary accepts is what the tests hold the docs to.

# commands: the COMMANDS of `berth --help`.
commands() {
  "$BERTH" --help | awk '/^COMMANDS:$/ { on = 1; next } /^$/ { on = 0 } on { print $1 }'
}

# options [COMMAND]: the long and short options in the OPTIONS of `berth [COMMAND] --help`
# (GLOBAL OPTIONS without a command), one a line, without their "value".
options() {
  "$BERTH" "$@" --help | awk '
    /^(GLOBAL )?OPTIONS:$/ { on = 1; next }
    /^[A-Z ]+:$/ { on = 0 }
    on && $1 ~ /^-/ {
      line = $0; sub(/^ +/, "", line); sub(/  .*/, "", line)
      n = split(line, forms, ", ")
      for (i = 1; i <= n; i++) { split(forms[i], parts, " "); print parts[1] }
    }'
}

# The commands berth implements: every cmd_NAME the CLI declares.
source_commands() {
  sed -n 's/^int cmd_\([a-z_]*\)(.*/\1/p' "$BERTH_SOURCE_DIR/core/cli/cli.h"
}
