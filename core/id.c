/* SPDX-License-Identifier: Apache-2.0 */
#include "id.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>

/* The ID names a directory under --root. */
#define MAX_ID_LENGTH NAME_MAX

static int id_char_ok(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '+' || c == '-' || c == '.';
}

static bool printable(const char *s) {
  for (; *s != '\0'; s++)
    if (!isprint((unsigned char)*s))
      return false;
  return true;
}

int berth_validate_id(const char *id, struct berth_error *err) {
  if (id == NULL || *id == '\0')
    return berth_error(err, 0, "invalid container id: must not be empty");
  size_t len = strlen(id);
  if (len > MAX_ID_LENGTH)
    return berth_error(err, 0, "invalid container id: longer than %d characters", MAX_ID_LENGTH);
  for (const char *c = id; *c != '\0'; c++)
    if (!id_char_ok(*c))
      /* Echoed only when printable: the error stays one line, and a log cannot be forged. */
      return berth_error(err, 0, "invalid container id%s%s: only letters, digits and _+-. allowed",
                         printable(id) ? " " : "", printable(id) ? id : "");
  if (strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
    return berth_error(err, 0, "invalid container id %s", id);
  return 0;
}
