/* SPDX-License-Identifier: Apache-2.0 */
/* Start-up phases for --debug: one log line per phase with its wall time in ms
 * ("phase rootfs prepare: 0.412 ms"), the map of where a container's start goes.
 *
 *   uint64_t t = berth_phase_begin();
 *   r = do_the_work(...);
 *   berth_phase_end(t, "the work");
 *
 * Off (no --debug), begin returns 0 without reading a clock and end returns at once: the cost
 * is a load and a branch. The init has no log of its own: its lines go to the parent over the
 * sync socket, which logs them as "init: phase ..." (see spawn.c); once the init closed that
 * socket ("ready"), its phases are no longer reported (the parent's "exec.fifo" covers them). */
#ifndef BERTH_PHASE_H
#define BERTH_PHASE_H

#include <stdint.h>

/* Where a finished phase's line goes; NULL (the default) turns phases off. */
typedef void (*berth_phase_sink)(const char *line);

void berth_phase_enable(berth_phase_sink sink);
/* CLOCK_MONOTONIC in ns, or 0 when phases are off. */
uint64_t berth_phase_begin(void);
void berth_phase_end(uint64_t begin, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A phase whose start another process or clock took: its duration in ns, given. */
void berth_phase_report(uint64_t duration_ns, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The CPU time this process used before main (execve, the dynamic loader's mapping and
 * relocations, constructors), as "phase startup", when phases are on. */
void berth_phase_report_startup(void);
/* For the init: the monotonic clock read just before the re-exec, passed in the environment. */
#define BERTH_PHASE_ENV "_BERTH_PHASE_T0"

#endif
