/* SPDX-License-Identifier: Apache-2.0 */
/* Reading and writing a hierarchy's control files, with messages naming file, value and
 * cgroup directory. */
#include <inttypes.h>
#include <string.h>

#include "fs1.h"
#include "helpers.h"

int fs1_read_setting(const struct cgroup_dir *d, const char *name, char **out,
                     struct berth_error *err) {
  int r = cgc_read_at(d->fd, name, out);
  if (r < 0)
    return cg_error(err, -r, "read %s in %s", name, d->path);
  return 0;
}

int fs1_read_u64_setting(const struct cgroup_dir *d, const char *name, uint64_t *out,
                         struct berth_error *err) {
  _cleanup_free_ char *buf = NULL;
  int r = fs1_read_setting(d, name, &buf, err);
  if (r < 0)
    return r;
  char *value = cgc_trim(buf), *end = NULL;
  if (strcmp(value, "max") == 0) {
    *out = UINT64_MAX;
    return 0;
  }
  errno = 0;
  *out = strtoull(value, &end, 10);
  if (errno != 0 || end == value || *end != '\0' || value[0] == '-')
    return cg_error(err, EINVAL, "read %s in %s: not a number: \"%s\"", name, d->path, value);
  return 0;
}

int fs1_write_entry(const struct cgroup_dir *d, const char *name, const char *value,
                    struct berth_error *err) {
  int r = cgc_write_at(d->fd, name, value);
  if (r < 0)
    return cg_error(err, -r, "write %s=%s in %s", name, value, d->path);
  log_debug("cgroup-v1: %s/%s=%s", d->path, name, value);
  return 0;
}

int fs1_write_setting(const struct cgroup_dir *d, const char *name, const char *value,
                      struct berth_error *err) {
  _cleanup_free_ char *current = NULL;
  if (cgc_read_at(d->fd, name, &current) == 0 && strcmp(cgc_trim(current), value) == 0)
    return 0;
  return fs1_write_entry(d, name, value, err);
}
