/* SPDX-License-Identifier: Apache-2.0 */
/* The handle on a container's resctrl group and what is done with it. */
#ifndef INTELRDT_GROUP_H
#define INTELRDT_GROUP_H

#include "intelrdt.h"

struct berth_rdt {
  char root[PATH_MAX];        /* the resctrl mount point */
  char group[NAME_MAX + 1];   /* the control group: closID, or the container ID */
  bool shared;                /* named by closID: never removed by a container */
  bool made;                  /* the first add made the group (undone if that add fails) */
  char monitor[NAME_MAX + 1]; /* enableMonitoring: GROUP/mon_groups/MONITOR, else "" */
  /* Set by create, done by the first add: create only validates and names the group, so that
   * the host records the handle before anything exists (a berth killed between a mkdir and its
   * record would leave a group that delete -f cannot find). Never saved. */
  bool pending;
  char *schemata; /* the checked lines to write, "" for none; malloc()ed */
};

void rdt_group_free(struct berth_rdt *g);

int rdt_open_root(const struct berth_rdt *g, struct berth_error *err);
int rdt_remove_tree(int dirfd, const char *name, struct berth_error *err);
int rdt_group_create(const struct berth_rdt_request *req, struct berth_rdt **out,
                     struct berth_error *err);
int rdt_group_update(struct berth_rdt *g, const char *intel_rdt_json, struct berth_error *err);
int rdt_group_add(struct berth_rdt *g, int32_t pid, struct berth_error *err);
int rdt_group_destroy(struct berth_rdt *g, struct berth_error *err);
int rdt_group_save(struct berth_rdt *g, char **state_json, struct berth_error *err);
int rdt_group_load(const char *state_json, struct berth_rdt **out, struct berth_error *err);
int rdt_group_stats(struct berth_rdt *g, char **stats_json, struct berth_error *err);

#endif
