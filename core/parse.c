/* SPDX-License-Identifier: Apache-2.0 */
#include "parse.h"

#include <ctype.h>
#include <stdbool.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

_Static_assert(sizeof(uid_t) == sizeof(uint32_t) && sizeof(gid_t) == sizeof(uint32_t),
               "berth_json_id fills uid_t and gid_t");

int berth_parse_int(const char *text, int64_t min, int64_t max, int64_t *out) {
  /* strtoll would also skip spaces and take a '+'. */
  const char *digits = text != NULL && text[0] == '-' ? text + 1 : text;
  if (digits == NULL || !isdigit((unsigned char)digits[0]))
    return -EINVAL;
  char *end = NULL;
  errno = 0;
  long long n = strtoll(text, &end, 10);
  if (*end != '\0')
    return -EINVAL;
  if (errno == ERANGE || n < min || n > max)
    return -ERANGE;
  *out = n;
  return 0;
}

long long berth_parse_size(const char *text) {
  /* strtod alone would also take spaces, signs, "inf", "nan" and hexadecimal. */
  size_t number = strspn(text, "0123456789.");
  if (!isdigit((unsigned char)text[0]))
    return -1;
  char *end = NULL;
  errno = 0;
  double n = strtod(text, &end);
  if (end != text + number || errno != 0)
    return -1;
  static const char units[] = "bkmgtp";
  const char *u = *end ? strchr(units, tolower((unsigned char)*end)) : units;
  if (u == NULL || *u == '\0')
    return -1;
  if (*end && end[1] != '\0' && strcasecmp(end + 1, "b") != 0 && strcasecmp(end + 1, "ib") != 0)
    return -1;
  for (long i = 0; i < u - units; i++)
    n *= 1024;
  /* 2^63 is exact as a double; converting anything at or above it to long long is undefined. */
  if (!(n < 9223372036854775808.0))
    return -1;
  return (long long)n;
}

/* "(0-4294967294)", or "(-1000 to 1000)" where a minus sign would confuse the reader. */
static const char *range_text(char *buf, size_t size, int64_t min, int64_t max) {
  snprintf(buf, size, min < 0 ? "(%lld to %lld)" : "(%lld-%lld)", (long long)min, (long long)max);
  return buf;
}

int berth_parse_int_named(const char *what, const char *text, int64_t min, int64_t max,
                          int64_t *out, struct berth_error *err) {
  char range[64];
  int r = berth_parse_int(text, min, max, out);
  if (r == -EINVAL)
    return berth_error(err, 0, "%s: \"%s\" is not an integer %s", what, text ? text : "",
                       range_text(range, sizeof(range), min, max));
  if (r == -ERANGE)
    return berth_error(err, 0, "%s: %s is out of range %s", what, text,
                       range_text(range, sizeof(range), min, max));
  return 0;
}

int berth_json_check_range(json_object *v, const char *path, int64_t min, int64_t max,
                           struct berth_error *err) {
  char range[64];
  if (!json_object_is_type(v, json_type_int))
    return berth_error(err, 0, "%s: must be an integer %s", path,
                       range_text(range, sizeof(range), min, max));
  int64_t n = json_object_get_int64(v);
  /* json-c keeps integers above INT64_MAX as uint64 and clamps get_int64 to INT64_MAX. */
  bool above = n == INT64_MAX && json_object_get_uint64(v) > (uint64_t)INT64_MAX;
  if (above || n < min || n > max)
    return berth_error(err, 0, "%s: %s is out of range %s", path, json_object_to_json_string(v),
                       range_text(range, sizeof(range), min, max));
  return 0;
}

int berth_json_int(json_object *o, const char *key, const char *path, int64_t min, int64_t max,
                   int64_t dflt, int64_t *out, struct berth_error *err) {
  json_object *v = NULL;
  if (o == NULL || !json_object_object_get_ex(o, key, &v) || v == NULL) {
    *out = dflt;
    return 0;
  }
  char field[512];
  snprintf(field, sizeof(field), "%s%s%s", path, *path ? "." : "", key);
  int r = berth_json_check_range(v, field, min, max, err);
  if (r < 0)
    return r;
  *out = json_object_get_int64(v);
  return 0;
}

int berth_json_id(json_object *o, const char *key, const char *path, uint32_t dflt, uint32_t *out,
                  struct berth_error *err) {
  int64_t n;
  int r = berth_json_int(o, key, path, 0, BERTH_ID_MAX, dflt, &n, err);
  if (r == 0)
    *out = (uint32_t)n;
  return r;
}
