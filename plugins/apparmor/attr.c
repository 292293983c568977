/* SPDX-License-Identifier: Apache-2.0 */
/* What the container's process writes, and where, so that execve puts it under the profile. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "apparmor.h"

/* Since Linux 5.8 each module has its own attr directory; the shared attr/exec belongs to
 * whichever major module came first, so it is only used on kernels without the directory. */
int32_t aa_exec_attr(const char *label, char **attr, char **value, struct berth_error *err) {
  char path[4096];
  struct stat st;
  snprintf(path, sizeof(path), "%s/proc/thread-self/attr/apparmor", aa_root);
  bool own_dir = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
  *attr = strdup(own_dir ? "apparmor/exec" : "exec");
  if (*attr == NULL || asprintf(value, "exec %s", label) < 0) {
    free(*attr);
    *attr = *value = NULL;
    return aa_error(err, ENOMEM, "AppArmor exec attr");
  }
  return 0;
}
