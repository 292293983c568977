#!/usr/bin/env bats
# An installed berth finds its plugins with no environment set, and the SDK builds an
# out-of-tree plugin with nothing but pkg-config.

setup_file() {
  export WORK
  WORK=$(mktemp -d /tmp/berth-install.XXXXXX)
  chmod 755 "$WORK"
  cmake -S "$BERTH_SOURCE_DIR" -B "$WORK/build" -DCMAKE_INSTALL_PREFIX="$WORK/prefix" \
    -DBERTH_TESTS=OFF >/dev/null
  cmake --build "$WORK/build" -j2 >/dev/null
  cmake --install "$WORK/build" >/dev/null
}

teardown_file() {
  "$WORK/prefix/sbin/berth" --root "$WORK/root" delete -f inst >/dev/null 2>&1 || true
  rm -rf "$WORK"
}

@test "the installed layout is sbin/berth, the plugin dir, the header and berth-plugin.pc" {
  libdir=$(cd "$WORK/prefix" && ls -d lib*/berth/plugins/1)
  [ -x "$WORK/prefix/sbin/berth" ]
  [ -f "$WORK/prefix/$libdir/cgroup-v1.so" ]
  [ -f "$WORK/prefix/include/berth/plugin.h" ]
}

@test "every installed plugin exports only berth_plugin_entry and has no RUNPATH or RPATH" {
  libdir=$(cd "$WORK/prefix" && ls -d lib*/berth/plugins/1)
  run "$BERTH_SOURCE_DIR/tests/plugins/check-plugin-elf.sh" "$WORK/prefix/$libdir"/*.so
  [ "$status" -eq 0 ] && [ -z "$output" ] || { echo "$output"; return 1; }
}

@test "the installed berth runs a container with no environment set" {
  BERTH="$WORK/prefix/sbin/berth" "$BERTH_SOURCE_DIR/scripts/make-bundle.sh" "$WORK/bundle" \
    sh -c 'echo installed-ok' >/dev/null
  run env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$WORK/prefix/sbin/berth" --root "$WORK/root" \
    run -b "$WORK/bundle" inst
  [ "$status" -eq 0 ] && [ "$output" = installed-ok ]
}

@test "an out-of-tree plugin builds against the SDK with pkg-config alone" {
  export PKG_CONFIG_PATH
  PKG_CONFIG_PATH=$(dirname "$(find "$WORK/prefix" -name berth-plugin.pc)")
  [ "$(pkg-config --variable=abi_major berth-plugin)" = 1 ]
  [[ "$(pkg-config --variable=plugindir berth-plugin)" == "$WORK/prefix/"*/berth/plugins/1 ]]
  cat > "$WORK/vendor.c" <<'C'
#include <berth/plugin.h>
static const struct berth_plugin plugin = {
    .magic = BERTH_PLUGIN_MAGIC, .abi_major = BERTH_ABI_MAJOR, .abi_minor = BERTH_ABI_MINOR,
    .struct_size = sizeof(struct berth_plugin), .kind = BERTH_PLUGIN_KIND_RDT,
    .name = "vendor", .version = "1"};
BERTH_PLUGIN_EXPORT const struct berth_plugin *berth_plugin_entry(const struct berth_host_api *h) {
  return h->abi_major == BERTH_ABI_MAJOR ? &plugin : 0;
}
C
  cc -shared -fPIC -Wall -Werror -Wl,-z,defs $(pkg-config --cflags berth-plugin) \
    -o "$WORK/vendor.so" "$WORK/vendor.c"
  [ "$(nm -D --defined-only "$WORK/vendor.so" | awk '{print $3}')" = berth_plugin_entry ]
}

@test "the man pages berth(8) and berth-plugin(7) are installed where man finds them" {
  [ -f "$WORK/prefix/share/man/man8/berth.8" ] && [ -f "$WORK/prefix/share/man/man7/berth-plugin.7" ]
  run env MANWIDTH=80 man -M "$WORK/prefix/share/man" 8 berth
  [ "$status" -eq 0 ] && [[ "$output" == *"BERTH(8)"*"create [options] container-id"* ]]
  run env MANWIDTH=80 man -M "$WORK/prefix/share/man" 7 berth-plugin
  [ "$status" -eq 0 ] && [[ "$output" == *"BERTH-PLUGIN(7)"*"berth_plugin_entry"* ]]
}

@test "the bash completion is installed where bash-completion looks, and loads from there" {
  # bash-completion's own directory for completions, under this prefix's datadir.
  dir=$(pkg-config --define-variable=datadir="$WORK/prefix/share" --variable=completionsdir \
    bash-completion)
  [ "$dir" = "$WORK/prefix/share/bash-completion/completions" ] && [ -f "$dir/berth" ]
  # Its loader finds it through XDG_DATA_DIRS, as for any prefix, and it completes.
  run bash -c 'source /usr/share/bash-completion/bash_completion
    XDG_DATA_DIRS=$1/share __load_completion berth && complete -p berth
    COMP_WORDS=("$1/sbin/berth" del); COMP_CWORD=1; _berth; echo "${COMPREPLY[*]}"' x "$WORK/prefix"
  [ "$status" -eq 0 ] && [ "$output" = $'complete -F _berth berth\ndelete' ]
}
