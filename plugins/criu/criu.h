/* SPDX-License-Identifier: Apache-2.0 */
/* criu.so: checkpoint and restore with the criu command line (see plugin.c for why the CLI). */
#ifndef BERTH_CRIU_H
#define BERTH_CRIU_H

#include <stdbool.h>
#include <stddef.h>

#include <berth/plugin.h>

extern const struct berth_host_api *criu_host;

/* An argv being built: malloc()ed strings, NULL-terminated. */
struct criu_argv {
  char **v;
  size_t n, cap;
};
void criu_argv_free(struct criu_argv *a);

/* What a restore adds that the request does not say. */
struct criu_restore_extra {
  const char *root;    /* where the container's root is bound for CRIU */
  const char *pidfile; /* where CRIU writes the restored pid */
  /* The dump's stdio (descriptors.json): entries naming a pipe ("pipe:[123]") are replaced by
   * CRIU's own fd of that number; NULL or fewer than 3 entries. */
  const char *const *stdio;
  size_t stdio_count;
};

/* criu's command line for one request, runc's options spelled as criu's CLI spells them:
 * action is "dump", "pre-dump" or "restore" (then extra is set). 0, or -ENOMEM. */
int criu_build_argv(const char *action, const struct berth_checkpoint_request *req,
                    const struct criu_restore_extra *extra, struct criu_argv *out);

/* Run argv (argv[0] looked up in PATH when it has no '/'), stdin/stdout/stderr kept, and wait.
 * On a failure, one line: the first "Error" line of log_path (or of its output, when
 * log_path is NULL), else the exit status. */
int criu_run(char *const *argv, const char *log_path, struct berth_error *err);

#endif
