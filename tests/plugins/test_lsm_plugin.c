/* SPDX-License-Identifier: Apache-2.0 */
/*
 * LSM plugins for tests/unit/test_lsm.c, built from this file twice: TEST_LSM_NAME is the
 * basename, TEST_LSM_ABI_MINOR the ABI it claims. An ABI 1.1 build (selinux.so) has a
 * descriptor that ends before the 1.2 lsm member, as one built against the 1.1 header
 * would; the 1.2 build (apparmor.so) answers by label: "refused" is refused, "bad-attr"
 * names an attr outside /proc/thread-self/attr, anything else is "exec LABEL" to
 * "apparmor/exec". TEST_LSM_FIELD (1.4 on) is the field it declares, TEST_LSM_MOUNT_FIELD adds
 * linux.mountLabel; from 1.5 on it has keyring_attr ("keycreate", the label) and mount_option
 * (context="LABEL"). With BERTH_TEST_PLUGIN_CALLS naming a file, the entry point and the
 * enabled op append "entry|enabled PID PPID" to it: which process ran the plugin's code.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <berth/plugin.h>

static const struct berth_host_api *host;

static void record_call(const char *what) {
  const char *path = getenv("BERTH_TEST_PLUGIN_CALLS");
  FILE *f = path != NULL ? fopen(path, "ae") : NULL;
  if (f == NULL)
    return;
  fprintf(f, "%s %d %d\n", what, (int)getpid(), (int)getppid());
  fclose(f);
}

static int32_t op_enabled(int32_t *enabled, struct berth_error *err) {
  record_call("enabled");
  *enabled = 1;
  return 0;
}

static int32_t op_validate(const char *label, struct berth_error *err) {
  if (strcmp(label, "refused") == 0)
    return host->error(err, 0, "test lsm %s: refusing %s", TEST_LSM_NAME, label);
  return 0;
}

static int32_t op_exec_attr(const char *label, char **attr, char **value, struct berth_error *err) {
  *attr = strdup(strcmp(label, "bad-attr") == 0 ? "../exec" : "apparmor/exec");
  if (*attr == NULL || asprintf(value, "exec %s", label) < 0)
    return host->error(err, ENOMEM, "test lsm");
  return 0;
}

/* 1.5's ops, in every build's table: one of an older minor ends (struct_size) before them,
 * so that a host reading past struct_size would make a keyring entry or label mounts. */
static int32_t op_keyring_attr(const char *label, char **attr, char **value,
                               struct berth_error *err) {
  *attr = strdup("keycreate");
  *value = strdup(label);
  if (*attr == NULL || *value == NULL)
    return host->error(err, ENOMEM, "test lsm");
  return 0;
}

static int32_t op_mount_option(const char *label, char **option, struct berth_error *err) {
  if (asprintf(option, "context=\"%s\"", label) < 0)
    return host->error(err, ENOMEM, "test lsm");
  return 0;
}

#ifdef TEST_LSM_FIELD
/* An ABI 1.4 plugin says which spec field it labels, whatever its name. */
static const char *const fields[] = {TEST_LSM_FIELD,
#ifdef TEST_LSM_MOUNT_FIELD
                                     "linux.mountLabel",
#endif
                                     NULL};
#endif

static const struct berth_lsm_ops ops = {
#if TEST_LSM_ABI_MINOR < 5
    .struct_size = offsetof(struct berth_lsm_ops, keyring_attr),
#else
    .struct_size = sizeof(struct berth_lsm_ops),
#endif
    .enabled = op_enabled,
    .validate = op_validate,
    .exec_attr = op_exec_attr,
#ifdef TEST_LSM_FIELD
    .fields = fields,
#endif
    .keyring_attr = op_keyring_attr,
    .mount_option = op_mount_option,
};

static const struct berth_plugin plugin = {
    .magic = BERTH_PLUGIN_MAGIC,
    .abi_major = BERTH_ABI_MAJOR,
    .abi_minor = TEST_LSM_ABI_MINOR,
#if TEST_LSM_ABI_MINOR < 2
    .struct_size = offsetof(struct berth_plugin, lsm),
#else
    .struct_size = sizeof(struct berth_plugin),
    .lsm = &ops,
#endif
    .kind = BERTH_PLUGIN_KIND_LSM,
    .name = TEST_LSM_NAME,
    .version = "0.0.1-test",
    .requires = BERTH_HOST_FEATURES_1_0,
};

BERTH_PLUGIN_EXPORT const struct berth_plugin *berth_plugin_entry(const struct berth_host_api *h) {
  if (h == NULL || h->abi_major != BERTH_ABI_MAJOR)
    return NULL;
  host = h;
  (void)ops;
  record_call("entry");
  return &plugin;
}
