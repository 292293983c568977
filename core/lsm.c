/* SPDX-License-Identifier: Apache-2.0 */
#include "lsm.h"

#include <stddef.h>

#include "json_util.h"
#include "plugin_loader.h"

static const struct {
  const char *object;
  const char *field;
  const char *plugin;
} labels[] = {
    {"process", "apparmorProfile", "apparmor"},
    {"process", "selinuxLabel", "selinux"},
    {"linux", "mountLabel", "selinux"},
};

int berth_lsm_check(json_object *spec, struct berth_error *err) {
  for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
    const char *value = json_get_str(json_get(spec, labels[i].object), labels[i].field);
    if (value == NULL || value[0] == '\0')
      continue;
    const struct berth_plugin *plugin = NULL;
    if (berth_plugin_load(labels[i].plugin, BERTH_PLUGIN_KIND_LSM, &plugin, err) < 0)
      return berth_error_prefix(err, "%s.%s \"%s\"", labels[i].object, labels[i].field, value);
    /* ABI 1.0 has no LSM ops yet: a plugin that loads still cannot be asked to apply it. */
    return berth_error(err, 0, "%s.%s \"%s\": plugin %s.so: ABI %u.%u has no LSM operations",
                       labels[i].object, labels[i].field, value, labels[i].plugin, BERTH_ABI_MAJOR,
                       BERTH_ABI_MINOR);
  }
  return 0;
}
