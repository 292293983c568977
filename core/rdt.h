/* SPDX-License-Identifier: Apache-2.0 */
/* The core's side of linux.intelRdt: the RDT plugin that serves it, and the calls into it.
 * A spec without linux.intelRdt has no RDT backend (plugin NULL), and every call is a no-op. */
#ifndef BERTH_RDT_H
#define BERTH_RDT_H

#include <json-c/json.h>
#include <stdbool.h>
#include <sys/types.h>

#include <berth/plugin.h>

#include "error.h"

/* The plugin that serves linux.intelRdt (package berth-plugin-intelrdt). */
#define BERTH_RDT_PLUGIN "intelrdt"

struct berth_rdt_backend {
  const struct berth_plugin *plugin; /* NULL: the container has no linux.intelRdt */
  struct berth_rdt *handle;          /* NULL before create/load */
};

/* At create, before anything is made: load the RDT plugin when the spec has linux.intelRdt
 * (its absence is one line naming the package). */
int berth_rdt_select(json_object *spec, struct berth_rdt_backend *rdt, struct berth_error *err);
/* Make the container's group (the plugin validates linux.intelRdt against the host first). */
int berth_rdt_create(struct berth_rdt_backend *rdt, const char *id, json_object *spec,
                     struct berth_error *err);
/* The "intel_rdt" object of state.json and cleanup.json ({"plugin", "plugin_version",
 * "state"}), or NULL (*out) when there is no group. */
int berth_rdt_save(struct berth_rdt_backend *rdt, json_object **out, struct berth_error *err);
/* Rebuild from that object (absent: no RDT backend). */
int berth_rdt_load(json_object *saved, struct berth_rdt_backend *rdt, struct berth_error *err);
int berth_rdt_add(struct berth_rdt_backend *rdt, pid_t pid, struct berth_error *err);
/* malloc()ed JSON text for events --stats "intel_rdt", or NULL (*json) without a group. */
int berth_rdt_stats(struct berth_rdt_backend *rdt, char **json, struct berth_error *err);
/* update: rewrite the group's schemata from the container's updated linux.intelRdt. */
int berth_rdt_update(struct berth_rdt_backend *rdt, json_object *intel_rdt,
                     struct berth_error *err);
int berth_rdt_destroy(struct berth_rdt_backend *rdt, struct berth_error *err);
void berth_rdt_release(struct berth_rdt_backend *rdt);
/* `berth features` (in the plugin's describe child): whether RDT plugin p finds its resource
 * control filesystem (resctrl) on this host. */
bool berth_rdt_plugin_enabled(const struct berth_plugin *p);

#endif
