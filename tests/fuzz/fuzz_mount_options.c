/* SPDX-License-Identifier: Apache-2.0 */
/* A mount's "options" array, one option per input line (the JSON around them is fuzz_spec's
 * business), through berth_mount_options_parse and the flag names that messages print. */
#include "cleanup.h"
#include "fuzz.h"
#include "json_util.h"
#include "mounts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  _cleanup_free_ char *text = fuzz_text(data, size);
  _cleanup_json_ json_object *options = json_object_new_array();
  char *save = NULL;
  for (char *line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save))
    json_object_array_add(options, json_object_new_string(line));
  /* An empty line is an empty option (refused), which strtok_r would skip. */
  if (size > 0 && data[0] == '\n')
    json_object_array_add(options, json_object_new_string(""));
  struct berth_mount_options opts;
  struct berth_error err = {0};
  if (berth_mount_options_parse(options, &opts, &err) == 0) {
    char buf[256];
    (void)berth_mount_flags_string(opts.flags, buf, sizeof(buf));
    (void)berth_mount_flags_string(opts.cleared, buf, 16);
    berth_mount_options_clear(&opts);
  }
  berth_error_clear(&err);
  return 0;
}
