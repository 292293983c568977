/* SPDX-License-Identifier: Apache-2.0 */
#include "mount_label.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool berth_mount_takes_label(const char *fstype, bool bind) {
  static const char *const never[] = {"bind", "proc", "sysfs", "cgroup", "cgroup2", "mqueue"};
  if (bind || fstype == NULL || *fstype == '\0')
    return false;
  for (size_t i = 0; i < sizeof(never) / sizeof(never[0]); i++)
    if (strcmp(fstype, never[i]) == 0)
      return false;
  return true;
}

char *berth_mount_label_data(const char *data, const char *option) {
  char *out = NULL;
  int n = data != NULL && *data != '\0' ? asprintf(&out, "%s,%s", data, option)
                                        : asprintf(&out, "%s", option);
  return n < 0 ? NULL : out;
}
