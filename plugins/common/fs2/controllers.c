/* SPDX-License-Identifier: Apache-2.0 */
/* Controllers: enabling them down the tree at create, and saying which one is missing when
 * a control file is. */
#include <string.h>

#include "fs2.h"
#include "helpers.h"

/* What runc enables below the root, in its order; only those in cgroup.controllers. */
static const char *const wanted[] = {"cpu",    "io",      "memory", "pids",
                                     "cpuset", "hugetlb", "rdma",   "misc"};
#define N_WANTED (sizeof(wanted) / sizeof(wanted[0]))

bool fs2_has_word(const char *list, const char *name) {
  size_t len = strlen(name);
  for (const char *p = list; p != NULL && *p != '\0';) {
    p += strspn(p, " \t\n");
    size_t n = strcspn(p, " \t\n");
    if (n == len && strncmp(p, name, len) == 0)
      return true;
    p += n;
  }
  return false;
}

int fs2_missing_controller(const struct fs2_cgroup *cg, const char *file, const char *value,
                           struct berth_error *err) {
  char controller[32];
  size_t n = strcspn(file, ".");
  snprintf(controller, sizeof(controller), "%.*s", (int)(n < sizeof(controller) ? n : 0), file);
  _cleanup_free_ char *available = NULL;
  if (file[n] == '.' && strcmp(controller, "cgroup") != 0 &&
      cgc_read_at(cg->fd, "cgroup.controllers", &available) == 0 &&
      !fs2_has_word(available, controller))
    return cg_error(err, ENOENT,
                    "cannot set %s=%s in %s: the %s controller is not enabled there "
                    "(cgroup.controllers: \"%s\")",
                    file, value, cg->path, controller, cgc_trim(available));
  return cg_error(err, ENOENT, "write %s=%s in %s", file, value, cg->path);
}

/* "+cpu +io ..." for what the parent offers and does not delegate yet. */
static void missing_in_subtree(const char *available, const char *enabled, char *out, size_t size) {
  size_t len = 0;
  out[0] = '\0';
  for (size_t i = 0; i < N_WANTED; i++)
    if (fs2_has_word(available, wanted[i]) && !fs2_has_word(enabled, wanted[i]) && len < size)
      len += (size_t)snprintf(out + len, size - len, "%s+%s", len > 0 ? " " : "", wanted[i]);
}

/* Errors are not fatal here, as in runc: a controller that cannot be enabled (a parent
 * with processes in it, no delegation) fails later, at the write that needs it. */
static void enable_in(int parentfd, const char *path) {
  _cleanup_free_ char *available = NULL, *enabled = NULL;
  if (cgc_read_at(parentfd, "cgroup.controllers", &available) < 0 ||
      cgc_read_at(parentfd, "cgroup.subtree_control", &enabled) < 0)
    return;
  char missing[128];
  missing_in_subtree(available, enabled, missing, sizeof(missing));
  if (missing[0] == '\0' || cgc_write_at(parentfd, "cgroup.subtree_control", missing) == 0)
    return;
  /* All at once failed: one by one, so that one refusal does not cost the others. */
  char *save = NULL;
  for (char *c = strtok_r(missing, " ", &save); c != NULL; c = strtok_r(NULL, " ", &save)) {
    int r = cgc_write_at(parentfd, "cgroup.subtree_control", c);
    if (r < 0)
      log_debug("cgroup-v2: cannot enable %s for the children of the parent of %s: %s", c + 1, path,
                strerror(-r));
  }
}

/* A cgroup below one with processes, or in a threaded subtree, cannot take domain
 * controllers (memory, io, cpu, hugetlb); thread-aware ones still work in threaded mode. */
static int check_type(int fd, const char *path, bool domain, struct cgc_failure *f) {
  _cleanup_free_ char *buf = NULL;
  if (cgc_read_at(fd, "cgroup.type", &buf) < 0)
    return 0; /* the root has none */
  const char *type = cgc_trim(buf);
  if (strcmp(type, "domain invalid") == 0) {
    if (domain)
      return cgc_set_failure(f, EBUSY,
                             "cannot use cgroup %s with domain controllers: it is in an invalid "
                             "state (\"domain invalid\": its parent holds processes)",
                             path);
    int r = cgc_write_at(fd, "cgroup.type", "threaded");
    if (r < 0)
      log_debug("cgroup-v2: make %s threaded: %s", path, strerror(-r));
  } else if (domain && (strcmp(type, "threaded") == 0 || strcmp(type, "domain threaded") == 0)) {
    return cgc_set_failure(f, EBUSY, "cannot use cgroup %s with domain controllers: it is %s", path,
                           type);
  }
  return 0;
}

int fs2_enable_controllers(int parentfd, int fd, const char *path, bool leaf, void *data,
                           struct cgc_failure *f) {
  const struct enable_request *req = data;
  (void)leaf;
  enable_in(parentfd, path);
  return check_type(fd, path, req->domain, f);
}
