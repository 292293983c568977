/* SPDX-License-Identifier: Apache-2.0 */
#include "phase.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

static berth_phase_sink phase_sink;

void berth_phase_enable(berth_phase_sink sink) {
  phase_sink = sink;
}

static uint64_t clock_ns(clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t berth_phase_begin(void) {
  return phase_sink != NULL ? clock_ns(CLOCK_MONOTONIC) : 0;
}

static void emit(uint64_t duration_ns, const char *fmt, va_list ap) {
  char name[128], line[192];
  vsnprintf(name, sizeof(name), fmt, ap);
  snprintf(line, sizeof(line), "phase %s: %llu.%03llu ms", name,
           (unsigned long long)(duration_ns / 1000000u),
           (unsigned long long)(duration_ns / 1000u % 1000u));
  phase_sink(line);
}

void berth_phase_end(uint64_t begin, const char *fmt, ...) {
  if (begin == 0 || phase_sink == NULL)
    return;
  uint64_t now = clock_ns(CLOCK_MONOTONIC);
  va_list ap;
  va_start(ap, fmt);
  emit(now > begin ? now - begin : 0, fmt, ap);
  va_end(ap);
}

void berth_phase_report(uint64_t duration_ns, const char *fmt, ...) {
  if (phase_sink == NULL)
    return;
  va_list ap;
  va_start(ap, fmt);
  emit(duration_ns, fmt, ap);
  va_end(ap);
}

/* CPU, not wall time: nothing before main records a wall clock, and /proc's start time counts
 * in 10 ms ticks. Before main the process does not sleep (warm page cache), so CPU is close to
 * wall; the fork-side of our caller (between its fork and our execve) is included. */
void berth_phase_report_startup(void) {
  if (phase_sink != NULL)
    berth_phase_report(clock_ns(CLOCK_PROCESS_CPUTIME_ID), "startup");
}
