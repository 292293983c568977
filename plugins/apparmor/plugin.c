/* SPDX-License-Identifier: Apache-2.0 */
/* The entry point and the ops table of apparmor.so. */
#include <stddef.h>

#include "apparmor.h"

#define APPARMOR_VERSION "0.1.0"

static const char *const apparmor_fields[] = {"process.apparmorProfile", NULL};

static const struct berth_lsm_ops apparmor_ops = {
    .struct_size = sizeof(struct berth_lsm_ops),
    .enabled = aa_enabled,
    .validate = aa_validate,
    .exec_attr = aa_exec_attr,
    .fields = apparmor_fields,
};

static const struct berth_plugin apparmor_plugin = {
    .magic = BERTH_PLUGIN_MAGIC,
    .abi_major = BERTH_ABI_MAJOR,
    .abi_minor = BERTH_ABI_MINOR,
    .struct_size = sizeof(struct berth_plugin),
    .kind = BERTH_PLUGIN_KIND_LSM,
    .name = "apparmor",
    .version = APPARMOR_VERSION,
    .requires = BERTH_HOST_FEATURES_1_0,
    .lsm = &apparmor_ops,
};

/* Loads on every host, AppArmor or not: validate() then says why a profile cannot be applied
 * here, and `berth features` reports apparmor.enabled false, rather than "plugin refused". */
BERTH_PLUGIN_EXPORT const struct berth_plugin *
berth_plugin_entry(const struct berth_host_api *host) {
  if (host == NULL || host->abi_major != BERTH_ABI_MAJOR ||
      host->struct_size < offsetof(struct berth_host_api, log) + sizeof(host->log) ||
      host->error == NULL)
    return NULL;
  aa_host = host;
  return &apparmor_plugin;
}
