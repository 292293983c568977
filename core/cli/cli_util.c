/* SPDX-License-Identifier: Apache-2.0 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>

#include "cli.h"
#include "log.h"

int cli_fail(struct berth_error *err) {
  berth_log_fatal(err->msg != NULL ? err->msg : "unknown error");
  return 1;
}

int cli_usage(const char *fmt, ...) {
  char *msg = NULL;
  va_list ap;
  va_start(ap, fmt);
  int n = vasprintf(&msg, fmt, ap);
  va_end(ap);
  berth_log_fatal(n >= 0 ? msg : "usage error");
  free(msg);
  return 1;
}

const char *cli_one_id(int argc, char **argv, const char *command) {
  if (optind != argc - 1) {
    cli_usage("%s: expected exactly one container id (got %d arguments)", command, argc - optind);
    return NULL;
  }
  return argv[optind];
}

static int open_root(struct berth_globals *g, const char *id, int *root_fd,
                     struct berth_error *err) {
  *root_fd = berth_root_open(g->root, false, err);
  if (*root_fd == -ENOENT)
    return berth_container_not_found(err, id);
  return *root_fd < 0 ? *root_fd : 0;
}

int cli_load(struct berth_globals *g, const char *id, int *root_fd, struct berth_container **c,
             struct berth_error *err) {
  int r = open_root(g, id, root_fd, err);
  return r < 0 ? r : berth_container_load(*root_fd, id, c, err);
}

int cli_load_locked(struct berth_globals *g, const char *id, int *root_fd,
                    struct berth_container **c, struct berth_error *err) {
  int r = open_root(g, id, root_fd, err);
  return r < 0 ? r : berth_container_load_locked(*root_fd, id, c, err);
}
