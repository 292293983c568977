/* SPDX-License-Identifier: Apache-2.0 */
/* OCI lifecycle hooks (config.json "hooks"): each kind runs in order, every hook with its
 * path, args and env exactly as given (no env: berth's environment, as in runc), the
 * container's state on stdin, and its timeout.
 * Where each kind runs: prestart and createRuntime in the parent during create (spawn.c,
 * at init's "hooks" sync point), createContainer and startContainer in init, poststart
 * after start released the container, poststop in delete. */
#ifndef BERTH_HOOKS_H
#define BERTH_HOOKS_H

#include <json-c/json.h>
#include <sys/types.h>

#include "error.h"
#include "state.h"

/* The state a hook reads on stdin, runc's specs.State: ociVersion, id, status, pid (left
 * out when 0, as for a stopped container), bundle, annotations (when the spec has them). */
json_object *berth_hook_state(json_object *spec, const char *id, const char *status, pid_t pid,
                              const char *bundle);

/* Run one hook (an element of hooks.KIND) in cwd (NULL: ours) with state_json on stdin, its
 * stdout discarded. Fails when it cannot be executed, exits non-zero, is killed, or outlives
 * its timeout (then it is SIGKILLed); the message says which and ends with the tail of its
 * stderr, but does not name the hook (callers do). */
int berth_hook_run(json_object *hook, const char *state_json, const char *cwd,
                   struct berth_error *err);

/* Run spec's hooks.KIND in order and stop at the first failure, which the error names:
 * "createRuntime hook #1 (/usr/bin/netns-setup): exit status 3: <stderr tail>". */
int berth_hooks_run(json_object *spec, const char *kind, json_object *state, const char *cwd,
                    struct berth_error *err);

/* poststop, whose failures the runtime spec makes warnings: every hook runs, each failure
 * is logged as a warning naming the container (state's "id"). */
void berth_hooks_run_warn(json_object *spec, const char *kind, json_object *state, const char *cwd);

/* The same for a loaded container, with its state saying status. */
void berth_container_hooks_warn(struct berth_container *c, const char *kind,
                                enum berth_status status);

/* berth_hooks_run for a loaded container (poststart: runtime-spec 1.3 makes its failure
 * the start's). */
int berth_container_hooks_run(struct berth_container *c, const char *kind, enum berth_status status,
                              struct berth_error *err);

#endif
