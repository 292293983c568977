/* SPDX-License-Identifier: Apache-2.0 */
/* json-c helpers. Accessors assume spec.c validated the types already. */
#ifndef BERTH_JSON_UTIL_H
#define BERTH_JSON_UTIL_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

static inline void json_putp(json_object **o) {
  if (*o != NULL)
    json_object_put(*o);
}
#define _cleanup_json_ __attribute__((cleanup(json_putp)))

/* NULL when absent or not of the type. */
static inline json_object *json_get(json_object *o, const char *key) {
  json_object *v = NULL;
  if (o == NULL || !json_object_is_type(o, json_type_object) ||
      !json_object_object_get_ex(o, key, &v))
    return NULL;
  return v;
}
static inline json_object *json_get_type(json_object *o, const char *key, json_type t) {
  json_object *v = json_get(o, key);
  return v != NULL && json_object_is_type(v, t) ? v : NULL;
}
static inline const char *json_get_str(json_object *o, const char *key) {
  json_object *v = json_get_type(o, key, json_type_string);
  return v != NULL ? json_object_get_string(v) : NULL;
}
static inline bool json_get_bool(json_object *o, const char *key, bool dflt) {
  json_object *v = json_get_type(o, key, json_type_boolean);
  return v != NULL ? json_object_get_boolean(v) : dflt;
}
static inline int64_t json_get_int(json_object *o, const char *key, int64_t dflt) {
  json_object *v = json_get_type(o, key, json_type_int);
  return v != NULL ? json_object_get_int64(v) : dflt;
}
static inline json_object *json_get_array(json_object *o, const char *key) {
  return json_get_type(o, key, json_type_array);
}
/* Walk a dotted path of objects: json_path(spec, "linux", "resources", NULL). */
json_object *json_path(json_object *o, ...);

#endif
