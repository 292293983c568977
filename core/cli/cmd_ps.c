/* SPDX-License-Identifier: Apache-2.0 */
/* `berth ps ID [PS-ARGS...]`: runc's way, ps(1) run with PS-ARGS (default -ef) and its output
 * kept to the header and the lines whose PID column is one of the container's processes;
 * --format json prints the pids alone. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "cli.h"
#include "json_util.h"
#include "util.h"

static int32_t add_pid(pid_t pid, void *data) {
  json_object_array_add(data, json_object_new_int(pid));
  return 0;
}

/* ps(1) with args, its stdout and stderr together (runc's CombinedOutput). */
static int run_ps(char **args, int nargs, char **out, struct berth_error *err) {
  _cleanup_free_ char **argv = calloc((size_t)nargs + 3, sizeof(char *));
  if (argv == NULL)
    return berth_error(err, ENOMEM, "ps");
  argv[0] = "ps";
  for (int i = 0; i < nargs; i++)
    argv[i + 1] = args[i];
  if (nargs == 0)
    argv[1] = "-ef";
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) < 0)
    return berth_error(err, errno, "ps: pipe");
  pid_t pid = fork();
  if (pid == 0) {
    if (dup2(fds[1], STDOUT_FILENO) >= 0 && dup2(fds[1], STDERR_FILENO) >= 0)
      execvp("ps", argv);
    _exit(127);
  }
  int saved = errno;
  close(fds[1]);
  _cleanup_close_ int rd = fds[0];
  if (pid < 0)
    return berth_error(err, saved, "ps: fork");
  int r = read_all(rd, out, NULL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (r < 0)
    return berth_error(err, -r, "ps: read its output");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    char *text = *out;
    text[strcspn(text, "\n")] = '\0'; /* ps says what is wrong on its first line */
    return berth_error(err, 0, "ps %s: exit status %d: %s", nargs > 0 ? args[0] : "-ef",
                       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), text);
  }
  return 0;
}

/* The index of the whitespace-separated field that is exactly "PID" in the header, or -1. */
static int pid_column(const char *header) {
  _cleanup_free_ char *copy = strdup(header);
  char *save = NULL;
  int i = 0;
  for (char *f = copy ? strtok_r(copy, " \t", &save) : NULL; f;
       f = strtok_r(NULL, " \t", &save), i++)
    if (strcmp(f, "PID") == 0)
      return i;
  return -1;
}

static bool line_has_pid(const char *line, int column, json_object *pids) {
  _cleanup_free_ char *copy = strdup(line);
  char *save = NULL, *f = copy ? strtok_r(copy, " \t", &save) : NULL;
  for (int i = 0; f != NULL && i < column; i++)
    f = strtok_r(NULL, " \t", &save);
  char *end = NULL;
  long pid = f != NULL ? strtol(f, &end, 10) : -1;
  if (f == NULL || *end != '\0')
    return false;
  for (size_t i = 0; i < json_object_array_length(pids); i++)
    if (json_object_get_int(json_object_array_get_idx(pids, i)) == pid)
      return true;
  return false;
}

static int print_filtered(char **args, int nargs, json_object *pids, struct berth_error *err) {
  _cleanup_free_ char *output = NULL;
  int r = run_ps(args, nargs, &output, err);
  if (r < 0)
    return r;
  char *save = NULL, *header = strtok_r(output, "\n", &save);
  int column = header != NULL ? pid_column(header) : -1;
  if (column < 0)
    return berth_error(err, 0, "ps: couldn't find PID field in ps output");
  printf("%s\n", header);
  for (char *line = strtok_r(NULL, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
    if (line_has_pid(line, column, pids))
      printf("%s\n", line);
  return 0;
}

const struct option cli_ps_options[] = {{"format", required_argument, NULL, 'f'},
                                        {NULL, 0, NULL, 0}};

int cmd_ps(struct berth_globals *g, int argc, char **argv) {
  const char *format = "table";
  int c;
  while ((c = getopt_long(argc, argv, CLI_PS_SHORTOPTS, cli_ps_options, NULL)) != -1) {
    if (c != 'f')
      return cli_usage("ps: invalid option");
    format = optarg;
  }
  if (optind >= argc)
    return cli_usage("ps: expected a container id");
  if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0)
    return cli_usage("ps: unknown format %s (table or json)", format);
  _cleanup_error_ struct berth_error err = {0};
  _cleanup_close_ int root_fd = -1;
  _cleanup_container_ struct berth_container *container = NULL;
  _cleanup_json_ json_object *pids = json_object_new_array();
  if (cli_load(g, argv[optind], &root_fd, &container, &err) < 0)
    return cli_fail(&err);
  if (container->cg.plugin == NULL)
    add_pid(container->pid, pids);
  else if (berth_cgroup_pids(&container->cg, add_pid, pids, &err) < 0)
    return cli_fail(&err);
  if (strcmp(format, "json") == 0) {
    printf("%s\n", json_object_to_json_string_ext(pids, JSON_C_TO_STRING_PLAIN));
    return 0;
  }
  /* PS-ARGS after "--" too (runc would hand ps the "--" itself, which it refuses). */
  char **ps_args = argv + optind + 1;
  int nargs = argc - optind - 1;
  if (nargs > 0 && strcmp(ps_args[0], "--") == 0) {
    ps_args++;
    nargs--;
  }
  if (print_filtered(ps_args, nargs, pids, &err) < 0)
    return cli_fail(&err);
  return 0;
}
