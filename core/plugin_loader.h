/* SPDX-License-Identifier: Apache-2.0 */
/* Loads one plugin by basename, checked by fd before dlopen, never dlclose'd. */
#ifndef BERTH_PLUGIN_LOADER_H
#define BERTH_PLUGIN_LOADER_H

#include <stdbool.h>
#include <stdint.h>

#include <berth/plugin.h>

#include "error.h"

/* The host services handed to every plugin. */
extern const struct berth_host_api berth_host;
/* While a plugin's entry point runs, what it logs (but debug lines) is held back: a plugin
 * that refuses the host says why through the log, and that reason belongs in the one error
 * line of a command that needs the plugin, or in `features`' JSON, not in a log line of its
 * own. release(true) returns the held messages joined by "; " (malloc()ed, NULL when there
 * are none) and drops them; release(false) logs them and returns NULL. */
void berth_host_log_hold(void);
char *berth_host_log_release(bool refused);

/* For `features`: load whatever kind the plugin is. */
#define BERTH_PLUGIN_KIND_ANY 0u

/* Load NAME.so ("cgroup-v1") of the given kind from BERTH_PLUGIN_PATH (colon-separated)
 * or the compiled-in plugin directory. A plugin loaded once is returned again. Refused, in one
 * line naming the file: a descriptor or ops table shorter than ABI 1.0's (1.2's for LSM ops, 1.5's
 * for RDT and device ops), a NULL name or version, a name other than the file's basename, an
 * unknown kind, a kind without its ops or with another kind's, a NULL op that
 * include/berth/plugin.h calls mandatory. *out is a host-sized copy in which members past the
 * plugin's struct_size read as NULL or 0.
 *
 * berth_plugin_load is for a plugin the container selects (named by the config or by
 * state.json): its entry point runs in this process, with no trial child, and a crash there or
 * in its ops ends this command, in one line naming the file (core/plugin_crash.h). */
int berth_plugin_load(const char *name, uint32_t kind, const struct berth_plugin **out,
                      struct berth_error *err);
/* For the scans of plugins nobody named (auto's survey, `check`, the LSM plugin that labels a
 * field): the entry point runs in a probe child first (plugin_probe.h), so one that crashes or
 * hangs fails here, as a refusal naming the file, and the scan goes on. */
int berth_plugin_load_probed(const char *name, uint32_t kind, const struct berth_plugin **out,
                             struct berth_error *err);
/* "cgroup", "rdt", "lsm", "device", "checkpoint" or "unknown". */
const char *berth_plugin_kind_name(uint32_t kind);
/* The directories searched, colon-separated (for messages and `features`). */
const char *berth_plugin_search_path(void);

#endif
