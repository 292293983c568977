/* SPDX-License-Identifier: Apache-2.0 */
/* What an installed plugin is, asked of its own code in a probe child (core/plugin_probe.h), for
 * `berth features` and `berth check`: one that crashes or hangs is described by that, and
 * nothing of it runs in the command's process. */
#ifndef BERTH_PLUGIN_DESCRIBE_H
#define BERTH_PLUGIN_DESCRIBE_H

#include <json-c/json.h>

#include "error.h"

/* Load NAME in a child and describe it: {"kind", "version", "abi"}, and for an LSM plugin
 * "fields" (the spec fields it labels) and "enabled" (its module enforces labels here: its
 * enabled op, which runs in the child too). WHAT names the file in a crash or timeout message
 * ("plugin DIR/NAME.so"). */
int berth_plugin_describe(const char *name, const char *what, json_object **out,
                          struct berth_error *err);

#endif
