/* SPDX-License-Identifier: Apache-2.0 */
#include "id.h"

#include <errno.h>
#include <string.h>

#define MAX_ID_LENGTH 1024

static int id_char_ok(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '+' || c == '-' || c == '.';
}

int berth_validate_id(const char *id, struct berth_error *err) {
  if (id == NULL || *id == '\0')
    return berth_error(err, 0, "container id cannot be empty");
  size_t len = strlen(id);
  if (len > MAX_ID_LENGTH)
    return berth_error(err, 0, "invalid container id: longer than %d characters", MAX_ID_LENGTH);
  for (const char *c = id; *c != '\0'; c++)
    if (!id_char_ok(*c))
      return berth_error(err, 0, "invalid container id %s: only letters, digits and _+-. allowed",
                         id);
  if (strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
    return berth_error(err, 0, "invalid container id %s", id);
  return 0;
}
