/* SPDX-License-Identifier: Apache-2.0 */
/* The runc-compatible command line: one file per command, each only parses its flags and
 * calls the core. */
#ifndef BERTH_CLI_H
#define BERTH_CLI_H

#include <getopt.h>
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
  bool rootless_set;     /* --rootless true|false, not auto */
  bool root_set;         /* --root given */
  const char *criu_path; /* --criu, or NULL */
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
int cmd_help(struct berth_globals *g, int argc, char **argv);
int cmd_checkpoint(struct berth_globals *g, int argc, char **argv);
int cmd_restore(struct berth_globals *g, int argc, char **argv);

/* What each command accepts, for its own parsing and for cli_check_options ("+": options end
 * at the first argument, as runc's exec and ps have it). */
#define CLI_CREATE_SHORTOPTS "b:"
#define CLI_RUN_SHORTOPTS "b:d"
#define CLI_EXEC_SHORTOPTS "+p:tdu:e:g:c:"
#define CLI_KILL_SHORTOPTS "a"
#define CLI_DELETE_SHORTOPTS "f"
#define CLI_LIST_SHORTOPTS "qf:"
#define CLI_PS_SHORTOPTS "+f:"
#define CLI_UPDATE_SHORTOPTS "r:"
#define CLI_SPEC_SHORTOPTS "b:"
#define CLI_CHECK_SHORTOPTS "f:"
#define CLI_RESTORE_SHORTOPTS "b:d"
extern const struct option cli_global_options[];
extern const struct option cli_create_options[];
extern const struct option cli_run_options[];
extern const struct option cli_exec_options[];
extern const struct option cli_kill_options[];
extern const struct option cli_delete_options[];
extern const struct option cli_list_options[];
extern const struct option cli_ps_options[];
extern const struct option cli_spec_options[];
extern const struct option cli_events_options[];
extern const struct option cli_checkcmd_options[];
extern const struct option cli_checkpoint_options[];
extern const struct option cli_restore_options[];

/* The long options checkpoint and restore share (runc's CRIU flags), by getopt value. */
enum {
  CLI_CRIU_IMAGE = 256,
  CLI_CRIU_WORK,
  CLI_CRIU_PARENT,
  CLI_CRIU_LEAVE_RUNNING,
  CLI_CRIU_TCP,
  CLI_CRIU_EXT_UNIX,
  CLI_CRIU_SHELL_JOB,
  CLI_CRIU_FILE_LOCKS,
  CLI_CRIU_PRE_DUMP,
  CLI_CRIU_CGROUPS_MODE,
  CLI_CRIU_EMPTY_NS,
  CLI_CRIU_AUTO_DEDUP,
  CLI_CRIU_LAZY_PAGES,
  CLI_CRIU_STATUS_FD,
  CLI_CRIU_PAGE_SERVER,
};
struct berth_checkpoint_options;
/* Apply one of the shared flags: 0 done, 1 when c is not one of them, -1 after a usage error. */
int cli_checkpoint_flag(int c, struct berth_checkpoint_options *o);
/* update's are made from its table of runc's resource flags. */
const struct option *cli_update_options(void);

/* The text of one option in its command's usage (the option itself comes from getopt's table). */
struct cli_option_doc {
  const char *name;
  const char *text;
};

/* One entry per command (usage.c): main dispatches through it, and its usage is printed for
 * -h/--help from it. A command without an entry cannot be run, and one without a summary or
 * with an undocumented option shows "(undocumented)" in its usage, which the tests refuse. */
struct cli_command {
  const char *name;
  berth_command_fn fn;
  const char *shortopts;                 /* as the command passes them to getopt_long */
  const struct option *longopts;         /* NULL: no options */
  const struct option *(*options)(void); /* instead of longopts, when they are made */
  int usage_status;                      /* exit status of a usage error (exec: 255, runc's) */
  const char *summary;                   /* runc's one-line description */
  const char *arguments;                 /* after "berth NAME" on the USAGE line */
  const char *description;
  const struct cli_option_doc *docs;
};

extern const struct cli_command cli_commands[];
const struct cli_command *cli_command_find(const char *name);
/* berth's own usage (berth --help), and one command's. */
void cli_print_usage(void);
void cli_print_command_usage(const struct cli_command *cmd);
/* Before the command parses ARGV (ARGV[0] its name): -h/--help prints its usage, an unknown
 * option or one without its argument is a one-line usage error. Returns -1 when the command
 * may go on, else the exit status. */
int cli_check_options(const struct cli_command *cmd, int argc, char **argv);
/* The same one line for an option berth's own parser refuses. */
int cli_option_error(const char *command, int c, char **argv, int status);

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
