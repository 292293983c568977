/* SPDX-License-Identifier: Apache-2.0 */
/* /proc/self/mountinfo, parsed. */
#include "mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <linux/magic.h>

#include "cleanup.h"
#include "json_util.h"
#include "log.h"
#include "safe_path.h"
#include "util.h"

/* Mount points in mountinfo escape " \t\n\\" as octal (\040 ...). */
static char *unescape_mountinfo(const char *s) {
  char *out = malloc(strlen(s) + 1), *o = out;
  if (out == NULL)
    return NULL;
  while (*s != '\0') {
    if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' &&
        s[3] <= '7') {
      *o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
      s += 4;
    } else {
      *o++ = *s++;
    }
  }
  *o = '\0';
  return out;
}

static void mountinfo_entry_free(struct berth_mountinfo *e) {
  free(e->root);
  free(e->mountpoint);
  free(e->fstype);
  free(e->source);
  free(e->super_options);
}

/* "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 shared:2 - ext3 /dev/root rw,errors=continue" */
static int parse_mountinfo_line(char *line, struct berth_mountinfo *e) {
  char *save = NULL, *fields[6];
  for (int i = 0; i < 6; i++)
    if ((fields[i] = strtok_r(i == 0 ? line : NULL, " ", &save)) == NULL)
      return -EINVAL;
  e->id = atoi(fields[0]);
  e->parent = atoi(fields[1]);
  char *tok;
  while ((tok = strtok_r(NULL, " ", &save)) != NULL && strcmp(tok, "-") != 0)
    if (strncmp(tok, "shared:", 7) == 0)
      e->shared = true;
  char *fstype = strtok_r(NULL, " ", &save), *source = strtok_r(NULL, " ", &save);
  char *super = strtok_r(NULL, " \n", &save);
  if (tok == NULL || fstype == NULL || source == NULL)
    return -EINVAL;
  e->root = unescape_mountinfo(fields[3]);
  e->mountpoint = unescape_mountinfo(fields[4]);
  e->fstype = strdup(fstype);
  e->source = unescape_mountinfo(source);
  e->super_options = strdup(super != NULL ? super : "");
  if (!e->root || !e->mountpoint || !e->fstype || !e->source || !e->super_options)
    return -ENOMEM;
  return 0;
}

int berth_mountinfo_read(struct berth_mountinfo **out, size_t *n, struct berth_error *err) {
  _cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
  if (f == NULL)
    return berth_error(err, errno, "open /proc/self/mountinfo");
  _cleanup_free_ char *line = NULL;
  size_t cap = 0, count = 0;
  struct berth_mountinfo *table = NULL;
  while (getline(&line, &cap, f) > 0) {
    struct berth_mountinfo *bigger = realloc(table, (count + 1) * sizeof(*table));
    if (bigger == NULL) {
      berth_mountinfo_free(table, count);
      return berth_error(err, ENOMEM, "read /proc/self/mountinfo");
    }
    table = bigger;
    table[count] = (struct berth_mountinfo){0};
    int r = parse_mountinfo_line(line, &table[count++]);
    if (r < 0) {
      berth_mountinfo_free(table, count);
      return berth_error(err, -r, "parse /proc/self/mountinfo");
    }
  }
  *out = table;
  *n = count;
  return 0;
}

void berth_mountinfo_free(struct berth_mountinfo *table, size_t n) {
  for (size_t i = 0; i < n; i++)
    mountinfo_entry_free(&table[i]);
  free(table);
}

/* ---- mounting on fds ---- */
