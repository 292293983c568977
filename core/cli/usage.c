/* SPDX-License-Identifier: Apache-2.0 */
/* The command table, each command's usage in runc's words (engines and scripts read runc's
 * "USAGE:" lines), and the one check of options that answers -h/--help and names an unknown
 * option before any command parses its arguments. The OPTIONS lists are made from the
 * options getopt accepts, so an option cannot be accepted and left out of the usage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define ID_TEXT                                                                                    \
  "Where \"<container-id>\" is your name for the instance of the container that you\n"             \
  "are starting. The name you provide for the container instance must be unique on\n"              \
  "your host.\n"

static const struct cli_option_doc global_docs[] = {
    {"debug", "enable debug logging"},
    {"log", "set the log file to write berth logs to (default is '/dev/stderr')"},
    {"log-format", "set the log format ('text' (default), or 'json') (default: \"text\")"},
    {"root", "root directory for storage of container state (this should be located in tmpfs) "
             "(default: \"" BERTH_DEFAULT_ROOT "\"; rootless: $XDG_RUNTIME_DIR/berth)"},
    {"cgroup-driver", "cgroup driver: auto, none, or NAME for the plugin cgroup-NAME.so (v1, v2, "
                      "systemd, ...) (default: \"auto\")"},
    {"systemd-cgroup", "enable systemd cgroup support (the same as --cgroup-driver systemd), "
                       "expects cgroupsPath to be of form \"slice:prefix:name\""},
    {"cgroup-manager", "crun's name for --cgroup-driver"},
    {"rootless", "ignore cgroup permission errors ('true', 'false', or 'auto') (default: "
                 "\"auto\")"},
    {"criu", "path to the criu binary used for checkpoint and restore (default: \"criu\" in "
             "PATH)"},
    {"version", "print the version"},
    {"help", "show help"},
    {NULL, NULL},
};

#define CRIU_SHARED_DOCS                                                                           \
  {"image-path", "path for saving criu image files (default: ./checkpoint)"},                      \
      {"work-path", "path for saving work files and logs (default: the image path)"},              \
      {"tcp-established", "allow open tcp connections"},                                           \
      {"ext-unix-sk", "allow external unix sockets"}, {"shell-job", "allow shell jobs"},           \
      {"file-locks", "handle file locks, for safety"},                                             \
      {"manage-cgroups-mode", "cgroups mode: soft|full|strict|ignore (default: criu's, soft)"},    \
      {"empty-ns", "create a namespace, but don't restore its properties (network)"},              \
      {"auto-dedup", "enable auto deduplication of memory images"}, {                              \
    "lazy-pages", "use userfaultfd to lazily restore memory pages"                                 \
  }

static const struct cli_option_doc checkpoint_docs[] = {
    CRIU_SHARED_DOCS,
    {"parent-path", "path for previous criu image files in pre-dump (relative to the image path)"},
    {"leave-running", "leave the process running after checkpointing"},
    {"pre-dump", "dump container's memory information only, leave the container running after "
                 "this"},
    {"status-fd", "criu writes \\0 to this FD once lazy-pages is ready"},
    {"page-server", "not supported: berth refuses it"},
    {NULL, NULL},
};

static const struct cli_option_doc restore_docs[] = {
    CRIU_SHARED_DOCS,
    {"bundle", "path to the root of the bundle directory (default: the current directory)"},
    {"detach", "detach from the container's process"},
    {"pid-file", "specify the file to write the process id to"},
    {"console-socket", "path to an AF_UNIX socket for a terminal's master (a terminal container "
                       "is refused: criu's command line cannot hand one back)"},
    {"no-subreaper", "accepted for runc compatibility"},
    {"no-pivot", "accepted for runc compatibility (criu sets up the root)"},
    {"lsm-profile", "not supported: berth refuses it"},
    {"lsm-mount-context", "not supported: berth refuses it"},
    {NULL, NULL},
};

static const struct cli_option_doc create_docs[] = {
    {"bundle", "path to the root of the bundle directory, defaults to the current directory"},
    {"console-socket", "path to an AF_UNIX socket which will receive a file descriptor "
                       "referencing the master end of the console's pseudoterminal"},
    {"pid-file", "specify the file to write the process id to"},
    {"no-pivot", "do not use pivot root to jail process inside rootfs.  This should be used "
                 "whenever the rootfs is on top of a ramdisk"},
    {"no-new-keyring", "do not create a new session keyring for the container.  This will "
                       "cause the container to inherit the calling processes session key"},
    {"preserve-fds", "Pass N additional file descriptors to the container (stdio + "
                     "$LISTEN_FDS + N in total) (default: 0)"},
    {"detach", "detach from the container's process"},
    {"keep", "do not delete the container after it exits"},
    {"no-subreaper", "disable the use of the subreaper used to reap reparented processes"},
    {NULL, NULL},
};

static const struct cli_option_doc exec_docs[] = {
    {"console-socket", "path to an AF_UNIX socket which will receive a file descriptor "
                       "referencing the master end of the console's pseudoterminal"},
    {"cwd", "current working directory in the container"},
    {"env", "set environment variables"},
    {"tty", "allocate a pseudo-TTY"},
    {"user", "UID (format: <uid>[:<gid>])"},
    {"additional-gids", "additional gids"},
    {"process", "path to the process.json"},
    {"detach", "detach from the container's process"},
    {"pid-file", "specify the file to write the process id to"},
    {"process-label", "set the asm process label for the process commonly used with selinux"},
    {"apparmor", "set the apparmor profile for the process"},
    {"no-new-privs", "set the no new privileges value for the process"},
    {"cap", "add a capability to the bounding set for the process"},
    {"preserve-fds", "Pass N additional file descriptors to the container (stdio + "
                     "$LISTEN_FDS + N in total) (default: 0)"},
    {"cgroup", "run the process in an (existing) sub-cgroup(s). Format is "
               "[<controller>:]<cgroup>."},
    {"ignore-paused", "allow exec in a paused container"},
    {NULL, NULL},
};

static const struct cli_option_doc kill_docs[] = {
    {"all", "send the specified signal to all processes inside the container"},
    {NULL, NULL},
};

static const struct cli_option_doc delete_docs[] = {
    {"force", "Forcibly deletes the container if it is still running (uses SIGKILL)"},
    {NULL, NULL},
};

static const struct cli_option_doc list_docs[] = {
    {"format", "select one of: table or json (default: \"table\")"},
    {"quiet", "display only container IDs"},
    {NULL, NULL},
};

static const struct cli_option_doc ps_docs[] = {
    {"format", "select one of: table or json (default: \"table\")"},
    {NULL, NULL},
};

static const struct cli_option_doc update_docs[] = {
    {"resources", "path to the file containing the resources to update or '-' to read from "
                  "the standard input"},
    {"blkio-weight", "Specifies per cgroup weight, range is from 10 to 1000"},
    {"cpu-period", "CPU CFS period to be used for hardcapping (in usecs). 0 to use system "
                   "default"},
    {"cpu-quota", "CPU CFS hardcap limit (in usecs). Allowed cpu time in a given period"},
    {"cpu-share", "CPU shares (relative weight vs. other containers)"},
    {"cpu-shares", "CPU shares, as --cpu-share"},
    {"cpu-rt-period", "CPU realtime period to be used for hardcapping (in usecs). 0 to use "
                      "system default"},
    {"cpu-rt-runtime", "CPU realtime hardcap limit (in usecs). Allowed cpu time in a given "
                       "period"},
    {"cpu-idle", "set cgroup SCHED_IDLE or not, 0: default behavior, 1: SCHED_IDLE"},
    {"cpuset-cpus", "CPU(s) to use"},
    {"cpuset-mems", "Memory node(s) to use"},
    {"memory", "Memory limit (in bytes)"},
    {"memory-reservation", "Memory reservation or soft_limit (in bytes)"},
    {"memory-swap", "Total memory usage (memory + swap); set '-1' to enable unlimited swap"},
    {"kernel-memory", "Kernel memory limit (in bytes)"},
    {"kernel-memory-tcp", "Kernel memory limit (in bytes) for tcp buffer"},
    {"pids-limit", "Maximum number of pids allowed in the container"},
    {"l3-cache-schema", "The string of Intel RDT/CAT L3 cache schema"},
    {"mem-bw-schema", "The string of Intel RDT/MBA memory bandwidth schema"},
    {NULL, NULL},
};

static const struct cli_option_doc events_docs[] = {
    {"interval", "set the stats collection interval (default: 5s)"},
    {"stats", "display the container's stats then exit"},
    {NULL, NULL},
};

static const struct cli_option_doc check_docs[] = {
    {"format", "text (default) or json"},
    {NULL, NULL},
};

static const struct cli_option_doc spec_docs[] = {
    {"bundle", "path to the root of the bundle directory"},
    {"rootless", "generate a configuration for a rootless container"},
    {NULL, NULL},
};

#define CREATE_DESCRIPTION                                                                         \
  "The create command creates an instance of a container for a bundle. The bundle\n"               \
  "is a directory with a specification file named \"config.json\" and a root\n"                    \
  "filesystem.\n"

const struct cli_command cli_commands[] = {
    {"create", cmd_create, CLI_CREATE_SHORTOPTS, cli_create_options, NULL, 1, "create a container",
     "[command options] <container-id>", ID_TEXT "\n" CREATE_DESCRIPTION, create_docs},
    {"start", cmd_start, "", NULL, NULL, 1,
     "executes the user defined process in a created container", "<container-id>",
     ID_TEXT "\nThe start command executes the user defined process in a created container.\n",
     NULL},
    {"run", cmd_run, CLI_RUN_SHORTOPTS, cli_run_options, NULL, 1, "create and run a container",
     "[command options] <container-id>",
     ID_TEXT "\nThe run command creates an instance of a container for a bundle, starts it\n"
             "and, unless detached, waits for it and exits with its status.\n",
     create_docs},
    {"exec", cmd_exec, CLI_EXEC_SHORTOPTS, cli_exec_options, NULL, 255,
     "execute new process inside the container",
     "[command options] <container-id> <command> [command options]  || -p process.json "
     "<container-id>",
     "Where \"<container-id>\" is the name for the instance of the container and\n"
     "\"<command>\" is the command to be executed in the container.\n"
     "\"<command>\" can't be empty unless a \"-p\" flag provided.\n",
     exec_docs},
    {"kill", cmd_kill, CLI_KILL_SHORTOPTS, cli_kill_options, NULL, 1,
     "kill sends the specified signal (default: SIGTERM) to the container's init process",
     "[command options] <container-id> [signal]",
     "Where \"<container-id>\" is the name for the instance of the container and\n"
     "\"[signal]\" is the signal to be sent to the init process.\n",
     kill_docs},
    {"delete", cmd_delete, CLI_DELETE_SHORTOPTS, cli_delete_options, NULL, 1,
     "delete any resources held by the container often used with detached container",
     "[command options] <container-id>",
     "Where \"<container-id>\" is the name for the instance of the container.\n", delete_docs},
    {"checkpoint", cmd_checkpoint, "", cli_checkpoint_options, NULL, 1,
     "checkpoint a running container", "[command options] <container-id>",
     "Where \"<container-id>\" is the name for the instance of the container to be\n"
     "checkpointed (through criu, plugin criu.so). Unless --leave-running or --pre-dump, the\n"
     "container is gone afterwards, as with runc.\n",
     checkpoint_docs},
    {"restore", cmd_restore, CLI_RESTORE_SHORTOPTS, cli_restore_options, NULL, 1,
     "restore a container from a previous checkpoint", "[command options] <container-id>",
     "Where \"<container-id>\" is the name for the instance of the container to be\n"
     "restored (through criu, plugin criu.so).\n",
     restore_docs},
    {"state", cmd_state, "", NULL, NULL, 1, "output the state of a container", "<container-id>",
     "Where \"<container-id>\" is your name for the instance of the container.\n", NULL},
    {"list", cmd_list, CLI_LIST_SHORTOPTS, cli_list_options, NULL, 1,
     "lists containers started by berth with the given root", "[command options]",
     "Where the given root is specified via the global option \"--root\"\n"
     "(default: \"" BERTH_DEFAULT_ROOT "\").\n",
     list_docs},
    {"ps", cmd_ps, CLI_PS_SHORTOPTS, cli_ps_options, NULL, 1,
     "ps displays the processes running inside a container",
     "[command options] <container-id> [ps options]", NULL, ps_docs},
    {"pause", cmd_pause, "", NULL, NULL, 1, "pause suspends all processes inside the container",
     "<container-id>",
     "Where \"<container-id>\" is the name for the instance of the container to be\n"
     "paused.\n",
     NULL},
    {"resume", cmd_resume, "", NULL, NULL, 1,
     "resumes all processes that have been previously paused", "<container-id>",
     "Where \"<container-id>\" is the name for the instance of the container to be\n"
     "resumed.\n",
     NULL},
    {"update", cmd_update, CLI_UPDATE_SHORTOPTS, NULL, cli_update_options, 1,
     "update container resource constraints", "[command options] <container-id>",
     "With --resources, the file holds a LinuxResources object of the OCI runtime spec\n"
     "(unchanged values can be omitted) and all other options are ignored.\n",
     update_docs},
    {"events", cmd_events, "", cli_events_options, NULL, 1,
     "display container events such as OOM notifications, cpu, memory, and IO usage "
     "statistics",
     "[command options] <container-id>",
     "Where \"<container-id>\" is the name for the instance of the container.\n", events_docs},
    {"features", cmd_features, "", NULL, NULL, 1, "show the enabled features", "",
     "Show the enabled features: the OCI features document, and under \"org.berth\" the\n"
     "plugins installed here and whether each loads. The result is parsable as JSON.\n",
     NULL},
    {"check", cmd_check, CLI_CHECK_SHORTOPTS, cli_checkcmd_options, NULL, 1,
     "say which backends apply to this host, and why not", "[command options]",
     "For each installed cgroup driver and LSM plugin: whether it applies here and, if not,\n"
     "the plugin's own reason; the driver the global options select; and the host's facts\n"
     "(cgroup layout, systemd, AppArmor, SELinux, resctrl, user namespaces, newuidmap,\n"
     "seccomp, overlay, idmapped mounts). Exits 1 when the selected driver cannot work here.\n",
     check_docs},
    {"spec", cmd_spec, CLI_SPEC_SHORTOPTS, cli_spec_options, NULL, 1,
     "create a new specification file", "[command options]",
     "The spec command creates the new specification file named \"config.json\" for\n"
     "the bundle.\n",
     spec_docs},
    {"help", cmd_help, "", NULL, NULL, 1, "Shows a list of commands or help for one command",
     "[command]", NULL, NULL},
    {NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL},
};

const struct cli_command *cli_command_find(const char *name) {
  for (const struct cli_command *c = cli_commands; c->name != NULL; c++)
    if (strcmp(c->name, name) == 0)
      return c;
  return NULL;
}

static const struct option *options_of(const struct cli_command *cmd) {
  return cmd->options != NULL ? cmd->options() : cmd->longopts;
}

static const char *doc_of(const struct cli_option_doc *docs, const char *name) {
  for (; docs != NULL && docs->name != NULL; docs++)
    if (strcmp(docs->name, name) == 0)
      return docs->text;
  return "(undocumented)";
}

/* "--bundle value, -b value": the short form where the option's letter is in SHORTOPTS. */
static void option_label(const struct option *o, const char *shortopts, char *buf, size_t size) {
  const char *value = o->has_arg == required_argument ? " value" : "";
  bool has_short = o->val > ' ' && o->val < 127 && strchr(shortopts, o->val) != NULL;
  if (has_short)
    snprintf(buf, size, "--%s%s, -%c%s", o->name, value, o->val, value);
  else
    snprintf(buf, size, "--%s%s", o->name, value);
}

