/* SPDX-License-Identifier: Apache-2.0 */
/* `berth exec`: runc's flags, or a whole OCI process with --process. Exits with the
 * process's status, or 255 when it could not be started (runc's contract). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include "cli.h"
#include "lock.h"
#include "console.h"
#include "exec.h"
#include "foreground.h"
#include "json_util.h"
#include "parse.h"
#include "spec.h"
#include "util.h"

#define EXEC_SETUP_FAILED 255

struct exec_flags {
  struct berth_exec_options o;
  bool detach;
  const char *process_file;
  json_object *edits; /* what the flags change in the container's process */
};

static void append_all(json_object *process, const char *set, const char *value) {
  json_object *caps = json_get(process, "capabilities");
  if (caps == NULL) {
    caps = json_object_new_object();
    json_object_object_add(process, "capabilities", caps);
  }
  json_object *list = json_get_array(caps, set);
  if (list == NULL) {
    list = json_object_new_array();
    json_object_object_add(caps, set, list);
  }
  json_object_array_add(list, json_object_new_string(value));
}

/* --user uid[:gid]: ids the kernel can set, never (uid_t)-1 or more. */
static int parse_user(const char *text, int64_t *uid, int64_t *gid, struct berth_error *err) {
  const char *colon = strchr(text, ':');
  _cleanup_free_ char *uid_text =
      strndup(text, colon != NULL ? (size_t)(colon - text) : strlen(text));
  if (uid_text == NULL)
    return berth_error(err, ENOMEM, "exec: --user");
  *gid = -1;
  int r = berth_parse_int_named("exec: --user: uid", uid_text, 0, BERTH_ID_MAX, uid, err);
  if (r == 0 && colon != NULL)
    r = berth_parse_int_named("exec: --user: gid", colon + 1, 0, BERTH_ID_MAX, gid, err);
  return r;
}

static int parse_gid(const char *text, int64_t *gid, struct berth_error *err) {
  return berth_parse_int_named("exec: --additional-gids", text, 0, BERTH_ID_MAX, gid, err);
}

/* The numbers in the flags, checked where they are parsed: before the container is touched. */
static int check_flag(int c, const char *arg, struct berth_error *err) {
  int64_t a, b;
  if (c == 'u')
    return parse_user(arg, &a, &b, err);
  if (c == 'g')
    return parse_gid(arg, &a, err);
  return 0;
}

/* --env NAME=VALUE replaces NAME where the spec's process.env has it (runc: the later one
 * wins), else is appended. */
static void set_env(json_object *env, const char *arg) {
  const char *eq = strchr(arg, '=');
  size_t name_len = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
  bool replaced = false;
  for (size_t i = 0; i < json_object_array_length(env); i++) {
    const char *have = json_object_get_string(json_object_array_get_idx(env, i));
    if (have != NULL && strncmp(have, arg, name_len) == 0 && have[name_len] == '=') {
      json_object_array_put_idx(env, i, json_object_new_string(arg));
      replaced = true;
    }
  }
  if (!replaced)
    json_object_array_add(env, json_object_new_string(arg));
}

static void set_user(json_object *process, const char *text) {
  int64_t uid, gid;
  json_object *user = json_get(process, "user");
  if (parse_user(text, &uid, &gid, NULL) < 0) /* check_flag refused it already */
    return;
  json_object_object_add(user, "uid", json_object_new_int64(uid));
  if (gid >= 0)
    json_object_object_add(user, "gid", json_object_new_int64(gid));
}

/* One flag applied to the process copied from the container's spec. */
static int apply_flag(json_object *p, int c, const char *arg) {
  static const char *const cap_sets[] = {"bounding", "effective", "permitted", "ambient"};
  switch (c) {
  case 't':
    json_object_object_add(p, "terminal", json_object_new_boolean(1));
    return 0;
  case 'w':
    json_object_object_add(p, "cwd", json_object_new_string(arg));
    return 0;
  case 'e':
    set_env(json_get(p, "env"), arg);
    return 0;
  case 'u':
    set_user(p, arg);
    return 0;
  case 'g': {
    json_object *user = json_get(p, "user");
    json_object *gids = json_get_array(user, "additionalGids");
    int64_t gid;
    if (gids == NULL) {
      gids = json_object_new_array();
      json_object_object_add(user, "additionalGids", gids);
    }
    if (parse_gid(arg, &gid, NULL) == 0) /* check_flag refused anything else */
      json_object_array_add(gids, json_object_new_int64(gid));
    return 0;
  }
  case 'c':
    for (size_t i = 0; i < sizeof(cap_sets) / sizeof(cap_sets[0]); i++)
      append_all(p, cap_sets[i], arg);
    return 0;
  case 'N':
    json_object_object_add(p, "noNewPrivileges", json_object_new_boolean(1));
    return 0;
  case 'A':
    json_object_object_add(p, "apparmorProfile", json_object_new_string(arg));
    return 0;
  case 'L':
    json_object_object_add(p, "selinuxLabel", json_object_new_string(arg));
    return 0;
  }
  return cli_usage("exec: invalid option");
}

