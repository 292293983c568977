/* SPDX-License-Identifier: Apache-2.0 */
/* The entry point and the ops of criu.so.
 *
 * Why the criu command line and not its RPC mode (`criu swrk`, what runc speaks): the RPC is
 * protobuf messages whose schema (rpc.proto) would have to be copied into the project, and
 * Debian ships no C library for it (no libcriu). The command line has every option runc's
 * flags need, is what criu documents as its interface, and keeps this plugin free of any
 * library but json-c. What the CLI cannot do is hand back a terminal's master (RPC's
 * orphan-pts-master), so a terminal container is refused on restore by the core. */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "criu.h"

#define CRIU_PLUGIN_VERSION "0.1.0"
/* The dump's stdio, as runc names and writes it, for restore's --inherit-fd. */
#define DESCRIPTORS_FILE "descriptors.json"

static int criu_check(const char *criu_path, struct berth_error *err) {
  char *argv[] = {(char *)(criu_path != NULL ? criu_path : "criu"), "check", NULL};
  return criu_run(argv, NULL, err);
}

/* What fds 0-2 of the container's init are ("pipe:[123]", "/dev/null"), into the image. */
static int write_descriptors(const struct berth_checkpoint_request *req, struct berth_error *err) {
  json_object *list = json_object_new_array();
  for (int fd = 0; fd < 3; fd++) {
    char link[64], target[PATH_MAX];
    snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)req->pid, fd);
    ssize_t n = readlink(link, target, sizeof(target) - 1);
    target[n < 0 ? 0 : n] = '\0';
    json_object_array_add(list, json_object_new_string(target));
  }
  char path[PATH_MAX];
  snprintf(path, sizeof(path), "%s/%s", req->image_path, DESCRIPTORS_FILE);
  int r = json_object_to_file_ext(path, list, JSON_C_TO_STRING_PLAIN);
  json_object_put(list);
  return r < 0 ? criu_host->error(err, errno, "write %s", path) : 0;
}

static int criu_dump(const struct berth_checkpoint_request *req, struct berth_error *err) {
  bool pre = req->flags & BERTH_CHECKPOINT_PRE_DUMP;
  int r = write_descriptors(req, err);
  if (r < 0)
    return r;
  struct criu_argv argv = {0};
  if (criu_build_argv(pre ? "pre-dump" : "dump", req, NULL, &argv) < 0)
    return criu_host->error(err, ENOMEM, "criu arguments");
  char log[PATH_MAX];
  snprintf(log, sizeof(log), "%s/%s", req->work_path, pre ? "pre-dump.log" : "dump.log");
  r = criu_run(argv.v, log, err);
  criu_argv_free(&argv);
  return r;
}

/* The stdio the dump recorded; absent or unreadable: none is inherited. */
static json_object *read_descriptors(const char *image_path) {
  char path[PATH_MAX];
  snprintf(path, sizeof(path), "%s/%s", image_path, DESCRIPTORS_FILE);
  json_object *list = json_object_from_file(path);
  if (list != NULL && !json_object_is_type(list, json_type_array)) {
    json_object_put(list);
    list = NULL;
  }
  return list;
}

static int read_pid(const char *path, int32_t *pid, struct berth_error *err) {
  FILE *f = fopen(path, "re");
  if (f == NULL)
    return criu_host->error(err, errno, "criu's pid file %s", path);
  long value = 0;
  int n = fscanf(f, "%ld", &value);
  fclose(f);
  unlink(path);
  if (n != 1 || value <= 0 || value > INT32_MAX)
    return criu_host->error(err, 0, "criu's pid file %s: no pid", path);
  *pid = (int32_t)value;
  return 0;
}

static int run_restore(const struct berth_checkpoint_request *req, const char *root, int32_t *pid,
                       struct berth_error *err) {
  char pidfile[PATH_MAX], log[PATH_MAX];
  snprintf(pidfile, sizeof(pidfile), "%s/restore.pid", req->work_path);
  snprintf(log, sizeof(log), "%s/restore.log", req->work_path);
  unlink(pidfile); /* criu creates it O_EXCL */
  json_object *stdio = read_descriptors(req->image_path);
  const char *names[3] = {NULL, NULL, NULL};
  size_t count = stdio != NULL ? json_object_array_length(stdio) : 0;
  for (size_t i = 0; i < count && i < 3; i++)
    names[i] = json_object_get_string(json_object_array_get_idx(stdio, i));
  struct criu_restore_extra extra = {
      .root = root, .pidfile = pidfile, .stdio = names, .stdio_count = count < 3 ? count : 3};
  struct criu_argv argv = {0};
  int r = criu_build_argv("restore", req, &extra, &argv);
  json_object_put(stdio);
  if (r < 0)
    return criu_host->error(err, ENOMEM, "criu arguments");
  r = criu_run(argv.v, log, err);
  criu_argv_free(&argv);
  return r < 0 ? r : read_pid(pidfile, pid, err);
}

/* CRIU restores the container's mounts beneath a root that must be a mount point of its own
 * (runc binds the rootfs likewise, on a directory of its state): a recursive bind of the
 * rootfs in the work directory, gone again once criu is done. */
static int criu_restore(const struct berth_checkpoint_request *req, int32_t *pid,
                        struct berth_error *err) {
  char root[PATH_MAX];
  snprintf(root, sizeof(root), "%s/criu-root.XXXXXX", req->work_path);
  if (mkdtemp(root) == NULL)
    return criu_host->error(err, errno, "mkdtemp %s", root);
  int r;
  if (mount(req->rootfs, root, NULL, MS_BIND | MS_REC, NULL) < 0) {
    r = criu_host->error(err, errno, "bind %s on %s", req->rootfs, root);
  } else {
    r = run_restore(req, root, pid, err);
    umount2(root, MNT_DETACH);
  }
  rmdir(root);
  return r;
}

static const struct berth_checkpoint_ops criu_ops = {
    .struct_size = sizeof(struct berth_checkpoint_ops),
    .check = criu_check,
    .dump = criu_dump,
    .restore = criu_restore,
};

static const struct berth_plugin criu_plugin = {
    .magic = BERTH_PLUGIN_MAGIC,
    .abi_major = BERTH_ABI_MAJOR,
    .abi_minor = BERTH_ABI_MINOR,
    .struct_size = sizeof(struct berth_plugin),
    .kind = BERTH_PLUGIN_KIND_CHECKPOINT,
    .name = "criu",
    .version = CRIU_PLUGIN_VERSION,
    .requires = BERTH_HOST_FEATURES_1_0,
    .checkpoint = &criu_ops,
};

/* Accepts every host: whether criu works here is the check op's to say, with its reason, when
 * a command needs it. A host of ABI before 1.6 would never call the ops. */
BERTH_PLUGIN_EXPORT const struct berth_plugin *
berth_plugin_entry(const struct berth_host_api *host) {
  if (host == NULL || host->abi_major != BERTH_ABI_MAJOR ||
      host->struct_size < offsetof(struct berth_host_api, log) + sizeof(host->log) ||
      host->error == NULL || host->log == NULL)
    return NULL;
  criu_host = host;
  return &criu_plugin;
}
