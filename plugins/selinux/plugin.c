/* SPDX-License-Identifier: Apache-2.0 */
/* The entry point and the ops table of selinux.so. */
#include <stddef.h>

#include "selinux.h"

#define SELINUX_VERSION "0.1.0"

static const char *const selinux_fields[] = {"process.selinuxLabel", "linux.mountLabel", NULL};

static const struct berth_lsm_ops selinux_ops = {
    .struct_size = sizeof(struct berth_lsm_ops),
    .enabled = se_enabled,
    .validate = se_validate,
    .exec_attr = se_exec_attr,
    .fields = selinux_fields,
    .keyring_attr = se_keyring_attr,
    .mount_option = se_mount_option,
};

static const struct berth_plugin selinux_plugin = {
    .magic = BERTH_PLUGIN_MAGIC,
    .abi_major = BERTH_ABI_MAJOR,
    .abi_minor = BERTH_ABI_MINOR,
    .struct_size = sizeof(struct berth_plugin),
    .kind = BERTH_PLUGIN_KIND_LSM,
    .name = "selinux",
    .version = SELINUX_VERSION,
    .requires = BERTH_HOST_FEATURES_1_0,
    .lsm = &selinux_ops,
};

/* Refuses a host where SELinux is off (no selinuxfs, or no policy loaded): a label asked for
 * there fails with this reason (the core names the plugin), and `berth features` reports
 * linux.selinux.enabled false. */
BERTH_PLUGIN_EXPORT const struct berth_plugin *
berth_plugin_entry(const struct berth_host_api *host) {
  if (host == NULL || host->abi_major != BERTH_ABI_MAJOR ||
      host->struct_size < offsetof(struct berth_host_api, log) + sizeof(host->log) ||
      host->error == NULL || host->log == NULL)
    return NULL;
  se_host = host;
  if (se_lib.is_enabled() != 1) {
    host->log(BERTH_LOG_INFO, "selinux: SELinux is not enabled on this host (is_selinux_enabled: "
                              "no selinuxfs or no policy loaded)");
    return NULL;
  }
  return &selinux_plugin;
}
