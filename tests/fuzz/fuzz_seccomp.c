/* SPDX-License-Identifier: Apache-2.0 */
/* linux.seccomp: the input is the profile (JSON), put through what create does
 * (berth_seccomp_validate) and what init does (berth_seccomp_load: the whole translation into a
 * libseccomp filter), except that the filter is exported as BPF instead of loaded: this file
 * defines seccomp_load, and the linker binds the core's call to this definition before
 * libseccomp's (an object file's symbol wins over a shared library's). LLVMFuzzerInitialize
 * proves it with a profile that would kill the fuzzer if it were loaded. */
#include <errno.h>
#include <seccomp.h>

#include "berth_seccomp.h"
#include "cleanup.h"
#include "fuzz.h"
#include "json_util.h"
#include "spec.h"

static int devnull = -1;
static unsigned long exported;

int seccomp_load(const scmp_filter_ctx ctx) {
  exported++;
  return seccomp_export_bpf(ctx, devnull);
}

static void translate(json_object *profile) {
  struct berth_error err = {0};
  int notify_fd = -1;
  if (berth_seccomp_validate(profile, &err) == 0 &&
      berth_seccomp_load(profile, &notify_fd, &err) == 0 && notify_fd >= 0)
    close(notify_fd);
  berth_error_clear(&err);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
  json_object *kill_all = json_tokener_parse("{\"defaultAction\":\"SCMP_ACT_KILL_PROCESS\"}");
  if (devnull < 0 || kill_all == NULL)
    abort();
  translate(kill_all);
  json_object_put(kill_all);
  if (exported != 1) {
    fprintf(stderr, "fuzz_seccomp: the filter did not go through this file's seccomp_load\n");
    abort();
  }
  return 0;
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
