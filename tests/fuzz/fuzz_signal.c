/* SPDX-License-Identifier: Apache-2.0 */
/* `berth kill ID SIGNAL`: berth_signal_parse takes any text and answers a signal number in
 * 0..NSIG-1 (0: the liveness probe, as in runc), or -1. */
#include <signal.h>

#include "container.h"
#include "cleanup.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  _cleanup_free_ char *text = fuzz_text(data, size);
  int sig = berth_signal_parse(text);
  if (sig != -1 && (sig < 0 || sig >= NSIG))
    abort();
  return 0;
}
