#!/usr/bin/env bats
# An installed berth finds its plugins with no environment set, and the SDK builds an
# out-of-tree plugin with nothing but pkg-config: examples/device-acme, built, installed and
# selected by a container, which it changes.

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
  local id
  for id in inst acme-run acme-none acme-node acme-gone; do
    "$WORK/prefix/sbin/berth" --root "$WORK/root" delete -f "$id" >/dev/null 2>&1 || true
  done
  rm -rf "$WORK"
}

# The installed SDK: pkg-config finds it under the prefix, and where plugins go.
sdk_env() {
  export PKG_CONFIG_PATH
  PKG_CONFIG_PATH=$(dirname "$(find "$WORK/prefix" -name berth-plugin.pc)")
  PLUGINDIR=$(pkg-config --variable=plugindir berth-plugin)
}

# The installed berth with no environment: its compiled-in plugin directory, nothing else.
installed_berth() {
  env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$WORK/prefix/sbin/berth" --root "$WORK/root" "$@"
}

# acme_bundle NAME SCRIPT JQ_FILTER: a bundle in $WORK/NAME running sh -c SCRIPT (one line:
# make-bundle.sh takes each line as an argument).
acme_bundle() {
  BERTH="$WORK/prefix/sbin/berth" "$BERTH_SOURCE_DIR/scripts/make-bundle.sh" "$WORK/$1" \
    sh -c "$2" >/dev/null
  jq "$3" "$WORK/$1/config.json" >"$WORK/$1/config.tmp" && mv "$WORK/$1/config.tmp" "$WORK/$1/config.json"
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
  [ "$status" -eq 0 ]
  [ "$output" = installed-ok ]
}

# The vendor backend of examples/device-acme, as its vendor would ship it: built from a copy
# with its Makefile (pkg-config and cc, nothing else of berth), installed where pkg-config says,
# selected by a container's annotation, and taken away again.
@test "examples/device-acme builds with pkg-config alone and installs into the plugindir" {
  sdk_env
  [ "$(pkg-config --variable=abi_major berth-plugin)" = 1 ]
  [[ "$PLUGINDIR" == "$WORK/prefix/"*/berth/plugins/1 ]]
  cp -r "$BERTH_SOURCE_DIR/examples/device-acme" "$WORK/acme"
  make -C "$WORK/acme" >/dev/null
  [ "$(nm -D --defined-only "$WORK/acme/device-acme.so" | awk '{print $3}')" = berth_plugin_entry ]
  make -C "$WORK/acme" install >/dev/null
  [ -f "$PLUGINDIR/device-acme.so" ]
  [ "$(stat -c '%U %a' "$PLUGINDIR/device-acme.so")" = "root 644" ]
}

@test "the installed device-acme gives a container /dev/fuse and /dev/net/tun, usable" {
  sdk_env
  [ -f "$PLUGINDIR/device-acme.so" ] # from the test before
  acme_bundle acme-run 'stat -c "%n %F %t:%T" /dev/fuse /dev/net/tun && : </dev/fuse && : </dev/net/tun && echo opened' \
    '.annotations["berth.devices"] = "acme/fuse,acme/tun"'
  run installed_berth run -b "$WORK/acme-run" acme-run
  [ "$status" -eq 0 ] && [ "$output" = $'/dev/fuse character special file a:e5\n/dev/net/tun character special file a:c8\nopened' ] ||
    { echo "$output"; return 1; }
}

@test "without the annotation there is no /dev/fuse, and the node alone is refused by the cgroup" {
  sdk_env
  acme_bundle acme-none 'ls /dev/fuse' .
  run installed_berth run -b "$WORK/acme-none" acme-none
  [ "$status" -ne 0 ] && [[ "$output" == *"/dev/fuse: No such file or directory"* ]] ||
    { echo "$output"; return 1; }
  # The node from linux.devices, without the class's rule: this host's v1 devices cgroup says no.
  acme_bundle acme-node ': </dev/fuse && echo opened' \
    '.linux.devices = [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229}]'
  run installed_berth run -b "$WORK/acme-node" acme-node
  [ "$status" -ne 0 ] && [[ "$output" == *"/dev/fuse: Operation not permitted"* ]] ||
    { echo "$output"; return 1; }
}

@test "with device-acme uninstalled, the annotation fails naming the missing plugin, leaving nothing" {
  sdk_env
  make -C "$WORK/acme" uninstall >/dev/null
  [ ! -e "$PLUGINDIR/device-acme.so" ]
  acme_bundle acme-gone true '.annotations["berth.devices"] = "acme/fuse"'
  run installed_berth create -b "$WORK/acme-gone" acme-gone
  [ "$status" -eq 1 ] && [ "${#lines[@]}" -eq 1 ] || { echo "$output"; return 1; }
  [[ "$output" == *'create acme-gone: annotation berth.devices "acme/fuse": plugin device-acme.so not installed in '"$PLUGINDIR (no package of berth's ships it)" ]] ||
    { echo "$output"; return 1; }
  [ -z "$(installed_berth list -q)" ]
  [ ! -e "$WORK/root/acme-gone" ]
}

@test "the man pages berth(8) and berth-plugin(7) are installed where man finds them" {
  [ -f "$WORK/prefix/share/man/man8/berth.8" ]
  [ -f "$WORK/prefix/share/man/man7/berth-plugin.7" ]
  run env MANWIDTH=80 man -M "$WORK/prefix/share/man" 8 berth
  [ "$status" -eq 0 ]
  [[ "$output" == *"BERTH(8)"*"create [options] container-id"* ]]
  run env MANWIDTH=80 man -M "$WORK/prefix/share/man" 7 berth-plugin
  [ "$status" -eq 0 ]
  [[ "$output" == *"BERTH-PLUGIN(7)"*"berth_plugin_entry"* ]]
}

@test "the bash completion is installed where bash-completion looks, and loads from there" {
  # bash-completion's own directory for completions, under this prefix's datadir.
  dir=$(pkg-config --define-variable=datadir="$WORK/prefix/share" --variable=completionsdir \
    bash-completion)
  [ "$dir" = "$WORK/prefix/share/bash-completion/completions" ]
  [ -f "$dir/berth" ]
  # Its loader finds it through XDG_DATA_DIRS, as for any prefix, and it completes.
  run bash -c 'source /usr/share/bash-completion/bash_completion
    XDG_DATA_DIRS=$1/share __load_completion berth && complete -p berth
    COMP_WORDS=("$1/sbin/berth" del); COMP_CWORD=1; _berth; echo "${COMPREPLY[*]}"' x "$WORK/prefix"
  [ "$status" -eq 0 ]
  [ "$output" = $'complete -F _berth berth\ndelete' ]
}