/* runc's --cgroup [controller[,controller...]:]path, repeatable: a list names each of its
 * controllers (a co-mounted v1 hierarchy answers to any of its names), one entry each. */
static void add_sub_cgroup(struct exec_flags *f, const char *arg) {
  if (f->o.sub_cgroups == NULL)
    f->o.sub_cgroups = json_object_new_array();
  const char *colon = strchr(arg, ':');
  const char *path = colon != NULL ? colon + 1 : arg;
  const char *list = colon != NULL ? arg : "";
  for (;;) {
    size_t len = colon != NULL ? strcspn(list, ",:") : 0;
    json_object *sub = json_object_new_object();
    if (colon != NULL)
      json_object_object_add(sub, "controller", json_object_new_string_len(list, (int)len));
    json_object_object_add(sub, "path", json_object_new_string(path));
    json_object_array_add(f->o.sub_cgroups, sub);
    if (colon == NULL || list[len] != ',')
      break;
    list += len + 1;
  }
}

/* The caller's own file, so symlinks are followed: `--process <(...)` is /dev/fd/N, a link
 * to a pipe. A missing "user" is root, as runc's decoder leaves it (0:0). */
static int read_process_file(const char *path, json_object **out, struct berth_error *err) {
  _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return berth_error(err, errno, "exec: --process: open %s", path);
  _cleanup_free_ char *text = NULL;
  int r = read_all(fd, &text, NULL);
  if (r < 0)
    return berth_error(err, -r, "exec: --process: read %s", path);
  r = berth_spec_parse(text, path, out, err);
  if (r == 0 && json_object_is_type(*out, json_type_object) && json_get(*out, "user") == NULL) {
    json_object *user = json_object_new_object();
    json_object_object_add(user, "uid", json_object_new_int(0));
    json_object_object_add(user, "gid", json_object_new_int(0));
    json_object_object_add(*out, "user", user);
  }
  if (r == 0 && (r = berth_spec_validate_process(*out, err)) < 0)
    berth_error_prefix(err, "exec: --process %s", path);
  return r;
}

/* The container's own process, as runc does, changed by the flags and given new args. */
static json_object *process_from_flags(struct berth_container *c, int argc, char **argv,
                                       int *flag_codes, char **flag_args, int nflags) {
  json_object *p = NULL;
  if (json_object_deep_copy(json_get(c->spec, "process"), &p, NULL) < 0)
    return NULL;
  json_object_object_add(p, "terminal", json_object_new_boolean(0));
  if (json_get_array(p, "env") == NULL)
    json_object_object_add(p, "env", json_object_new_array());
  json_object *args = json_object_new_array();
  for (int i = optind + 1; i < argc; i++)
    json_object_array_add(args, json_object_new_string(argv[i]));
  json_object_object_add(p, "args", args);
  for (int i = 0; i < nflags; i++)
    if (apply_flag(p, flag_codes[i], flag_args[i]) != 0) {
      json_object_put(p);
      return NULL;
    }
  return p;
}

static int run_foreground(struct berth_container *c, json_object *process,
                          struct berth_exec_options *o) {
  sigset_t set;
  berth_foreground_block_signals(&set);
  prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  int pair[2] = {-1, -1};
  if (o->console_socket == NULL && json_get_bool(process, "terminal", false) &&
      socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) == 0)
    o->console_fd = pair[1];
  _cleanup_close_ int ours = pair[0];
  _cleanup_close_ int theirs = pair[1];
  _cleanup_error_ struct berth_error err = {0};
  pid_t pid;
  if (berth_exec(c, process, o, &pid, &err) < 0)
    return cli_fail(&err), EXEC_SETUP_FAILED;
  /* The lock covers the state check and the start, not the process's whole life. */
  berth_state_unlock(c->dir_fd);
  _cleanup_close_ int master = ours >= 0 ? berth_console_receive(ours, false, &err) : -1;
  if (ours >= 0 && master < 0)
    return cli_fail(&err), EXEC_SETUP_FAILED;
  return berth_foreground_wait(pid, master, &set);
}

