/* SPDX-License-Identifier: Apache-2.0 */
/* A crash in plugin code, named: one line on stderr with the plugin's file, the signal and what
 * the core had asked of it, then the process dies of that signal as it would have (same exit
 * status, same core dump). A plugin the config names runs in the command's own process, without
 * a trial child (core/plugin_probe.h is for the scans of `features`, `check` and auto), so its
 * crash ends only this container's command, and this says whose fault it was. */
#ifndef BERTH_PLUGIN_CRASH_H
#define BERTH_PLUGIN_CRASH_H

/* Two tests, either one enough: the faulting instruction lies in one of the plugin's executable
 * segments (recorded at load from dl_iterate_phdr), which also catches plugin code run outside
 * any call of the core's (a destructor, a callback); or the core is inside a call into the
 * plugin (the marker below), which also catches a fault in a library the plugin called
 * (strlen(NULL) faults in libc). While the plugin calls back into the host (logging, errors,
 * the pid callback) the marker is cleared: a fault there is the core's. A crash that passes
 * neither test goes to the handler that was there before (the default, or a sanitizer's). */

/* Record a plugin just dlopen()ed: its file (for the message) and the executable segments of
 * handle; the first time, install the handlers for SIGSEGV, SIGBUS, SIGILL, SIGFPE and SIGABRT.
 * Returns the plugin's index for the calls below, or -1 when the table is full (its crashes
 * then go unnamed). */
int berth_plugin_crash_watch(const char *path, void *handle);
/* The descriptor through which the core calls the plugin's ops (the loader's copy), so that
 * berth_plugin_call_enter can find the plugin from it. */
void berth_plugin_crash_bind(int watch, const void *plugin);

/* Which plugin's code the core is running, and for what ("op create", "its entry point": a
 * string literal, it is read by the signal handler). */
struct berth_plugin_call {
  int watch;
  const char *what;
};
/* Mark the call about to be made; returns the marker it replaces, for _leave. */
struct berth_plugin_call berth_plugin_call_enter(const void *plugin, const char *what);
struct berth_plugin_call berth_plugin_call_enter_watch(int watch, const char *what);
void berth_plugin_call_leave(struct berth_plugin_call previous);
/* In a host service a plugin called: the core's code again until _leave. */
struct berth_plugin_call berth_plugin_call_host(void);

/* Every call of the core into a plugin's op goes through one of these: a crash inside is
 * reported as the plugin's, naming the op. */
#define PLUGIN_CALL(plugin, op, call)                                                              \
  ({                                                                                               \
    struct berth_plugin_call _prev = berth_plugin_call_enter((plugin), "op " #op);                 \
    __auto_type _called = (call);                                                                  \
    berth_plugin_call_leave(_prev);                                                                \
    _called;                                                                                       \
  })
#define PLUGIN_CALL_VOID(plugin, op, call)                                                         \
  do {                                                                                             \
    struct berth_plugin_call _prev = berth_plugin_call_enter((plugin), "op " #op);                 \
    (call);                                                                                        \
    berth_plugin_call_leave(_prev);                                                                \
  } while (0)

#endif