static void print_options(const struct option *opts, const char *shortopts,
                          const struct cli_option_doc *docs) {
  char label[128];
  int width = 0;
  for (const struct option *o = opts; o != NULL && o->name != NULL; o++) {
    option_label(o, shortopts, label, sizeof(label));
    width = (int)strlen(label) > width ? (int)strlen(label) : width;
  }
  for (const struct option *o = opts; o != NULL && o->name != NULL; o++) {
    option_label(o, shortopts, label, sizeof(label));
    printf("   %-*s  %s\n", width, label, doc_of(docs, o->name));
  }
}

void cli_print_usage(void) {
  printf("NAME:\n   berth - Open Container Initiative runtime\n\n"
         "USAGE:\n   berth [global options] command [command options] [arguments...]\n\n"
         "VERSION:\n   %s\n\nCOMMANDS:\n",
         BERTH_VERSION);
  for (const struct cli_command *c = cli_commands; c->name != NULL; c++)
    printf("   %-9s %s\n", c->name, c->summary != NULL ? c->summary : "(undocumented)");
  printf("\nGLOBAL OPTIONS:\n");
  print_options(cli_global_options, "vh", global_docs);
}

/* Each line indented, as runc's usage sets its text off from the headings. */
static void print_indented(const char *text) {
  for (const char *line = text; *line != '\0'; line += strcspn(line, "\n") + 1) {
    int len = (int)strcspn(line, "\n");
    printf(len > 0 ? "   %.*s\n" : "\n", len, line);
    if (line[len] == '\0')
      break;
  }
}