const struct option cli_exec_options[] = {
    {"process", required_argument, NULL, 'p'},
    {"tty", no_argument, NULL, 't'},
    {"detach", no_argument, NULL, 'd'},
    {"pid-file", required_argument, NULL, 'P'},
    {"cwd", required_argument, NULL, 'w'},
    {"env", required_argument, NULL, 'e'},
    {"user", required_argument, NULL, 'u'},
    {"additional-gids", required_argument, NULL, 'g'},
    {"cap", required_argument, NULL, 'c'},
    {"no-new-privs", no_argument, NULL, 'N'},
    {"apparmor", required_argument, NULL, 'A'},
    {"process-label", required_argument, NULL, 'L'},
    {"console-socket", required_argument, NULL, 'S'},
    {"preserve-fds", required_argument, NULL, 'F'},
    {"ignore-paused", no_argument, NULL, 'I'},
    {"cgroup", required_argument, NULL, 'G'},
    {NULL, 0, NULL, 0},
};

int cmd_exec(struct berth_globals *g, int argc, char **argv) {
  struct exec_flags f = {.o = {.console_fd = -1}};
  _cleanup_error_ struct berth_error err = {0};
  _cleanup_json_ json_object *subs = NULL; /* owns f.o.sub_cgroups on every return */
  /* The flags that edit the process, in order; at most one per argument. */
  _cleanup_free_ int *codes = calloc((size_t)argc, sizeof(int));
  _cleanup_free_ char **args = calloc((size_t)argc, sizeof(char *));
  if (codes == NULL || args == NULL)
    return cli_usage("exec: out of memory"), EXEC_SETUP_FAILED;
  int n = 0, c;
  while ((c = getopt_long(argc, argv, CLI_EXEC_SHORTOPTS, cli_exec_options, NULL)) != -1) {
    switch (c) {
    case 'p':
      f.process_file = optarg;
      break;
    case 'd':
      f.detach = true;
      break;
    case 'P':
      f.o.pid_file = optarg;
      break;
    case 'S':
      f.o.console_socket = optarg;
      break;
    case 'I':
      f.o.ignore_paused = true;
      break;
    case 'G':
      add_sub_cgroup(&f, optarg);
      subs = f.o.sub_cgroups;
      break;
    case 'F':
      /* Flag syntax errors exit 1, as runc's flag parser does. */
      if (cli_parse_fd_count("exec: --preserve-fds", optarg, &f.o.preserve_fds, &err) < 0)
        return cli_fail(&err);
      break;
    case '?':
      return cli_usage("exec: invalid option"), EXEC_SETUP_FAILED;
    default:
      if (check_flag(c, optarg, &err) < 0)
        return cli_fail(&err);
      codes[n] = c;
      args[n++] = optarg;
      break;
    }
  }
  if (optind >= argc)
    return cli_usage("exec: expected a container id"), EXEC_SETUP_FAILED;
  if (f.process_file == NULL && optind + 1 >= argc)
    return cli_usage("exec: expected a command (or --process FILE)"), EXEC_SETUP_FAILED;
  _cleanup_close_ int root_fd = -1;
  _cleanup_container_ struct berth_container *container = NULL;
  if (cli_load_locked(g, argv[optind], &root_fd, &container, &err) < 0)
    return cli_fail(&err), EXEC_SETUP_FAILED;
  _cleanup_json_ json_object *process = NULL;
  if (f.process_file != NULL && read_process_file(f.process_file, &process, &err) < 0)
    return cli_fail(&err), EXEC_SETUP_FAILED;
  if (process == NULL &&
      (process = process_from_flags(container, argc, argv, codes, args, n)) == NULL)
    return EXEC_SETUP_FAILED;
  if (f.process_file == NULL && berth_spec_validate_process(process, &err) < 0)
    return cli_fail(&err), EXEC_SETUP_FAILED;
  if (!f.detach)
    return run_foreground(container, process, &f.o);
  pid_t pid;
  if (berth_exec(container, process, &f.o, &pid, &err) < 0)
    return cli_fail(&err), EXEC_SETUP_FAILED;
  return 0;
}
