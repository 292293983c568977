/* SPDX-License-Identifier: Apache-2.0 */
/* What the host's kernel says about AppArmor: is it enforcing? */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "apparmor.h"

const struct berth_host_api *aa_host;
const char *aa_root = "";

#define ENABLED_FILE "/sys/module/apparmor/parameters/enabled"

/* "Y" when the kernel has AppArmor and it is active; "N" when it is built in but another
 * major LSM won the boot (lsm=, security=); no file when the kernel has no AppArmor. Its
 * securityfs files are checked when a profile is looked up. */
int32_t aa_enabled(int32_t *enabled, struct berth_error *err) {
  char path[4096], text[8] = "";
  snprintf(path, sizeof(path), "%s%s", aa_root, ENABLED_FILE);
  *enabled = 0;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return errno == ENOENT ? 0 : aa_error(err, errno, "open %s", ENABLED_FILE);
  ssize_t n = read(fd, text, sizeof(text) - 1);
  int saved = errno;
  close(fd);
  if (n < 0)
    return aa_error(err, saved, "read %s", ENABLED_FILE);
  *enabled = n > 0 && text[0] == 'Y';
  return 0;
}
