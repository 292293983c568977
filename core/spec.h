/* SPDX-License-Identifier: Apache-2.0 */
/* config.json: parse and validate. Everything past this point may trust the types. */
#ifndef BERTH_SPEC_H
#define BERTH_SPEC_H

#include <json-c/json.h>

#include "error.h"

/* Parse bundle_dirfd/config.json; validate; *out is the whole spec. */
int berth_spec_load(int bundle_dirfd, json_object **out, struct berth_error *err);
/* Parse JSON text (for tests and for init's bootstrap). */
int berth_spec_parse(const char *text, const char *what, json_object **out,
                     struct berth_error *err);
/* Validate a parsed spec; errors name the field: "process.args: must not be empty". */
int berth_spec_validate(json_object *spec, struct berth_error *err);
/* Validate an OCI process object alone (exec --process). */
int berth_spec_validate_process(json_object *process, struct berth_error *err);
/* Namespace type name → CLONE_NEW* flag, or 0 when unknown. */
int berth_namespace_flag(const char *type);
/* Capability name ("CAP_SYS_ADMIN") → number, or -1. */
int berth_capability_number(const char *name);
/* Rlimit name ("RLIMIT_NOFILE") → resource number, or -1. */
int berth_rlimit_number(const char *name);

#endif
