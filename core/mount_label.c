/* SPDX-License-Identifier: Apache-2.0 */
#include "mount_label.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>

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

/* The LSM whose mount option an option is, by its name, and the xattr that holds the same label
 * on a file. */
static const struct {
  const char *option;
  const char *xattr;
} file_labels[] = {{"context=", "security.selinux"}};

int berth_mount_label_root(int fd, const char *fstype, const char *option,
                           struct berth_error *err) {
  if (option == NULL || fstype == NULL || strcmp(fstype, "mqueue") != 0)
    return 0;
  for (size_t i = 0; i < sizeof(file_labels) / sizeof(file_labels[0]); i++) {
    size_t n = strlen(file_labels[i].option);
    if (strncmp(option, file_labels[i].option, n) != 0)
      continue;
    const char *label = option + n;
    size_t len = strlen(label);
    if (len >= 2 && label[0] == '"' && label[len - 1] == '"') {
      label++;
      len -= 2;
    }
    /* fd is O_PATH: fsetxattr refuses it, its magic link does not. */
    char path[64];
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    if (setxattr(path, file_labels[i].xattr, label, len, 0) < 0)
      return berth_error(err, errno, "set %s of the mqueue root", file_labels[i].xattr);
    return 0;
  }
  return berth_error(err, 0, "linux.mountLabel: no file label for mount option %s", option);
}
