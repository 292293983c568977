/* SPDX-License-Identifier: Apache-2.0 */
/* org.systemd.property.NAME=VALUE annotations become unit properties, after the ones berth
 * derives (systemd applies them in order, so an annotation wins), with runc's rules. One
 * improvement: an untyped integer for a property whose D-Bus type is known (CPUWeight,
 * TasksMax, any ...USec) takes that type, where runc would send an int32 that systemd refuses;
 * "uint64 100" works as in runc. */
#include <math.h>
#include <string.h>

#include "helpers.h"
#include "sd.h"

#define PREFIX "org.systemd.property."

/* Unsigned 64-bit properties of scopes and slices that a container may plausibly set. */
static const char *const uint64_properties[] = {
    "CPUWeight",
    "StartupCPUWeight",
    "CPUShares",
    "StartupCPUShares",
    "MemoryMin",
    "MemoryLow",
    "MemoryHigh",
    "MemoryMax",
    "MemorySwapMax",
    "MemoryZSwapMax",
    "MemoryLimit",
    "TasksMax",
    "IOWeight",
    "StartupIOWeight",
    "BlockIOWeight",
    "StartupBlockIOWeight",
    "ManagedOOMMemoryPressureLimit",
};

/* berth sets these from the container itself. */
static const char *const owned_properties[] = {"PIDs", "Slice"};

static char integer_type(const char *name) {
  for (size_t i = 0; i < sizeof(uint64_properties) / sizeof(uint64_properties[0]); i++)
    if (strcmp(name, uint64_properties[i]) == 0)
      return 't';
  return str_ends_with(name, "USec") || str_ends_with(name, "NSec") ? 't' : 'i';
}

/* runc's checkPropertyName: ASCII letters only, at least three. */
static bool property_name_valid(const char *name) {
  size_t n = strlen(name);
  for (size_t i = 0; i < n; i++)
    if (!((name[i] >= 'A' && name[i] <= 'Z') || (name[i] >= 'a' && name[i] <= 'z')))
      return false;
  return n >= 3;
}

/* "TimeoutStopSec" (a lower-case letter before "Sec") is "TimeoutStopUSec" in microseconds. */
static bool seconds_property(const char *name) {
  size_t n = strlen(name);
  return n > 3 && str_ends_with(name, "Sec") && name[n - 4] >= 'a' && name[n - 4] <= 'z';
}

static int to_microseconds(struct dbus_value *v, const char **why) {
  const char type = v->signature[0];
  uint64_t usec;
  if (type == 'd') {
    if (!(v->d >= 0) || v->d * 1e6 >= 18446744073709551615.0) {
      *why = "seconds out of range";
      return -EINVAL;
    }
    usec = (uint64_t)(v->d * 1e6);
  } else if (v->signature[1] == '\0' && strchr("ynqiuxt", type) != NULL) {
    bool is_signed = strchr("nix", type) != NULL;
    if (is_signed && v->i < 0) {
      *why = "negative seconds";
      return -EINVAL;
    }
    uint64_t sec = is_signed ? (uint64_t)v->i : v->u;
    if (sec > UINT64_MAX / 1000000) {
      *why = "seconds out of range";
      return -EINVAL;
    }
    usec = sec * 1000000;
  } else {
    *why = "a ...Sec property needs a number of seconds";
    return -EINVAL;
  }
  value_clear(v);
  return value_basic(v, 't', usec) ? 0 : -ENOMEM;
}

static int annotation_property(const char *key, const char *text, struct unit_properties *out,
                               struct berth_error *err) {
  char name[128];
  snprintf(name, sizeof(name), "%s", key + strlen(PREFIX));
  if (strlen(key + strlen(PREFIX)) >= sizeof(name) - 2 || !property_name_valid(name))
    return cg_error(err, EINVAL,
                    "annotation %s: \"%s\" is not a systemd property name (ASCII letters only)",
                    key, key + strlen(PREFIX));
  for (size_t i = 0; i < sizeof(owned_properties) / sizeof(owned_properties[0]); i++)
    if (strcmp(name, owned_properties[i]) == 0)
      return cg_error(err, EINVAL,
                      "annotation %s: berth sets %s itself (from the container's init and "
                      "cgroupsPath)",
                      key, name);
  struct dbus_value v;
  const char *why = NULL;
  int r = parse_gvariant(text, integer_type(name), &v, &why);
  if (r < 0)
    return cg_error(err, EINVAL, "annotation %s=\"%s\": %s", key, text,
                    why != NULL ? why : "cannot parse the value");
  if (seconds_property(name)) {
    r = to_microseconds(&v, &why);
    if (r < 0) {
      value_clear(&v);
      return cg_error(err, -r, "annotation %s=\"%s\": %s", key, text,
                      why != NULL ? why : "out of memory");
    }
    snprintf(name + strlen(name) - 3, 5, "USec");
  }
  if (!props_add(out, name, &v))
    return cg_error(err, ENOMEM, "annotation %s", key);
  return 0;
}

int annotation_properties(const char *annotations_json, struct unit_properties *out,
                          struct berth_error *err) {
  _cleanup_json_ json_object *annotations = NULL;
  int r = cgc_parse_object(annotations_json, "annotations", &annotations, err);
  if (r < 0 || annotations == NULL)
    return r;
  json_object_object_foreach(annotations, key, value) {
    if (strncmp(key, PREFIX, strlen(PREFIX)) != 0)
      continue;
    if (!json_object_is_type(value, json_type_string))
      return cg_error(err, EINVAL, "annotation %s: expected a string", key);
    r = annotation_property(key, json_object_get_string(value), out, err);
    if (r < 0)
      return r;
  }
  return 0;
}
