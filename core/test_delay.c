/* SPDX-License-Identifier: Apache-2.0 */
#include "test_delay.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void berth_test_delay(const char *point) {
  const char *spec = getenv("BERTH_TEST_DELAY_AT");
  size_t len = strlen(point);
  if (spec == NULL || strncmp(spec, point, len) != 0 || spec[len] != '=')
    return;
  char *end = NULL;
  long ms = strtol(spec + len + 1, &end, 10);
  if (*end != '\0' || ms <= 0 || ms > 60000)
    return;
  struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
    ;
}
