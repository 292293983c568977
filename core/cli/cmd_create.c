/* SPDX-License-Identifier: Apache-2.0 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "factory.h"

/* run's are create's and three of its own. */
const struct option cli_create_options[] = {
    {"bundle", required_argument, NULL, 'b'},
    {"console-socket", required_argument, NULL, 'c'},
    {"pid-file", required_argument, NULL, 'p'},
    {"no-pivot", no_argument, NULL, 'P'},
    {"no-new-keyring", no_argument, NULL, 'K'},
    {"preserve-fds", required_argument, NULL, 'F'},
    {NULL, 0, NULL, 0},
};
const struct option cli_run_options[] = {
    {"bundle", required_argument, NULL, 'b'},
    {"console-socket", required_argument, NULL, 'c'},
    {"detach", no_argument, NULL, 'd'},
    {"keep", no_argument, NULL, 'k'},
    {"pid-file", required_argument, NULL, 'p'},
    {"no-subreaper", no_argument, NULL, 'S'},
    {"no-pivot", no_argument, NULL, 'P'},
    {"no-new-keyring", no_argument, NULL, 'K'},
    {"preserve-fds", required_argument, NULL, 'F'},
    {NULL, 0, NULL, 0},
};

int cli_parse_create(struct berth_globals *g, int argc, char **argv, bool run,
                     struct berth_create_options *o, struct create_flags *f) {
  *o = (struct berth_create_options){.root = g->root,
                                     .cgroup_driver = g->cgroup_driver,
                                     .systemd_cgroup = g->systemd_cgroup,
                                     .rootless = g->rootless,
                                     .console_fd = -1};
  *f = (struct create_flags){0};
  _cleanup_error_ struct berth_error err = {0};
  int c;
  while ((c = getopt_long(argc, argv, run ? CLI_RUN_SHORTOPTS : CLI_CREATE_SHORTOPTS,
                          run ? cli_run_options : cli_create_options, NULL)) != -1) {
    switch (c) {
    case 'b':
      o->bundle = optarg;
      break;
    case 'p':
      o->pid_file = optarg;
      break;
    case 'c':
      o->console_socket = optarg;
      break;
    case 'P':
      o->no_pivot = true;
      break;
    case 'K':
      o->no_new_keyring = true;
      break;
    case 'S':
      break;
    case 'F':
      if (cli_parse_fd_count("--preserve-fds", optarg, &o->preserve_fds, &err) < 0)
        return cli_fail(&err);
      break;
    case 'd':
      f->detach = true;
      break;
    case 'k':
      f->keep = true;
      break;
    default:
      return cli_usage("%s: invalid option", run ? "run" : "create");
    }
  }
  if (cli_listen_fds(&o->listen_fds, &err) < 0)
    return cli_fail(&err);
  o->id = cli_one_id(argc, argv, run ? "run" : "create");
  return o->id != NULL ? 0 : 1;
}

int cmd_create(struct berth_globals *g, int argc, char **argv) {
  struct berth_create_options o;
  struct create_flags f;
  if (cli_parse_create(g, argc, argv, false, &o, &f) != 0)
    return 1;
  _cleanup_error_ struct berth_error err = {0};
  pid_t pid;
  return berth_create(&o, &pid, &err) < 0 ? cli_fail(&err) : 0;
}
