/* SPDX-License-Identifier: Apache-2.0 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "json_util.h"

static void print_row(json_object *s) {
  printf("%-12s %-8d %-10s %-40s %-30s %s\n", json_get_str(s, "id"), (int)json_get_int(s, "pid", 0),
         json_get_str(s, "status"), json_get_str(s, "bundle"), json_get_str(s, "created"),
         json_get_str(s, "owner"));
}

/* A container whose state.json cannot be read is listed all the same: hiding it would hide
 * that it needs a delete --force. */
static json_object *unknown_row(const char *id) {
  json_object *o = json_object_new_object();
  json_object_object_add(o, "ociVersion", json_object_new_string(""));
  json_object_object_add(o, "id", json_object_new_string(id));
  json_object_object_add(o, "pid", json_object_new_int(0));
  json_object_object_add(o, "status", json_object_new_string("unknown"));
  static const char *const empty[] = {"bundle", "rootfs", "created", "owner"};
  for (size_t i = 0; i < sizeof(empty) / sizeof(empty[0]); i++)
    json_object_object_add(o, empty[i], json_object_new_string(""));
  return o;
}

/* Every container under --root, in directory order. */
static json_object *collect(int root_fd) {
  json_object *all = json_object_new_array();
  _cleanup_closedir_ DIR *d = fdopendir(dup(root_fd));
  for (struct dirent *e = d != NULL ? readdir(d) : NULL; e != NULL; e = readdir(d)) {
    if (e->d_name[0] == '.')
      continue;
    _cleanup_error_ struct berth_error err = {0};
    _cleanup_container_ struct berth_container *c = NULL;
    int r = berth_container_load(root_fd, e->d_name, &c, &err);
    if (r == 0)
      json_object_array_add(all, berth_container_oci_state(c, berth_container_status(c)));
    else if (r != -ENOENT) /* deleted meanwhile */
      json_object_array_add(all, unknown_row(e->d_name));
  }
  return all;
}

static const char *id_of(const void *element) {
  const char *id = json_get_str(*(json_object *const *)element, "id");
  return id != NULL ? id : "";
}

static int compare_ids(const void *a, const void *b) {
  return strcmp(id_of(a), id_of(b));
}

const struct option cli_list_options[] = {{"quiet", no_argument, NULL, 'q'},
                                          {"format", required_argument, NULL, 'f'},
                                          {NULL, 0, NULL, 0}};

int cmd_list(struct berth_globals *g, int argc, char **argv) {
  bool quiet = false;
  const char *format = "table";
  int c;
  while ((c = getopt_long(argc, argv, CLI_LIST_SHORTOPTS, cli_list_options, NULL)) != -1) {
    if (c == 'q')
      quiet = true;
    else if (c == 'f')
      format = optarg;
    else
      return cli_usage("list: invalid option");
  }
  if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0)
    return cli_usage("list: unknown format %s (table or json)", format);
  _cleanup_error_ struct berth_error err = {0};
  _cleanup_close_ int root_fd = berth_root_open(g->root, false, &err);
  if (root_fd < 0 && root_fd != -ENOENT)
    return cli_fail(&err);
  _cleanup_json_ json_object *all = root_fd >= 0 ? collect(root_fd) : json_object_new_array();
  /* By ID, byte order, as runc (its os.ReadDir sorts the names): scripts diff the lists. */
  json_object_array_sort(all, compare_ids);
  size_t n = json_object_array_length(all);
  if (strcmp(format, "json") == 0) {
    printf("%s\n", n == 0 ? "null"
                          : json_object_to_json_string_ext(
                                all, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    return 0;
  }
  if (!quiet)
    printf("%-12s %-8s %-10s %-40s %-30s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED",
           "OWNER");
  for (size_t i = 0; i < n; i++) {
    json_object *s = json_object_array_get_idx(all, i);
    if (quiet)
      printf("%s\n", json_get_str(s, "id"));
    else
      print_row(s);
  }
  return 0;
}
