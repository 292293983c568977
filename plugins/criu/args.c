/* SPDX-License-Identifier: Apache-2.0 */
/* criu's command line from a request: a pure function, tested on its own. */
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "criu.h"

void criu_argv_free(struct criu_argv *a) {
  for (size_t i = 0; i < a->n; i++)
    free(a->v[i]);
  free(a->v);
  a->v = NULL;
  a->n = a->cap = 0;
}

static int add(struct criu_argv *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int add(struct criu_argv *a, const char *fmt, ...) {
  if (a->n + 2 > a->cap) {
    size_t cap = a->cap ? a->cap * 2 : 32;
    char **v = realloc(a->v, cap * sizeof(*v));
    if (v == NULL)
      return -ENOMEM;
    a->v = v;
    a->cap = cap;
  }
  va_list ap;
  va_start(ap, fmt);
  int r = vasprintf(&a->v[a->n], fmt, ap);
  va_end(ap);
  if (r < 0)
    return -ENOMEM;
  a->v[++a->n] = NULL;
  return 0;
}

static const char *cgroups_mode(uint32_t mode) {
  static const char *const names[] = {NULL, "soft", "full", "strict", "ignore"};
  return mode < sizeof(names) / sizeof(names[0]) ? names[mode] : NULL;
}

/* The flags a dump and a restore share (runc sets the same in both requests). */
static int add_common(struct criu_argv *a, const struct berth_checkpoint_request *req) {
  static const struct {
    uint32_t flag;
    const char *option;
  } flags[] = {{BERTH_CHECKPOINT_TCP_ESTABLISHED, "--tcp-established"},
               {BERTH_CHECKPOINT_EXT_UNIX_SK, "--ext-unix-sk"},
               {BERTH_CHECKPOINT_SHELL_JOB, "--shell-job"},
               {BERTH_CHECKPOINT_FILE_LOCKS, "--file-locks"},
               {BERTH_CHECKPOINT_AUTO_DEDUP, "--auto-dedup"},
               {BERTH_CHECKPOINT_LAZY_PAGES, "--lazy-pages"}};
  int r = 0;
  for (size_t i = 0; r == 0 && i < sizeof(flags) / sizeof(flags[0]); i++)
    if (req->flags & flags[i].flag)
      r = add(a, "%s", flags[i].option);
  const char *mode = cgroups_mode(req->manage_cgroups_mode);
  if (r == 0)
    r = mode != NULL ? add(a, "--manage-cgroups=%s", mode) : add(a, "--manage-cgroups");
  return r;
}

/* External bind mounts as runc declares them: at dump, the mount at DEST is named DEST in the
 * image; at restore, the mount named DEST is bound from SOURCE. Masked files are /dev/null. */
static int add_mounts(struct criu_argv *a, const struct berth_checkpoint_request *req,
                      bool restore) {
  int r = 0;
  for (size_t i = 0; r == 0 && req->external_mounts != NULL && req->external_mounts[i] != NULL &&
                     req->external_mounts[i + 1] != NULL;
       i += 2) {
    const char *dest = req->external_mounts[i];
    r = add(a, "--ext-mount-map");
    if (r == 0)
      r = add(a, "%s:%s", dest, restore ? req->external_mounts[i + 1] : dest);
  }
  bool masked = false;
  for (size_t i = 0; r == 0 && req->masked_files != NULL && req->masked_files[i] != NULL; i++) {
    masked = true;
    if (!restore && (r = add(a, "--ext-mount-map")) == 0)
      r = add(a, "%s:/dev/null", req->masked_files[i]);
  }
  if (r == 0 && restore && masked && (r = add(a, "--ext-mount-map")) == 0)
    r = add(a, "/dev/null:/dev/null");
  return r;
}

static int add_dump(struct criu_argv *a, const struct berth_checkpoint_request *req) {
  int r = add(a, "--tree");
  if (r == 0)
    r = add(a, "%d", (int)req->pid);
  /* A pre-dump, and a dump after one, track memory changes (runc's TrackMem). */
  if (r == 0 && ((req->flags & BERTH_CHECKPOINT_PRE_DUMP) || req->parent_path != NULL))
    r = add(a, "--track-mem");
  if (r == 0 && req->parent_path != NULL && (r = add(a, "--prev-images-dir")) == 0)
    r = add(a, "%s", req->parent_path);
  if (r == 0 && (req->flags & BERTH_CHECKPOINT_LEAVE_RUNNING) &&
      !(req->flags & BERTH_CHECKPOINT_PRE_DUMP))
    r = add(a, "--leave-running");
  if (r == 0 && (req->flags & BERTH_CHECKPOINT_LAZY_PAGES) && req->status_fd >= 0 &&
      (r = add(a, "--status-fd")) == 0)
    r = add(a, "%d", (int)req->status_fd);
  return r;
}

static int add_restore(struct criu_argv *a, const struct berth_checkpoint_request *req,
                       const struct criu_restore_extra *extra) {
  /* Detached, as a sibling of criu: the restored process is the caller's child until the
   * caller exits, then its subreaper's (runc's RstSibling). */
  int r = add(a, "--restore-detached");
  if (r == 0)
    r = add(a, "--restore-sibling");
  if (r == 0)
    r = add(a, "--evasive-devices");
  if (r == 0 && (r = add(a, "--pidfile")) == 0)
    r = add(a, "%s", extra->pidfile);
  if (r == 0 && (req->empty_ns & CLONE_NEWNET) && (r = add(a, "--empty-ns")) == 0)
    r = add(a, "net");
  /* The container's stdio pipes are the caller's now (runc: InheritFd for each "pipe:"). */
  for (size_t i = 0; r == 0 && i < extra->stdio_count && i < 3; i++)
    if (extra->stdio[i] != NULL && strncmp(extra->stdio[i], "pipe:", 5) == 0 &&
        (r = add(a, "--inherit-fd")) == 0)
      r = add(a, "fd[%zu]:%s", i, extra->stdio[i]);
  return r;
}

int criu_build_argv(const char *action, const struct berth_checkpoint_request *req,
                    const struct criu_restore_extra *extra, struct criu_argv *out) {
  bool restore = strcmp(action, "restore") == 0;
  const char *root = restore ? extra->root : req->rootfs;
  int r = add(out, "%s", req->criu_path != NULL ? req->criu_path : "criu");
  if (r == 0)
    r = add(out, "%s", action);
  if (r == 0 && (r = add(out, "--images-dir")) == 0)
    r = add(out, "%s", req->image_path);
  if (r == 0 && (r = add(out, "--work-dir")) == 0)
    r = add(out, "%s", req->work_path);
  if (r == 0 && (r = add(out, "--log-file")) == 0)
    r = add(out, "%s",
            restore                       ? "restore.log"
            : strcmp(action, "dump") == 0 ? "dump.log"
                                          : "pre-dump.log");
  if (r == 0)
    r = add(out, "-v4");
  if (r == 0 && (r = add(out, "--root")) == 0)
    r = add(out, "%s", root);
  if (r == 0)
    r = add_common(out, req);
  if (r == 0)
    r = add_mounts(out, req, restore);
  if (r == 0)
    r = restore ? add_restore(out, req, extra) : add_dump(out, req);
  if (r < 0)
    criu_argv_free(out);
  return r;
}