void cli_print_command_usage(const struct cli_command *cmd) {
  const char *arguments = cmd->arguments != NULL ? cmd->arguments : "";
  printf("NAME:\n   berth %s - %s\n\nUSAGE:\n   berth %s%s%s\n", cmd->name,
         cmd->summary != NULL ? cmd->summary : "(undocumented)", cmd->name,
         *arguments != '\0' ? " " : "", arguments);
  if (cmd->description != NULL) {
    printf("\nDESCRIPTION:\n");
    print_indented(cmd->description);
  }
  const struct option *opts = options_of(cmd);
  if (opts != NULL && opts[0].name != NULL) {
    printf("\nOPTIONS:\n");
    print_options(opts, cmd->shortopts, cmd->docs);
  }
}

/* runc's `help [COMMAND]`. */
int cmd_help(struct berth_globals *g, int argc, char **argv) {
  (void)g;
  if (argc > 2)
    return cli_usage("help: expected at most one command");
  const struct cli_command *cmd = argc == 2 ? cli_command_find(argv[1]) : NULL;
  if (argc == 2 && cmd == NULL)
    return cli_usage("help: unknown command %s (see 'berth --help')", argv[1]);
  if (cmd != NULL)
    cli_print_command_usage(cmd);
  else
    cli_print_usage();
  return 0;
}

