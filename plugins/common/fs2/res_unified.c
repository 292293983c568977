/* SPDX-License-Identifier: Apache-2.0 */
/* linux.resources.unified: {"memory.high": "1G", "memory.oom.group": "1", ...} written
 * verbatim, after everything else, so that it can override what the OCI fields set. A key
 * is a file name in the container's cgroup and nothing else: no '/', no "." or "..". */
#include <string.h>

#include "fs2.h"
#include "helpers.h"

static bool valid_key(const char *key) {
  return key[0] != '\0' && strchr(key, '/') == NULL && strcmp(key, ".") != 0 &&
         strcmp(key, "..") != 0;
}

/* Multi-line values (io.max for several devices) take one write per line, as runc's
 * WriteFileByLine: the kernel parses a single line per write(). */
static int write_lines(const struct fs2_cgroup *cg, const char *key, const char *value,
                       struct berth_error *err) {
  if (strchr(value, '\n') == NULL)
    return fs2_write_setting(cg, key, value, err);
  _cleanup_free_ char *copy = strdup(value);
  if (copy == NULL)
    return cg_error(err, ENOMEM, "linux.resources.unified.%s", key);
  char *save = NULL;
  for (char *line = strtok_r(copy, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
    int r = fs2_write_setting(cg, key, line, err);
    if (r < 0)
      return r;
  }
  return 0;
}

int fs2_apply_unified(struct fs2_cgroup *cg, json_object *unified, struct berth_error *err) {
  if (unified == NULL)
    return 0;
  /* Check every key before the first write. */
  json_object_object_foreach(unified, key, value) {
    if (!valid_key(key))
      return cg_error(err, EINVAL,
                      "linux.resources.unified: \"%s\" is not a file name in the cgroup", key);
    if (!json_object_is_type(value, json_type_string))
      return cg_error(err, EINVAL, "linux.resources.unified.%s: expected a string", key);
  }
  json_object_object_foreach(unified, name, text) {
    int r = write_lines(cg, name, json_object_get_string(text), err);
    if (r < 0)
      return r;
  }
  return 0;
}
