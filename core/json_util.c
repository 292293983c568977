/* SPDX-License-Identifier: Apache-2.0 */
#include "json_util.h"

#include <stdarg.h>

json_object *json_path(json_object *o, ...) {
  va_list ap;
  va_start(ap, o);
  for (const char *key = va_arg(ap, const char *); key != NULL && o != NULL;
       key = va_arg(ap, const char *))
    o = json_get(o, key);
  va_end(ap);
  return o;
}
