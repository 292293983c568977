/* SPDX-License-Identifier: Apache-2.0 */
/* enter: start the unit with the container's init in it and wait until systemd says the job
 * is done; check that the init really is in the unit's cgroup (runc #2313 trusted a queued
 * job); then let the fs core write every file of linux.resources. A failure stops the unit
 * and removes what was made. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "helpers.h"
#include "sd.h"

/* Check that the unit's cgroup is where pid is now. */
static int verify_pid(struct berth_cgroup *cg, pid_t pid, struct berth_error *err) {
  char file[64];
  snprintf(file, sizeof(file), "/proc/%d/cgroup", (int)pid);
  _cleanup_free_ char *text = NULL;
  int r = cgc_read_file(file, PROC_FILE_MAX, &text);
  if (r < 0)
    return cg_error(err, -r, "unit %s: check where pid %d is: read %s", cg->names.unit, (int)pid,
                    file);
  _cleanup_free_ char *where = cgc_proc_cgroup_of(text, cg->unified);
  if (where == NULL || strcmp(where, cg->cgroup) != 0)
    return cg_error(err, EIO,
                    "unit %s: systemd reported it started, but pid %d is in cgroup %s, not in "
                    "the unit's %s",
                    cg->names.unit, (int)pid, where != NULL ? where : "(none)", cg->cgroup);
  return 0;
}

static void sleep_ms(long ms) {
  struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000};
  while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
    ;
}

/* runc #3780: a failed unit of the same name kept the name taken. systemd refuses to start a
 * transient unit over a loaded one: reset a failed one, give an inactive one a moment to be
 * unloaded; 0 once systemd has no unit of that name. */
static int make_name_free(struct berth_cgroup *cg, struct berth_error *err) {
  for (int i = 0; i < 20; i++) {
    _cleanup_free_ char *state = NULL;
    int r = unit_state(&cg->conn, cg->names.unit, &state, err);
    if (r < 0 || state == NULL)
      return r;
    if (strcmp(state, "failed") == 0) {
      log_info("cgroup-systemd: unit %s failed earlier: resetting it", cg->names.unit);
      if ((r = unit_reset_failed(&cg->conn, cg->names.unit, err)) < 0)
        return r;
    } else if (strcmp(state, "inactive") != 0)
      return cg_error(err, EEXIST,
                      "start unit %s: a unit of that name exists and is %s (another container "
                      "or service uses the name)",
                      cg->names.unit, state);
    sleep_ms(50);
  }
  return cg_error(err, EEXIST, "start unit %s: systemd keeps an inactive unit of that name",
                  cg->names.unit);
}

static int start_unit(struct berth_cgroup *cg, const struct unit_properties *props,
                      struct berth_error *err) {
  int r = make_name_free(cg, err);
  for (int attempt = 0; r >= 0 && attempt < 2; attempt++) {
    bool sent = false;
    r = unit_start(&cg->conn, cg->names.unit, props, &sent, err);
    cg->started |= sent;
    if (r != -EEXIST)
      break;
    /* Someone made (or failed) a unit of that name since: once more, then report. */
    if (attempt == 0 && (r = make_name_free(cg, err)) < 0)
      break;
    r = -EEXIST;
  }
  if (r == -EEXIST)
    return cg_error(err, EEXIST, "start unit %s: systemd already has a unit of that name",
                    cg->names.unit);
  return r;
}

/* Where the unit is: ControlGroup, and that cgroup in the hierarchy systemd tracks it in. */
static int locate(struct berth_cgroup *cg, struct berth_error *err) {
  int r = unit_control_group(&cg->conn, cg->names.unit, &cg->cgroup, err);
  if (r < 0)
    return r;
  _cleanup_free_ char *mount = NULL;
  r = hierarchy_mount(cg->unified, &mount);
  if (r < 0)
    return cg_error(err, -r, "unit %s: find the %s mount", cg->names.unit,
                    cg->unified ? "cgroup2" : "name=systemd");
  if (asprintf(&cg->path, "%s%s", mount, strcmp(cg->cgroup, "/") == 0 ? "" : cg->cgroup) < 0) {
    cg->path = NULL;
    return cg_error(err, ENOMEM, "unit %s", cg->names.unit);
  }
  return 0;
}

/* v1 (and hybrid): fs1 makes the unit's path in every hierarchy before systemd starts
 * the unit (runc's joinCgroups: systemd only runs some controllers), refusing one that holds
 * processes; systemd's own directories are simply adopted. */
