/* SPDX-License-Identifier: Apache-2.0 */
/* linux.seccomp: the input is the profile (JSON), put through what create does
 * (berth_seccomp_validate) and what the init does before its last act
 * (berth_seccomp_compile: the whole translation into a libseccomp filter, exported as BPF).
 * Compiling touches nothing of the process, so nothing here can ever load a filter into the
 * fuzzer. */
#include <seccomp.h>

#include "berth_seccomp.h"
#include "cleanup.h"
#include "fuzz.h"
#include "json_util.h"
#include "spec.h"

static void translate(json_object *profile) {
  struct berth_error err = {0};
  _cleanup_seccomp_program_ struct berth_seccomp_program program = {0};
  if (berth_seccomp_validate(profile, &err) == 0 &&
      berth_seccomp_compile(profile, &program, &err) == 0 && program.prog.filter != NULL &&
      program.prog.len == 0)
    abort(); /* a filter must have at least its default action */
  berth_error_clear(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  _cleanup_free_ char *text = fuzz_text(data, size);
  _cleanup_json_ json_object *profile = NULL;
  struct berth_error err = {0};
  if (berth_spec_parse(text, "linux.seccomp", &profile, &err) == 0)
    translate(profile);
  berth_error_clear(&err);
  return 0;
}
