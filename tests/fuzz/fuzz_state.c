/* SPDX-License-Identifier: Apache-2.0 */
/* state.json as every command after create reads it: berth_container_load (ID check, the state
 * dir opened beneath --root, the strict parse, pid and start time, the cgroup driver and plugin
 * named in "cgroup") on a root holding the input as c/state.json, then what `berth state` makes
 * of it. BERTH_PLUGIN_PATH is an empty directory, so a named plugin is looked up and refused
 * and nothing is dlopen()ed. */
#include <sys/stat.h>

#include "fuzz.h"
#include "state.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  int root = fuzz_dir();
  if (mkdirat(root, "c", 0700) < 0 || mkdirat(root, "plugins", 0700) < 0)
    abort();
  char plugins[96];
  snprintf(plugins, sizeof(plugins), "%s/plugins", fuzz_dir_path);
  setenv("BERTH_PLUGIN_PATH", plugins, 1);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  int root = fuzz_dir();
  fuzz_write_file(root, "c/state.json", data, size);
  struct berth_container *c = NULL;
  struct berth_error err = {0};
  if (berth_container_load(root, "c", &c, &err) == 0) {
    /* Reads /proc/PID/stat of the input's pid: harmless, and what `berth state` does. */
    json_object *state = berth_container_oci_state(c, berth_container_status(c));
    (void)json_object_to_json_string(state);
    json_object_put(state);
    berth_container_free(c);
  }
  berth_error_clear(&err);
  return 0;
}
