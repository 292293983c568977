/* SPDX-License-Identifier: Apache-2.0 */
/* cgroupsPath "slice:prefix:name" to unit names, checked against systemd's rules before
 * anything is asked of systemd: a name it would refuse gives a message that says which part is
 * wrong, not a D-Bus error after the container is half made. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "helpers.h"
#include "sd.h"

#define DEFAULT_PREFIX "berth"

/* systemd's VALID_CHARS for unit names (no '@': a container's unit is never a template). */
static bool valid_unit_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':' ||
         c == '_' || c == '.' || c == '\\' || c == '-';
}

static bool valid_chars(const char *s) {
  for (; *s != '\0'; s++)
    if (!valid_unit_char(*s))
      return false;
  return true;
}

bool unit_name_valid(const char *name, const char *suffix) {
  size_t n = strlen(name), m = strlen(suffix);
  return n > m && n < UNIT_NAME_MAX && str_ends_with(name, suffix) && valid_chars(name);
}

bool slice_name_valid(const char *name) {
  if (!unit_name_valid(name, ".slice"))
    return false;
  if (strcmp(name, "-.slice") == 0)
    return true;
  size_t stem = strlen(name) - strlen(".slice");
  /* "-a.slice", "a-.slice" and "a--b.slice" have an empty component. */
  return name[0] != '-' && name[stem - 1] != '-' && strstr(name, "--") == NULL;
}

bool slice_parent(const char *slice, char *buf) {
  if (!slice_name_valid(slice) || strcmp(slice, "-.slice") == 0)
    return false;
  size_t stem = strlen(slice) - strlen(".slice");
  const char *dash = NULL;
  for (const char *p = slice; p < slice + stem; p++)
    if (*p == '-')
      dash = p;
  if (dash == NULL)
    snprintf(buf, UNIT_NAME_MAX, "-.slice");
  else
    snprintf(buf, UNIT_NAME_MAX, "%.*s.slice", (int)(dash - slice), slice);
  return true;
}

char *expand_slice(const char *slice) {
  if (!slice_name_valid(slice))
    return NULL;
  if (strcmp(slice, "-.slice") == 0)
    return strdup("/");
  size_t stem = strlen(slice) - strlen(".slice");
  /* Each component adds "/" + the name so far + ".slice": at most stem times that. */
  size_t size = (stem + 1) * (stem + sizeof("/.slice")) + 1;
  char *path = malloc(size);
  if (path == NULL)
    return NULL;
  size_t len = 0;
  for (size_t i = 0; i <= stem; i++)
    if (i == stem || slice[i] == '-')
      len += (size_t)snprintf(path + len, size - len, "/%.*s.slice", (int)i, slice);
  return path;
}

char *unit_cgroup_path(const struct unit_names *names) {
  if (names->is_slice)
    return expand_slice(names->unit);
  _cleanup_free_ char *parent = expand_slice(names->slice);
  if (parent == NULL)
    return NULL;
  char *path = NULL;
  bool root = strcmp(parent, "/") == 0;
  if (asprintf(&path, "%s/%s", root ? "" : parent, names->unit) < 0)
    return NULL;
  return path;
}

static int invalid(char *why, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int invalid(char *why, size_t size, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, size, fmt, ap);
  va_end(ap);
  return -EINVAL;
}

#define CHARS_RULE "(systemd allows A-Z a-z 0-9 : _ . \\ - in unit names)"

/* A slice unit's place comes from its name: "a-b.slice" is always in "a.slice". */
static int name_slice_unit(struct unit_names *out, const char *slice, const char *name, char *why,
                           size_t size) {
  if (!slice_name_valid(name))
    return invalid(why, size,
                   "slice name \"%s\" is not valid: it needs \"-\" separated non-empty parts "
                   "before \".slice\" " CHARS_RULE,
                   name);
  char parent[UNIT_NAME_MAX];
  if (!slice_parent(name, parent))
    return invalid(why, size, "the root slice \"-.slice\" cannot be a container's unit");
  if (slice[0] != '\0' && strcmp(slice, parent) != 0)
    return invalid(why, size,
                   "systemd places slice \"%s\" in \"%s\" by its name, not in \"%s\" (name it "
                   "\"%.*s-...\")",
                   name, parent, slice, (int)(strlen(slice) - strlen(".slice")), slice);
  snprintf(out->slice, sizeof(out->slice), "%s", parent);
  snprintf(out->unit, sizeof(out->unit), "%s", name);
  out->is_slice = true;
  return 0;
}

static int name_scope_unit(struct unit_names *out, const char *prefix, const char *name, char *why,
                           size_t size) {
  if (!valid_chars(prefix))
    return invalid(why, size, "prefix \"%s\" has characters systemd refuses " CHARS_RULE, prefix);
  if (!valid_chars(name))
    return invalid(why, size, "name \"%s\" has characters systemd refuses " CHARS_RULE, name);
  int n = snprintf(out->unit, sizeof(out->unit), "%s-%s.scope", prefix, name);
  if (n < 0 || (size_t)n >= sizeof(out->unit))
    return invalid(why, size, "unit name \"%s-%s.scope\" is longer than systemd's %d characters",
                   prefix, name, UNIT_NAME_MAX - 1);
  return 0;
}

int parse_cgroups_path(const char *path, const char *id, bool rootless, struct unit_names *out,
                       char *why, size_t size) {
  memset(out, 0, sizeof(*out));
  const char *default_slice = rootless ? "user.slice" : "system.slice";
  if (path == NULL || path[0] == '\0')
    path = "::";
  const char *first = strchr(path, ':');
  const char *second = first != NULL ? strchr(first + 1, ':') : NULL;
  if (path[0] == '/' || first == NULL || second == NULL || strchr(second + 1, ':') != NULL)
    return invalid(why, size,
                   "cgroupsPath \"%s\" is not of the form slice:prefix:name that the systemd "
                   "cgroup driver needs (e.g. \"system.slice:berth:%s\")",
                   path, id != NULL ? id : "NAME");
  char slice[UNIT_NAME_MAX], prefix[UNIT_NAME_MAX], name[UNIT_NAME_MAX];
  if (first - path >= UNIT_NAME_MAX || second - first - 1 >= UNIT_NAME_MAX ||
      strlen(second + 1) >= UNIT_NAME_MAX)
    return invalid(why, size, "cgroupsPath \"%s\": a part is longer than systemd's %d characters",
                   path, UNIT_NAME_MAX - 1);
  snprintf(slice, sizeof(slice), "%.*s", (int)(first - path), path);
  snprintf(prefix, sizeof(prefix), "%.*s", (int)(second - first - 1), first + 1);
  snprintf(name, sizeof(name), "%s", second + 1);
  if (name[0] == '\0') {
    if (id == NULL || id[0] == '\0' || strlen(id) >= sizeof(name))
      return invalid(why, size, "cgroupsPath \"%s\" has no name and there is no container ID",
                     path);
    snprintf(name, sizeof(name), "%s", id);
  }
  if (slice[0] != '\0' && !slice_name_valid(slice))
    return invalid(why, size,
                   "slice \"%s\" is not a valid slice name: it needs \"-\" separated non-empty "
                   "parts before \".slice\" " CHARS_RULE,
                   slice);
  if (str_ends_with(name, ".slice"))
    return name_slice_unit(out, slice, name, why, size);
  snprintf(out->slice, sizeof(out->slice), "%s", slice[0] != '\0' ? slice : default_slice);
  return name_scope_unit(out, prefix[0] != '\0' ? prefix : DEFAULT_PREFIX, name, why, size);
}
