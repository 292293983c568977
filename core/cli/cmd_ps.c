/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cgroup.h"
#include "cli.h"
#include "json_util.h"
#include "util.h"

static int32_t add_pid(pid_t pid, void *data) {
  json_object_array_add(data, json_object_new_int(pid));
  return 0;
}

static void print_table(json_object *pids) {
  printf("%-8s %s\n", "PID", "CMD");
  for (size_t i = 0; i < json_object_array_length(pids); i++) {
    int pid = json_object_get_int(json_object_array_get_idx(pids, i));
    char path[64];
    _cleanup_free_ char *comm = NULL;
    snprintf(path, sizeof(path), "/proc/%d/comm", pid);
    if (read_file_at(AT_FDCWD, path, &comm, NULL) == 0)
      comm[strcspn(comm, "\n")] = '\0';
    printf("%-8d %s\n", pid, comm != NULL ? comm : "?");
  }
}

int cmd_ps(struct berth_globals *g, int argc, char **argv) {
  static const struct option opts[] = {{"format", required_argument, NULL, 'f'},
                                       {NULL, 0, NULL, 0}};
  const char *format = "table";
  int c;
  while ((c = getopt_long(argc, argv, "+f:", opts, NULL)) != -1) {
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
  if (strcmp(format, "json") == 0)
    printf("%s\n", json_object_to_json_string_ext(pids, JSON_C_TO_STRING_PLAIN));
  else
    print_table(pids);
  return 0;
}