static int prepare_v1(struct berth_cgroup *cg, struct berth_error *err) {
  _cleanup_free_ char *path = unit_cgroup_path(&cg->names);
  if (path == NULL)
    return cg_error(err, ENOMEM, "unit %s", cg->names.unit);
  struct berth_cgroup_request req = {
      .struct_size = sizeof(req),
      .flags = cg->rootless ? BERTH_CGROUP_REQ_ROOTLESS : 0,
      .container_id = cg->id,
      .cgroups_path = path,
      .resources_json = NULL, /* written once the unit runs, after systemd's own writes */
  };
  return fs1_create(&req, &cg->v1, err);
}

static int attach_v2(struct berth_cgroup *cg, struct berth_error *err) {
  _cleanup_json_ json_object *state = json_object_new_object();
  if (state == NULL ||
      json_object_object_add(state, "path", json_object_new_string(cg->path)) < 0 ||
      json_object_object_add(state, "rootless", json_object_new_boolean(cg->rootless)) < 0)
    return cg_error(err, ENOMEM, "unit %s", cg->names.unit);
  return fs2_load(json_object_to_json_string_ext(state, JSON_C_TO_STRING_PLAIN), &cg->v2, err);
}

/* The fs core's part once the unit runs: its handle, the pid where systemd did not put it, and
 * every file of linux.resources. */
static int fs_enter(struct berth_cgroup *cg, pid_t pid, struct berth_error *err) {
  int r;
  if (cg->unified) {
    if ((r = attach_v2(cg, err)) < 0)
      return r;
    if (cg->names.is_slice && (r = fs2_enter(cg->v2, pid, err)) < 0)
      return r;
  } else {
    _cleanup_free_ char *expected = unit_cgroup_path(&cg->names);
    if (expected == NULL || strcmp(expected, cg->cgroup) != 0)
      return cg_error(err, EIO, "unit %s: systemd made cgroup %s, not %s", cg->names.unit,
                      cg->cgroup, expected != NULL ? expected : "(out of memory)");
    if ((r = fs1_enter(cg->v1, pid, err)) < 0)
      return r;
  }
  /* A slice's init was put there just now, by the fs core: check it made it. */
  if ((cg->names.is_slice && (r = verify_pid(cg, pid, err)) < 0) || cg->resources_json == NULL)
    return r;
  return cg->unified ? fs2_apply(cg->v2, cg->resources_json, err)
                     : fs1_apply(cg->v1, cg->resources_json, err);
}

/* Undo a failed enter; the first error is the one reported, so these go to the log. */
static void rollback(struct berth_cgroup *cg) {
  if (cg->started) {
    if (unit_stop(&cg->conn, cg->names.unit, NULL) < 0)
      log_warn("cgroup-systemd: rollback: stopping unit %s failed", cg->names.unit);
    unit_reset_failed(&cg->conn, cg->names.unit, NULL);
    cg->started = false;
  }
  if (remove_cgroups(cg, NULL) < 0)
    log_warn("cgroup-systemd: rollback: removing the cgroups of unit %s failed", cg->names.unit);
  if (cg->v2 != NULL)
    fs2_release(cg->v2);
  if (cg->v1 != NULL)
    fs1_release(cg->v1);
  cg->v1 = NULL;
  cg->v2 = NULL;
}

static int start(struct berth_cgroup *cg, pid_t pid, struct berth_error *err) {
  _cleanup_json_ json_object *resources = NULL;
  int r = cgc_parse_object(cg->resources_json, "linux.resources", &resources, err);
  if (r < 0 || (r = conn_open(&cg->conn, cg->rootless, err)) < 0)
    return r;
  _cleanup_free_ char *proc_devices = NULL;
  struct host_facts facts;
  host_facts_init(cg, &facts, &proc_devices);
  _cleanup_props_ struct unit_properties props = {0};
  r = start_properties(cg, &facts, cg->names.is_slice ? 0 : pid, resources, &props, err);
  if (r < 0)
    return r;
  _cleanup_free_ char *text = props_format(&props);
  log_debug("cgroup-systemd: starting unit %s:\n%s", cg->names.unit, text != NULL ? text : "");
  if (!cg->unified && (r = prepare_v1(cg, err)) < 0)
    return r;
  if ((r = start_unit(cg, &props, err)) < 0 || (r = locate(cg, err)) < 0 ||
      (!cg->names.is_slice && (r = verify_pid(cg, pid, err)) < 0) ||
      (r = fs_enter(cg, pid, err)) < 0) {
    rollback(cg);
    return r;
  }
  return 0;
}

int32_t cgsd_enter(struct berth_cgroup *cg, int32_t pid, struct berth_error *err) {
  if (pid <= 0)
    return cg_error(err, EINVAL, "enter unit %s: invalid pid %d", cg->names.unit, (int)pid);
  /* Once the unit runs, another process joins its cgroup through the fs core. */
  if (cg->v2 != NULL)
    return fs2_enter(cg->v2, pid, err);
  if (cg->v1 != NULL)
    return fs1_enter(cg->v1, pid, err);
  return start(cg, pid, err);
}
