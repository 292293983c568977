/* SPDX-License-Identifier: Apache-2.0 */
/* config.json as `berth create` reads it: berth_spec_load on a bundle directory holding the
 * input (read, strict JSON parse, validation of every field, the seccomp profile's included),
 * then the exec --process check on its "process" object. */
#include "fuzz.h"
#include "json_util.h"
#include "spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  int bundle = fuzz_dir();
  fuzz_write_file(bundle, "config.json", data, size);
  _cleanup_json_ json_object *spec = NULL;
  struct berth_error err = {0};
  if (berth_spec_load(bundle, &spec, &err) == 0) {
    json_object *process = json_get(spec, "process");
    if (process != NULL)
      (void)berth_spec_validate_process(process, &err);
  }
  berth_error_clear(&err);
  return 0;
}