/* The option as the user wrote it, without "=value": getopt leaves a long one (and a short
 * one that ends its word) at argv[optind - 1], and a short one in optopt. */
static void option_text(int c, char **argv, char *buf, size_t size) {
  const char *arg = optind > 0 ? argv[optind - 1] : "";
  bool is_long = strncmp(arg, "--", 2) == 0 && (c == ':' || optopt == 0 || strchr(arg, '='));
  if (is_long)
    snprintf(buf, size, "%.*s", (int)strcspn(arg, "="), arg);
  else
    snprintf(buf, size, "-%c", optopt);
}

int cli_option_error(const char *command, int c, char **argv, int status) {
  char text[128];
  option_text(c, argv, text, sizeof(text));
  const char *what = "unknown option", *why = "";
  if (c == ':')
    what = "option", why = " needs an argument";
  else if (optopt != 0 && text[1] == '-') /* a known long option given "=value" */
    what = "option", why = " takes no argument";
  char problem[192];
  snprintf(problem, sizeof(problem), "%s '%s'%s", what, text, why);
  if (command == NULL)
    return cli_usage("%s (see 'berth --help')", problem), status;
  return cli_usage("%s: %s (see 'berth %s --help')", command, problem, command), status;
}

int cli_check_options(const struct cli_command *cmd, int argc, char **argv) {
  const struct option *own = options_of(cmd);
  size_t n = 0;
  while (own != NULL && own[n].name != NULL)
    n++;
  /* A copy of both: the command parses the untouched argv again (getopt permutes it). */
  _cleanup_free_ struct option *opts = calloc(n + 2, sizeof(*opts));
  _cleanup_free_ char **args = calloc((size_t)argc + 1, sizeof(char *));
  bool in_order = cmd->shortopts[0] == '+';
  char shortopts[64];
  snprintf(shortopts, sizeof(shortopts), "%s:%sh", in_order ? "+" : "", cmd->shortopts + in_order);
  if (opts == NULL || args == NULL)
    return cli_usage("%s: out of memory", cmd->name), cmd->usage_status;
  if (n > 0)
    memcpy(opts, own, n * sizeof(*opts));
  opts[n] = (struct option){"help", no_argument, NULL, 'h'};
  memcpy(args, argv, (size_t)argc * sizeof(char *));
  opterr = 0;
  optind = 0;
  int c;
  while ((c = getopt_long(argc, args, shortopts, opts, NULL)) != -1) {
    if (c == 'h') {
      cli_print_command_usage(cmd);
      return 0;
    }
    if (c == '?' || c == ':')
      return cli_option_error(cmd->name, c, args, cmd->usage_status);
  }
  optind = 0; /* the command's getopt starts over */
  return -1;
}
