/* SPDX-License-Identifier: Apache-2.0 */
/* The runc-compatible command line: one file per command, each only parses its flags and
 * calls the core. */
#ifndef BERTH_CLI_H
#define BERTH_CLI_H

#include <stdbool.h>

#include "cleanup.h"
#include "error.h"
#include "state.h"

struct berth_globals {
  const char *root;
  const char *log_path;
  const char *log_format;
  const char *cgroup_driver;
  bool systemd_cgroup;
  bool debug;
  bool rootless;
  bool rootless_set; /* --rootless true|false, not auto */
  bool root_set;     /* --root given */
};

/* Each returns the process exit status. */
typedef int (*berth_command_fn)(struct berth_globals *g, int argc, char **argv);

int cmd_create(struct berth_globals *g, int argc, char **argv);
int cmd_start(struct berth_globals *g, int argc, char **argv);
int cmd_run(struct berth_globals *g, int argc, char **argv);
int cmd_state(struct berth_globals *g, int argc, char **argv);
int cmd_kill(struct berth_globals *g, int argc, char **argv);
int cmd_delete(struct berth_globals *g, int argc, char **argv);
int cmd_list(struct berth_globals *g, int argc, char **argv);
int cmd_spec(struct berth_globals *g, int argc, char **argv);
int cmd_pause(struct berth_globals *g, int argc, char **argv);
int cmd_resume(struct berth_globals *g, int argc, char **argv);
int cmd_ps(struct berth_globals *g, int argc, char **argv);
int cmd_exec(struct berth_globals *g, int argc, char **argv);
int cmd_update(struct berth_globals *g, int argc, char **argv);
int cmd_features(struct berth_globals *g, int argc, char **argv);
int cmd_events(struct berth_globals *g, int argc, char **argv);
int cmd_check(struct berth_globals *g, int argc, char **argv);

struct berth_create_options;
/* The flags create and run share (run adds -d and --keep). */
struct create_flags {
  bool detach;
  bool keep;
};
int cli_parse_create(struct berth_globals *g, int argc, char **argv, bool run,
                     struct berth_create_options *o, struct create_flags *f);

/* Print "berth: MSG" (and log it) and return 1. */
int cli_fail(struct berth_error *err);
/* printf-style usage error; returns 1. */
int cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Exactly one positional ID after the flags, else a usage error (returns NULL). */
const char *cli_one_id(int argc, char **argv, const char *command);

/* A count of fds from 3 up (--preserve-fds, LISTEN_FDS): 0 up to the fd limit minus 3. */
int cli_parse_fd_count(const char *what, const char *text, int *out, struct berth_error *err);
/* LISTEN_FDS when LISTEN_PID names this process, else 0; garbage in either is an error. */
int cli_listen_fds(int *out, struct berth_error *err);

/* Open --root and load container ID; errors already in err. For readers (state, ps, list,
 * events): no lock. */
int cli_load(struct berth_globals *g, const char *id, int *root_fd, struct berth_container **c,
             struct berth_error *err);
/* The same for a command that changes the container: holds its lock while *c lives. */
int cli_load_locked(struct berth_globals *g, const char *id, int *root_fd,
                    struct berth_container **c, struct berth_error *err);

#endif
