/* SPDX-License-Identifier: Apache-2.0 */
/* `berth update`: --resources FILE|- (a LinuxResources object) or runc's flags. */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "json_util.h"
#include "parse.h"
#include "resources.h"
#include "spec.h"
#include "util.h"

enum kind { SIZE, INT, STR };

static const struct update_flag {
  const char *name;
  const char *group; /* linux.resources member */
  const char *key;
  enum kind kind;
  int64_t min, max; /* INT: the values runc's flag takes (-1: unlimited) */
} flags[] = {
    {"memory", "memory", "limit", SIZE, 0, 0},
    {"memory-reservation", "memory", "reservation", SIZE, 0, 0},
    {"memory-swap", "memory", "swap", SIZE, 0, 0},
    {"kernel-memory", "memory", "kernel", SIZE, 0, 0},
    {"kernel-memory-tcp", "memory", "kernelTCP", SIZE, 0, 0},
    /* runc's spelling; cpu-shares is berth's earlier one (and docker's), kept for callers. */
    {"cpu-share", "cpu", "shares", INT, 0, INT64_MAX},
    {"cpu-shares", "cpu", "shares", INT, 0, INT64_MAX},
    {"cpu-quota", "cpu", "quota", INT, -1, INT64_MAX},
    {"cpu-period", "cpu", "period", INT, 0, INT64_MAX},
    {"cpu-rt-runtime", "cpu", "realtimeRuntime", INT, -1, INT64_MAX},
    {"cpu-rt-period", "cpu", "realtimePeriod", INT, 0, INT64_MAX},
    {"cpu-idle", "cpu", "idle", INT, 0, 1},
    {"cpuset-cpus", "cpu", "cpus", STR, 0, 0},
    {"cpuset-mems", "cpu", "mems", STR, 0, 0},
    {"pids-limit", "pids", "limit", INT, -1, INT64_MAX},
    {"blkio-weight", "blockIO", "weight", INT, 0, UINT16_MAX},
    {"l3-cache-schema", NULL, "l3CacheSchema", STR, 0, 0},
    {"mem-bw-schema", NULL, "memBwSchema", STR, 0, 0},
};
#define NFLAGS (sizeof(flags) / sizeof(flags[0]))

static json_object *group(json_object *delta, const char *name) {
  json_object *g = json_get(delta, name);
  if (g == NULL) {
    g = json_object_new_object();
    json_object_object_add(delta, name, g);
  }
  return g;
}

/* group NULL: a member of linux.intelRdt (rdt), not of linux.resources (delta). */
static int add_flag(json_object *delta, json_object *rdt, const struct update_flag *f,
                    const char *arg) {
  if (f->group == NULL) {
    json_object_object_add(rdt, f->key, json_object_new_string(arg));
    return 0;
  }
  json_object *v;
  int64_t n;
  if (f->kind == STR) {
    v = json_object_new_string(arg);
  } else if (f->kind == SIZE) {
    /* -1 means "unlimited" (runc). */
    n = strcmp(arg, "-1") == 0 ? -1 : berth_parse_size(arg);
    if (n < -1 || (n == -1 && strcmp(arg, "-1") != 0))
      return cli_usage("update: --%s: invalid value %s", f->name, arg);
    v = json_object_new_int64(n);
  } else {
    char what[64];
    snprintf(what, sizeof(what), "update: --%s", f->name);
    _cleanup_error_ struct berth_error err = {0};
    if (berth_parse_int_named(what, arg, f->min, f->max, &n, &err) < 0)
      return cli_fail(&err);
    v = json_object_new_int64(n);
  }
  json_object_object_add(group(delta, f->group), f->key, v);
  return 0;
}

static int read_resources(const char *path, json_object **out, struct berth_error *err) {
  _cleanup_free_ char *text = NULL;
  int r;
  if (strcmp(path, "-") == 0) {
    r = read_all(STDIN_FILENO, &text, NULL);
    if (r < 0)
      return berth_error(err, -r, "update: read resources from stdin");
  } else if ((r = read_file_at(AT_FDCWD, path, &text, err)) < 0) {
    return berth_error_prefix(err, "update: --resources");
  }
  r = berth_spec_parse(text, "update: --resources", out, err);
  if (r == 0 && !json_object_is_type(*out, json_type_object))
    return berth_error(err, 0, "update: --resources: not a JSON object");
  return r;
}

/* runc: unlimited memory with the swap limit unsaid lifts the swap limit too (memory+swap
 * cannot stay below an unlimited memory), and the saved config says so. */
static void lift_swap_with_memory(json_object *delta) {
  json_object *memory = json_get(delta, "memory");
  json_object *limit = json_get(memory, "limit");
  if (limit != NULL && json_object_get_int64(limit) == -1 && json_get(memory, "swap") == NULL)
    json_object_object_add(memory, "swap", json_object_new_int64(-1));
}

/* The flags above, then --resources: made once, for cmd_update and cli_check_options. */
const struct option *cli_update_options(void) {
  static struct option opts[NFLAGS + 2];
  if (opts[0].name == NULL) {
    opts[0] = (struct option){"resources", required_argument, NULL, 'r'};
    for (size_t i = 0; i < NFLAGS; i++)
      opts[i + 1] = (struct option){flags[i].name, required_argument, NULL, (int)(i + 256)};
  }
  return opts;
}

int cmd_update(struct berth_globals *g, int argc, char **argv) {
  _cleanup_error_ struct berth_error err = {0};
  _cleanup_json_ json_object *delta = json_object_new_object();
  _cleanup_json_ json_object *rdt = json_object_new_object();
  const char *resources = NULL;
  int c;
  while ((c = getopt_long(argc, argv, CLI_UPDATE_SHORTOPTS, cli_update_options(), NULL)) != -1) {
    if (c == 'r')
      resources = optarg;
    else if (c >= 256 && c < 256 + (int)NFLAGS) {
      if (add_flag(delta, rdt, &flags[c - 256], optarg) != 0)
        return 1;
    } else
      return cli_usage("update: invalid option");
  }
  const char *id = cli_one_id(argc, argv, "update");
  if (id == NULL)
    return 1;
  if (resources != NULL) {
    json_object_put(delta);
    delta = NULL;
    if (read_resources(resources, &delta, &err) < 0)
      return cli_fail(&err);
  }
  lift_swap_with_memory(delta);
  _cleanup_close_ int root_fd = -1;
  _cleanup_container_ struct berth_container *container = NULL;
  if (cli_load_locked(g, id, &root_fd, &container, &err) < 0 ||
      (json_object_object_length(rdt) > 0 &&
       berth_container_update_rdt(container, rdt, &err) < 0) ||
      berth_container_update(container, delta, &err) < 0)
    return cli_fail(&err);
  return 0;
}
