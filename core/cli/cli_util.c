/* SPDX-License-Identifier: Apache-2.0 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cli.h"
#include "log.h"
#include "parse.h"

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

/* fds 3.. handed on must exist below the fd limit; the cap keeps LISTEN_FDS plus
 * --preserve-fds within an int. */
int cli_parse_fd_count(const char *what, const char *text, int *out, struct berth_error *err) {
  struct rlimit rl = {.rlim_cur = 1024};
  getrlimit(RLIMIT_NOFILE, &rl);
  int64_t max = rl.rlim_cur > (1 << 30) ? (1 << 30) : (int64_t)rl.rlim_cur, n;
  int r = berth_parse_int_named(what, text, 0, max - 3, &n, err);
  if (r == 0)
    *out = (int)n;
  return r;
}

/* systemd's socket activation (sd_listen_fds): LISTEN_FDS counts only when LISTEN_PID is us. */
int cli_listen_fds(int *out, struct berth_error *err) {
  const char *pid_text = getenv("LISTEN_PID"), *fds_text = getenv("LISTEN_FDS");
  int64_t pid;
  *out = 0;
  if (pid_text == NULL || fds_text == NULL)
    return 0;
  int r = berth_parse_int_named("LISTEN_PID", pid_text, 1, INT32_MAX, &pid, err);
  if (r < 0 || pid != getpid())
    return r;
  return cli_parse_fd_count("LISTEN_FDS", fds_text, out, err);
}
