/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A vendor's cgroup driver, built as cgroup-foo.so and never installed: the integration test
 * drops it into a plugin directory and runs a container with --cgroup-driver=foo, which the
 * core knows nothing of. Small but real: it makes one cgroup2 directory per container
 * (berth-foo-ID at the root of the host's cgroup2 mount: /sys/fs/cgroup on a unified host,
 * /sys/fs/cgroup/unified on a hybrid one), moves the container's processes into it, lists,
 * freezes and removes it. It applies no resources (it has no controllers to write to).
 *
 * Built a second time as cgroup-crashfoo.so (FOO_CRASH_IN_CREATE), a vendor's bug for
 * tests/integration/plugin_crash.bats: its create op crashes, in its own code (a store to a
 * bad address) or, with CRASHFOO_IN=libc in the environment, in libc called with NULL.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <berth/plugin.h>

static const struct berth_host_api *host;

struct berth_cgroup {
  char path[4096];
};

static const char *cgroup2_root(void) {
  static const char *const candidates[] = {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"};
  for (size_t i = 0; i < 2; i++) {
    struct statfs st;
    if (statfs(candidates[i], &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC)
      return candidates[i];
  }
  return NULL;
}

static int32_t write_file(const struct berth_cgroup *cg, const char *file, const char *text,
                          struct berth_error *err) {
  char path[4200];
  snprintf(path, sizeof(path), "%s/%s", cg->path, file);
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return host->error(err, errno, "cgroup-foo: open %s", path);
  ssize_t n = write(fd, text, strlen(text));
  int saved = errno;
  close(fd);
  return n < 0 ? host->error(err, saved, "cgroup-foo: write %s to %s", text, path) : 0;
}

static int32_t read_file(const struct berth_cgroup *cg, const char *file, char *buf, size_t size,
                         struct berth_error *err) {
  char path[4200];
  snprintf(path, sizeof(path), "%s/%s", cg->path, file);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return host->error(err, errno, "cgroup-foo: open %s", path);
  ssize_t n = read(fd, buf, size - 1);
  int saved = errno;
  close(fd);
  if (n < 0)
    return host->error(err, saved, "cgroup-foo: read %s", path);
  buf[n] = '\0';
  return 0;
}

#ifndef FOO_NAME
#define FOO_NAME "cgroup-foo"
#endif

static int32_t foo_create(const struct berth_cgroup_request *req, struct berth_cgroup **out,
                          struct berth_error *err) {
#ifdef FOO_CRASH_IN_CREATE
  const char *in = getenv("CRASHFOO_IN");
  /* Through volatile pointers: the compiler must not see the bug and drop it. Not NULL for the
   * store: UBSan (the asan variant) would catch a NULL store and exit instead. */
  const char *volatile nothing = NULL;
  volatile int *volatile nowhere = (volatile int *)16;
  /* Called through a pointer, which drops strlen's nonnull attribute: UBSan would stop at the
   * call instead of letting libc fault. */
  size_t (*volatile length)(const char *) = strlen;
  if (in != NULL && strcmp(in, "libc") == 0)
    return (int32_t)length(nothing);
  *nowhere = 1;
#endif
  const char *root = cgroup2_root();
  if (root == NULL)
    return host->error(err, ENOENT, "cgroup-foo: no cgroup2 mount");
  struct berth_cgroup *cg = calloc(1, sizeof(*cg));
  if (cg == NULL)
    return host->error(err, ENOMEM, "cgroup-foo");
  snprintf(cg->path, sizeof(cg->path), "%s/berth-foo-%s", root, req->container_id);
  if (mkdir(cg->path, 0755) < 0 && errno != EEXIST) {
    int32_t r = host->error(err, errno, "cgroup-foo: mkdir %s", cg->path);
    free(cg);
    return r;
  }
  *out = cg;
  return 0;
}

static int32_t foo_load(const char *state_json, struct berth_cgroup **out,
                        struct berth_error *err) {
  struct berth_cgroup *cg = calloc(1, sizeof(*cg));
  if (cg == NULL)
    return host->error(err, ENOMEM, "cgroup-foo");
  if (sscanf(state_json, "{\"path\":\"%4095[^\"]\"}", cg->path) != 1) {
    free(cg);
    return host->error(err, 0, "cgroup-foo: bad saved state %s", state_json);
  }
  *out = cg;
  return 0;
}

static int32_t foo_save(struct berth_cgroup *cg, char **state_json, struct berth_error *err) {
  if (asprintf(state_json, "{\"path\":\"%s\"}", cg->path) < 0)
    return host->error(err, ENOMEM, "cgroup-foo");
  return 0;
}

static int32_t foo_enter(struct berth_cgroup *cg, int32_t pid, struct berth_error *err) {
  char text[32];
  snprintf(text, sizeof(text), "%d", pid);
  return write_file(cg, "cgroup.procs", text, err);
}

static int32_t foo_apply(struct berth_cgroup *cg, const char *resources_json,
                         struct berth_error *err) {
  (void)cg, (void)resources_json, (void)err;
  return 0;
}

static int32_t foo_freeze(struct berth_cgroup *cg, int32_t frozen, struct berth_error *err) {
  return write_file(cg, "cgroup.freeze", frozen ? "1" : "0", err);
}

static int32_t foo_is_frozen(struct berth_cgroup *cg, int32_t *frozen, struct berth_error *err) {
  char buf[16];
  int32_t r = read_file(cg, "cgroup.freeze", buf, sizeof(buf), err);
  *frozen = r == 0 && buf[0] == '1';
  return r;
}

static int32_t foo_get_pids(struct berth_cgroup *cg, berth_pid_fn fn, void *data,
                            struct berth_error *err) {
  char buf[65536];
  int32_t r = read_file(cg, "cgroup.procs", buf, sizeof(buf), err);
  for (char *line = strtok(buf, "\n"); r == 0 && line != NULL; line = strtok(NULL, "\n"))
    r = fn(atoi(line), data);
  return r < 0 ? r : 0;
}

static int32_t foo_destroy(struct berth_cgroup *cg, struct berth_error *err) {
  if (rmdir(cg->path) < 0 && errno != ENOENT)
    return host->error(err, errno, "cgroup-foo: rmdir %s", cg->path);
  return 0;
}

static void foo_release(struct berth_cgroup *cg) {
  free(cg);
}

static int32_t foo_cgroup_fd(struct berth_cgroup *cg) {
  (void)cg;
  return -1;
}

static const struct berth_cgroup_ops foo_ops = {
    .struct_size = sizeof(struct berth_cgroup_ops),
    .create = foo_create,
    .load = foo_load,
    .save = foo_save,
    .enter = foo_enter,
    .apply = foo_apply,
    .freeze = foo_freeze,
    .is_frozen = foo_is_frozen,
    .get_pids = foo_get_pids,
    .destroy = foo_destroy,
    .release = foo_release,
    .cgroup_fd = foo_cgroup_fd,
};

/* No BERTH_CGROUP_CAP_AUTO: only a container that names it gets it. */
static const struct berth_plugin foo_plugin = {
    .magic = BERTH_PLUGIN_MAGIC,
    .abi_major = BERTH_ABI_MAJOR,
    .abi_minor = BERTH_ABI_MINOR,
    .struct_size = sizeof(struct berth_plugin),
    .kind = BERTH_PLUGIN_KIND_CGROUP,
    .name = FOO_NAME,
    .version = "1.0.0-vendor",
    .capabilities = BERTH_CGROUP_CAP_FREEZE | BERTH_CGROUP_CAP_UNIFIED,
    .requires = BERTH_HOST_FEATURES_1_0,
    .cgroup = &foo_ops,
};

BERTH_PLUGIN_EXPORT const struct berth_plugin *berth_plugin_entry(const struct berth_host_api *h) {
  if (h == NULL || h->abi_major != BERTH_ABI_MAJOR || h->error == NULL || h->log == NULL)
    return NULL;
  host = h;
  if (cgroup2_root() == NULL) {
    h->log(BERTH_LOG_INFO, "cgroup-foo: no cgroup2 mount at /sys/fs/cgroup or its unified/");
    return NULL;
  }
  return &foo_plugin;
}
