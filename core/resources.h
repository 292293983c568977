/* SPDX-License-Identifier: Apache-2.0 */
/* `update`: linux.resources changes, merged into the container's config and applied. */
#ifndef BERTH_RESOURCES_H
#define BERTH_RESOURCES_H

#include <json-c/json.h>

#include "state.h"

/* Merge delta (a LinuxResources object) into the container's linux.resources, apply it
 * through the cgroup plugin, and save the new config in state.json. */
int berth_container_update(struct berth_container *c, json_object *delta, struct berth_error *err);
/* update --l3-cache-schema / --mem-bw-schema: delta's members merged into linux.intelRdt,
 * rewritten by the RDT plugin, recorded in state.json's config. */
int berth_container_update_rdt(struct berth_container *c, json_object *delta,
                               struct berth_error *err);

#endif
