/* SPDX-License-Identifier: Apache-2.0 */
/* events --stats "intel_rdt" in runc's shape: the L3 and MB info and schemata (the root
 * group's and the container's), and per domain of mon_data the monitoring counters. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "group.h"

static char *read_all(int dirfd, const char *file) {
  _cleanup_close_ int fd = openat(dirfd, file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  char buf[8192];
  ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
  if (n < 0)
    return NULL;
  buf[n] = '\0';
  return strdup(buf);
}

/* The lines of a schemata file for resources starting with prefix ("L3", "MB"), joined. */
static json_object *schema_lines(int dirfd, const char *prefix) {
  _cleanup_free_ char *text = read_all(dirfd, "schemata");
  char out[8192] = "", *save = NULL;
  for (char *line = text ? strtok_r(text, "\n", &save) : NULL; line != NULL;
       line = strtok_r(NULL, "\n", &save)) {
    line += strspn(line, " ");
    if (strncmp(line, prefix, strlen(prefix)) != 0)
      continue;
    size_t len = strlen(out);
    snprintf(out + len, sizeof(out) - len, "%s%s", len ? "\n" : "", line);
  }
  return out[0] != '\0' ? json_object_new_string(out) : NULL;
}

static void add_number(json_object *o, const char *key, int dirfd, const char *file, int base) {
  _cleanup_free_ char *text = read_all(dirfd, file);
  if (text == NULL)
    return;
  if (base == 16) {
    text[strcspn(text, "\n")] = '\0';
    json_object_object_add(o, key, json_object_new_string(text));
    return;
  }
  json_object_object_add(o, key, json_object_new_uint64(strtoull(text, NULL, 10)));
}

static json_object *info_of(int root_fd, const char *res, bool cache) {
  char path[64];
  snprintf(path, sizeof(path), "info/%s", res);
  _cleanup_close_ int fd = openat(root_fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return NULL;
  json_object *o = json_object_new_object();
  if (cache) {
    add_number(o, "cbm_mask", fd, "cbm_mask", 16);
    add_number(o, "min_cbm_bits", fd, "min_cbm_bits", 10);
  } else {
    add_number(o, "bandwidth_gran", fd, "bandwidth_gran", 10);
    add_number(o, "delay_linear", fd, "delay_linear", 10);
    add_number(o, "min_bandwidth", fd, "min_bandwidth", 10);
  }
  add_number(o, "num_closids", fd, "num_closids", 10);
  return o;
}

static void add(json_object *o, const char *key, json_object *v) {
  if (v != NULL)
    json_object_object_add(o, key, v);
}

static int by_name(const void *a, const void *b) {
  return strcmp(json_object_get_string(*(json_object *const *)a),
                json_object_get_string(*(json_object *const *)b));
}

/* mon_data/mon_L3_NN/{llc_occupancy, mbm_total_bytes, mbm_local_bytes}, domain by domain in
 * the order of their numbers: runc's cmt_stats and mbm_stats. */
static void monitoring_stats(int mon_data_fd, json_object *out) {
  int fd = dup(mon_data_fd);
  _cleanup_closedir_ DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
  if (d == NULL) {
    closep(&fd);
    return;
  }
  json_object *cmt = json_object_new_array(), *mbm = json_object_new_array();
  json_object *domains = json_object_new_array();
  for (struct dirent *e = readdir(d); e != NULL; e = readdir(d))
    if (strncmp(e->d_name, "mon_L3_", 7) == 0)
      json_object_array_add(domains, json_object_new_string(e->d_name));
  json_object_array_sort(domains, by_name);
  for (size_t i = 0; i < json_object_array_length(domains); i++) {
    const char *name = json_object_get_string(json_object_array_get_idx(domains, i));
    _cleanup_close_ int dom = openat(mon_data_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dom < 0)
      continue;
    if (faccessat(dom, "llc_occupancy", F_OK, 0) == 0) {
      json_object *c = json_object_new_object();
      add_number(c, "llc_occupancy", dom, "llc_occupancy", 10);
      json_object_array_add(cmt, c);
    }
    if (faccessat(dom, "mbm_total_bytes", F_OK, 0) == 0 ||
        faccessat(dom, "mbm_local_bytes", F_OK, 0) == 0) {
      json_object *m = json_object_new_object();
      add_number(m, "mbm_total_bytes", dom, "mbm_total_bytes", 10);
      add_number(m, "mbm_local_bytes", dom, "mbm_local_bytes", 10);
      json_object_array_add(mbm, m);
    }
  }
  json_object_put(domains);
  if (json_object_array_length(cmt) > 0)
    json_object_object_add(out, "cmt_stats", cmt);
  else
    json_object_put(cmt);
  if (json_object_array_length(mbm) > 0)
    json_object_object_add(out, "mbm_stats", mbm);
  else
    json_object_put(mbm);
}

int rdt_group_stats(struct berth_rdt *g, char **stats_json, struct berth_error *err) {
  _cleanup_close_ int root_fd = rdt_open_root(g, err);
  if (root_fd < 0)
    return root_fd;
  _cleanup_close_ int group_fd =
      openat(root_fd, g->group, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (group_fd < 0)
    return rdt_error(err, errno, "open resctrl group %s", g->group);
  _cleanup_json_ json_object *o = json_object_new_object();
  add(o, "l3_cache_info", info_of(root_fd, "L3", true));
  add(o, "l3_cache_schema_root", schema_lines(root_fd, "L3"));
  add(o, "l3_cache_schema", schema_lines(group_fd, "L3"));
  add(o, "mem_bw_info", info_of(root_fd, "MB", false));
  add(o, "mem_bw_schema_root", schema_lines(root_fd, "MB"));
  add(o, "mem_bw_schema", schema_lines(group_fd, "MB"));
  /* The container's own monitoring group when it has one, else its control group's. */
  char path[PATH_MAX];
  snprintf(path, sizeof(path), "%s%s/mon_data", g->monitor[0] ? "mon_groups/" : "", g->monitor);
  _cleanup_close_ int mon_fd =
      openat(group_fd, g->monitor[0] ? path : "mon_data", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (mon_fd >= 0)
    monitoring_stats(mon_fd, o);
  *stats_json = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
  return *stats_json != NULL ? 0 : rdt_error(err, ENOMEM, "intelrdt: stats");
}
