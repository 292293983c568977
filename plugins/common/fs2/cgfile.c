/* SPDX-License-Identifier: Apache-2.0 */
/* Reading and writing control files through the cgroup's directory fd. */
#include <string.h>

#include "fs2.h"
#include "helpers.h"

int fs2_read_key_at(int dirfd, const char *name, const char *key, uint64_t *out) {
  _cleanup_free_ char *buf = NULL;
  int r = cgc_read_at(dirfd, name, &buf);
  if (r < 0)
    return r;
  size_t klen = strlen(key);
  char *save = NULL;
  for (char *line = strtok_r(buf, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save))
    if (strncmp(line, key, klen) == 0 && line[klen] == ' ') {
      *out = strtoull(line + klen + 1, NULL, 10);
      return 0;
    }
  return -ENOENT;
}

int fs2_read_setting(const struct fs2_cgroup *cg, const char *name, char **out,
                     struct berth_error *err) {
  int r = cgc_read_at(cg->fd, name, out);
  if (r < 0)
    return cg_error(err, -r, "read %s in %s", name, cg->path);
  return 0;
}

int fs2_write_setting(const struct fs2_cgroup *cg, const char *name, const char *value,
                      struct berth_error *err) {
  int r = cgc_write_at(cg->fd, name, value);
  if (r == -ENOENT)
    return fs2_missing_controller(cg, name, value, err);
  if (r < 0)
    return cg_error(err, -r, "write %s=%s in %s", name, value, cg->path);
  log_debug("cgroup-v2: %s/%s=%s", cg->path, name, value);
  return 0;
}
