/* SPDX-License-Identifier: Apache-2.0 */
/* cgroup-systemd's org.systemd.property.* annotations. The first input byte picks the entry:
 * 'A' the spec's annotations object (JSON text) through annotation_properties, anything else one
 * GVariant text through parse_gvariant, with the byte choosing the type of an untyped integer
 * ('i' as in GVariant, or a property's known type); what parses is printed as the debug log
 * prints unit properties. */
#include "error.h"
#include "fuzz.h"
#include "sd.h"

/* The core's services (core/host_api.c), as the core lends them to the plugin. */
extern const struct berth_host_api berth_host;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  if (!cgc_init_host(&berth_host, "cgroup-systemd"))
    abort();
  return 0;
}

static void annotations(const char *json) {
  _cleanup_props_ struct unit_properties props = {0};
  struct berth_error err = {0};
  if (annotation_properties(json, &props, &err) == 0)
    free(props_format(&props));
  berth_error_clear(&err);
}

static void gvariant(const char *text, char int_type) {
  struct dbus_value v;
  const char *why = NULL;
  if (parse_gvariant(text, int_type, &v, &why) == 0) {
    free(value_format(&v));
    value_clear(&v);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0)
    return 0;
  char *text = fuzz_text(data + 1, size - 1);
  if (data[0] == 'A')
    annotations(text);
  else
    gvariant(text, "ynqiuxt"[data[0] % 7]);
  free(text);
  return 0;
}
