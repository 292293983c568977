/* SPDX-License-Identifier: Apache-2.0 */
/* A context the host's policy knows, and what the init writes for it. */
#include <errno.h>
#include <stdio.h>
#include <selinux/selinux.h>
#include <stdlib.h>
#include <string.h>

#include "selinux.h"

const struct berth_host_api *se_host;

struct se_library se_lib = {
    .is_enabled = is_selinux_enabled,
    .check_context = security_check_context,
};

int32_t se_enabled(int32_t *enabled, struct berth_error *err) {
  (void)err;
  *enabled = se_lib.is_enabled() == 1;
  return 0;
}

/* What the kernel could misread before the policy is asked: a context is one line of
 * printable text, and the mount option quotes it (context="..."), so no quote inside. */
static int32_t check_text(const char *label, struct berth_error *err) {
  size_t n = strlen(label);
  if (n == 0)
    return se_error(err, 0, "empty SELinux context");
  if (n > SE_CONTEXT_MAX)
    return se_error(err, 0, "SELinux context longer than %d bytes", SE_CONTEXT_MAX);
  for (const unsigned char *p = (const unsigned char *)label; *p != '\0'; p++) {
    if (*p < 0x20 || *p == 0x7f)
      return se_error(err, 0, "control character 0x%02x in the SELinux context", *p);
    if (*p == '"')
      return se_error(err, 0, "double quote in the SELinux context");
  }
  return 0;
}

/* Refused on a host without SELinux, whatever the mode: never an unlabelled run. Permissive
 * hosts pass: the label is applied there as well (the policy then only logs denials). */
int32_t se_validate(const char *label, struct berth_error *err) {
  int32_t r = check_text(label, err);
  if (r < 0)
    return r;
  if (se_lib.is_enabled() != 1)
    return se_error(err, 0, "SELinux is not enabled on this host (is_selinux_enabled: no)");
  if (se_lib.check_context(label) < 0)
    return se_error(err, 0,
                    "not a valid SELinux context in this host's policy (security_check_context)");
  return 0;
}

static int32_t attr_of(const char *name, const char *label, char **attr, char **value,
                       struct berth_error *err) {
  *attr = strdup(name);
  *value = strdup(label);
  if (*attr == NULL || *value == NULL) {
    free(*attr);
    free(*value);
    *attr = *value = NULL;
    return se_error(err, ENOMEM, "SELinux %s attr", name);
  }
  return 0;
}

/* The shared attr/exec and attr/keycreate: SELinux has no attr directory of its own
 * (AppArmor and Smack do). */
int32_t se_exec_attr(const char *label, char **attr, char **value, struct berth_error *err) {
  return attr_of("exec", label, attr, value, err);
}

int32_t se_keyring_attr(const char *label, char **attr, char **value, struct berth_error *err) {
  return attr_of("keycreate", label, attr, value, err);
}

/* Quoted: an MCS range has commas ("s0:c1,c2"), which would end the option. */
int32_t se_mount_option(const char *label, char **option, struct berth_error *err) {
  if (asprintf(option, "context=\"%s\"", label) < 0) {
    *option = NULL;
    return se_error(err, ENOMEM, "SELinux mount option");
  }
  return 0;
}
