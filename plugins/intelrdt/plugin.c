/* SPDX-License-Identifier: Apache-2.0 */
/* The entry point and the ops table of intelrdt.so. */
#include <stdlib.h>

#include "group.h"

#define INTELRDT_VERSION "0.1.0"

static int32_t rdt_enabled(int32_t *enabled, struct berth_error *err) {
  char root[PATH_MAX];
  bool mba_mbps = false;
  *enabled = rdt_find_mount(root, &mba_mbps, NULL) == 0;
  return 0;
}

static const struct berth_rdt_ops intelrdt_ops = {
    .struct_size = sizeof(struct berth_rdt_ops),
    .enabled = rdt_enabled,
    .create = rdt_group_create,
    .load = rdt_group_load,
    .save = rdt_group_save,
    .add = rdt_group_add,
    .stats = rdt_group_stats,
    .destroy = rdt_group_destroy,
    .release = rdt_group_free,
    .update = rdt_group_update,
};

static const struct berth_plugin intelrdt_plugin = {
    .magic = BERTH_PLUGIN_MAGIC,
    .abi_major = BERTH_ABI_MAJOR,
    .abi_minor = BERTH_ABI_MINOR,
    .struct_size = sizeof(struct berth_plugin),
    .kind = BERTH_PLUGIN_KIND_RDT,
    .name = "intelrdt",
    .version = INTELRDT_VERSION,
    .requires = BERTH_HOST_FEATURES_1_0,
    .rdt = &intelrdt_ops,
};

/* Loads on every host, resctrl or not: create() then says that resctrl is missing, delete
 * still finds the plugin of a container made before resctrl went, and `berth features`
 * reports linux.intelRdt.enabled false rather than "plugin refused". */
BERTH_PLUGIN_EXPORT const struct berth_plugin *
berth_plugin_entry(const struct berth_host_api *host) {
  if (host == NULL || host->abi_major != BERTH_ABI_MAJOR ||
      host->struct_size < offsetof(struct berth_host_api, log) + sizeof(host->log) ||
      host->error == NULL)
    return NULL;
  rdt_host = host;
  return &intelrdt_plugin;
}
