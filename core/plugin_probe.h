/* SPDX-License-Identifier: Apache-2.0 */
/* Plugin code run in a child process, so that a plugin that crashes or hangs fails the one
 * thing that asked for it, with its file named, instead of taking the command down. */
#ifndef BERTH_PLUGIN_PROBE_H
#define BERTH_PLUGIN_PROBE_H

#include <stdbool.h>

#include "error.h"

/* How long a plugin's entry point (and what `features` asks of it) may take in a probe. */
#define BERTH_PLUGIN_PROBE_TIMEOUT_MS 10000

/* Runs in the child: fills *answer (malloc()ed text, may stay NULL) or err. */
typedef int (*berth_probe_fn)(void *data, char **answer, struct berth_error *err);

/* Run fn(data) in a forked child and wait at most timeout_ms for it. The child's answer comes
 * back in *answer (malloc()ed; answer may be NULL to ignore it), its error in err as it
 * worded it. A child killed by a signal fails with "WHAT: crashed (signal N)", one that takes
 * longer is killed and fails with "WHAT: no answer within T s (killed)", one that exits
 * without answering says so. WHAT names the plugin file. */
/* What berth_probe_run returns when it could not fork (err says why): no process to spare,
 * as under a pids limit that counts only the caller. Outside errno's range. */
#define BERTH_PROBE_NO_CHILD 4096

int berth_probe_run(const char *what, int timeout_ms, berth_probe_fn fn, void *data, char **answer,
                    struct berth_error *err);
/* True in a probe's child: code there is already isolated and need not probe again. */
bool berth_probe_in_child(void);

#endif
