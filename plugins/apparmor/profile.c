/* SPDX-License-Identifier: Apache-2.0 */
/* process.apparmorProfile: a name the kernel can be asked for, on a host that enforces
 * AppArmor, of a profile it has loaded. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apparmor.h"

#define PROFILES_FILE "/sys/kernel/security/apparmor/profiles"

static void fclosep(FILE **f) {
  if (*f != NULL)
    fclose(*f);
}
static void freep(char **p) {
  free(*p);
}

int aa_check_name(const char *label, struct berth_error *err) {
  size_t n = strlen(label);
  if (n == 0)
    return aa_error(err, 0, "empty AppArmor profile name");
  if (n > AA_NAME_MAX)
    return aa_error(err, 0, "AppArmor profile name longer than %d bytes", AA_NAME_MAX);
  for (const unsigned char *p = (const unsigned char *)label; *p != '\0'; p++)
    if (*p < 0x20 || *p == 0x7f)
      return aa_error(err, 0, "control character 0x%02x in the AppArmor profile name", *p);
  if (label[0] == ' ' || label[n - 1] == ' ')
    return aa_error(err, 0, "AppArmor profile name begins or ends with a space");
  return 0;
}

/* Each line is "NAME (MODE)": NAME may hold spaces, MODE is enforce, complain, kill,
 * unconfined ... */
int aa_profile_loaded(const char *name, bool *loaded, struct berth_error *err) {
  char path[4096];
  snprintf(path, sizeof(path), "%s%s", aa_root, PROFILES_FILE);
  *loaded = false;
  __attribute__((cleanup(fclosep))) FILE *f = fopen(path, "re");
  if (f == NULL)
    return aa_error(err, errno,
                    "cannot list the loaded AppArmor profiles (is securityfs mounted?): open %s",
                    PROFILES_FILE);
  __attribute__((cleanup(freep))) char *line = NULL;
  size_t size = 0, want = strlen(name);
  ssize_t n;
  while (!*loaded && (n = getline(&line, &size, f)) > 0) {
    char *mode = strrchr(line, '(');
    *loaded = mode != NULL && mode - line == (ssize_t)want + 1 && mode[-1] == ' ' &&
              strncmp(line, name, want) == 0;
  }
  if (ferror(f))
    return aa_error(err, EIO, "read %s", PROFILES_FILE);
  return 0;
}

int32_t aa_validate(const char *label, struct berth_error *err) {
  int32_t enabled = 0;
  int r = aa_check_name(label, err);
  if (r < 0 || (r = aa_enabled(&enabled, err)) < 0)
    return r;
  if (!enabled)
    return aa_error(err, 0,
                    "AppArmor is not enabled on this host (/sys/module/apparmor/parameters/"
                    "enabled is not Y)");
  /* The kernel's own label, never listed: runc and Docker's way of saying "no profile". */
  if (strcmp(label, "unconfined") == 0)
    return 0;
  bool loaded = false;
  if ((r = aa_profile_loaded(label, &loaded, err)) < 0)
    return r;
  if (!loaded)
    return aa_error(err, 0,
                    "AppArmor profile not loaded on this host (not in %s; load it with "
                    "apparmor_parser -r)",
                    PROFILES_FILE);
  return 0;
}
