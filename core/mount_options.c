/* SPDX-License-Identifier: Apache-2.0 */
/* OCI mount options: runc's tables, parsed into flags, attributes and a data string. */
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

/* ---- options: runc's tables (libcontainer/specconv) ---- */

struct flag_option {
  const char *name;
  bool clear;
  unsigned long flag;
};

static const struct flag_option flag_options[] = {
    {"async", true, MS_SYNCHRONOUS},
    {"atime", true, MS_NOATIME},
    {"bind", false, MS_BIND},
    {"defaults", false, 0},
    {"dev", true, MS_NODEV},
    {"diratime", true, MS_NODIRATIME},
    {"dirsync", false, MS_DIRSYNC},
    {"exec", true, MS_NOEXEC},
    {"iversion", false, MS_I_VERSION},
    {"lazytime", false, MS_LAZYTIME},
    {"loud", true, MS_SILENT},
    {"mand", false, MS_MANDLOCK},
    {"noatime", false, MS_NOATIME},
    {"nodev", false, MS_NODEV},
    {"nodiratime", false, MS_NODIRATIME},
    {"noexec", false, MS_NOEXEC},
    {"noiversion", true, MS_I_VERSION},
    {"nolazytime", true, MS_LAZYTIME},
    {"nomand", true, MS_MANDLOCK},
    {"norelatime", true, MS_RELATIME},
    {"nostrictatime", true, MS_STRICTATIME},
    {"nosuid", false, MS_NOSUID},
    {"nosymfollow", false, MS_NOSYMFOLLOW},
    {"rbind", false, MS_BIND | MS_REC},
    {"relatime", false, MS_RELATIME},
    {"remount", false, MS_REMOUNT},
    {"ro", false, MS_RDONLY},
    {"rw", true, MS_RDONLY},
    {"silent", false, MS_SILENT},
    {"strictatime", false, MS_STRICTATIME},
    {"suid", true, MS_NOSUID},
    {"symfollow", true, MS_NOSYMFOLLOW},
    {"sync", false, MS_SYNCHRONOUS},
};

static const struct {
  const char *name;
  unsigned long flag;
} propagation_options[] = {
    {"private", MS_PRIVATE},       {"rprivate", MS_PRIVATE | MS_REC},
    {"shared", MS_SHARED},         {"rshared", MS_SHARED | MS_REC},
    {"slave", MS_SLAVE},           {"rslave", MS_SLAVE | MS_REC},
    {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
};

/* Recursive attributes (runc 1.1+, mount_setattr(2), Linux 5.12). The atime settings are an
 * enum inside MOUNT_ATTR__ATIME, not bits: changing one needs all of __ATIME in attr_clr, and
 * clearing one ("ratime", "rnostrictatime") means falling back to the default, relatime. */
struct attr_option {
  const char *name;
  bool clear;
  bool atime;
  uint64_t attr;
};

static const struct attr_option attr_options[] = {
    {"rro", false, false, MOUNT_ATTR_RDONLY},
    {"rrw", true, false, MOUNT_ATTR_RDONLY},
    {"rnosuid", false, false, MOUNT_ATTR_NOSUID},
    {"rsuid", true, false, MOUNT_ATTR_NOSUID},
    {"rnodev", false, false, MOUNT_ATTR_NODEV},
    {"rdev", true, false, MOUNT_ATTR_NODEV},
    {"rnoexec", false, false, MOUNT_ATTR_NOEXEC},
    {"rexec", true, false, MOUNT_ATTR_NOEXEC},
    {"rnodiratime", false, false, MOUNT_ATTR_NODIRATIME},
    {"rdiratime", true, false, MOUNT_ATTR_NODIRATIME},
    {"rnosymfollow", false, false, MOUNT_ATTR_NOSYMFOLLOW},
    {"rsymfollow", true, false, MOUNT_ATTR_NOSYMFOLLOW},
    {"rrelatime", false, true, MOUNT_ATTR_RELATIME},
    {"rnorelatime", true, true, MOUNT_ATTR_RELATIME},
    {"rnoatime", false, true, MOUNT_ATTR_NOATIME},
    {"ratime", true, true, MOUNT_ATTR_NOATIME},
    {"rstrictatime", false, true, MOUNT_ATTR_STRICTATIME},
    {"rnostrictatime", true, true, MOUNT_ATTR_STRICTATIME},
};

bool berth_propagation_parse(const char *name, unsigned long *flag) {
  for (size_t i = 0; i < ARRAY_SIZE(propagation_options); i++)
    if (strcmp(name, propagation_options[i].name) == 0) {
      *flag = propagation_options[i].flag;
      return true;
    }
  return false;
}

static bool parse_flag_option(const char *name, struct berth_mount_options *o) {
  for (size_t i = 0; i < ARRAY_SIZE(flag_options); i++) {
    const struct flag_option *f = &flag_options[i];
    if (strcmp(name, f->name) != 0)
      continue;
    if (f->clear) {
      o->flags &= ~f->flag;
      o->cleared |= f->flag;
    } else {
      o->flags |= f->flag;
      o->cleared &= ~f->flag;
    }
    return true;
  }
  return false;
}

static bool parse_attr_option(const char *name, struct berth_mount_options *o) {
  for (size_t i = 0; i < ARRAY_SIZE(attr_options); i++) {
    const struct attr_option *a = &attr_options[i];
    if (strcmp(name, a->name) != 0)
      continue;
    if (a->atime) {
      o->attr_clr |= MOUNT_ATTR__ATIME;
      o->attr_set &= ~(uint64_t)MOUNT_ATTR__ATIME;
      if (!a->clear)
        o->attr_set |= a->attr;
    } else if (a->clear) {
      o->attr_clr |= a->attr;
      o->attr_set &= ~a->attr;
    } else {
      o->attr_set |= a->attr;
      o->attr_clr &= ~a->attr;
    }
    return true;
  }
  return false;
}

/* Unknown options are filesystem data (runc): "mode=755", "size=65536k", "newinstance". */
static int append_data(struct berth_mount_options *o, const char *option, struct berth_error *err) {
  char *data = NULL;
  if (asprintf(&data, "%s%s%s", o->data ? o->data : "", o->data ? "," : "", option) < 0)
    return berth_error(err, ENOMEM, "option %s", option);
  free(o->data);
  o->data = data;
  return 0;
}

static int parse_option(const char *name, struct berth_mount_options *o, struct berth_error *err) {
  unsigned long propagation;
  if (parse_flag_option(name, o) || parse_attr_option(name, o))
    return 0;
  if (berth_propagation_parse(name, &propagation)) {
    if (o->n_propagation == BERTH_MOUNT_MAX_PROPAGATION)
      return berth_error(err, EINVAL, "option %s: more than %d propagation options", name,
                         BERTH_MOUNT_MAX_PROPAGATION);
    o->propagation[o->n_propagation++] = propagation;
    return 0;
  }
  if (strcmp(name, "tmpcopyup") == 0) {
    o->tmpcopyup = true;
    return 0;
  }
  /* Not for mount(2): the runtime applies the mapping (mount_idmap.h); ridmap to submounts too. */
  if (strcmp(name, "idmap") == 0 || strcmp(name, "ridmap") == 0) {
    o->idmap = true;
    o->idmap_recursive = name[0] == 'r';
    return 0;
  }
  if (*name == '\0')
    return berth_error(err, EINVAL, "empty option");
  return append_data(o, name, err);
}

static int compare_names(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

json_object *berth_mount_options_features(void) {
  static const char *const runtime_options[] = {"tmpcopyup", "idmap", "ridmap"};
  const char *names[ARRAY_SIZE(flag_options) + ARRAY_SIZE(propagation_options) +
                    ARRAY_SIZE(attr_options) + ARRAY_SIZE(runtime_options)];
  size_t n = 0;
  for (size_t i = 0; i < ARRAY_SIZE(flag_options); i++)
    names[n++] = flag_options[i].name;
  for (size_t i = 0; i < ARRAY_SIZE(propagation_options); i++)
    names[n++] = propagation_options[i].name;
  for (size_t i = 0; i < ARRAY_SIZE(attr_options); i++)
    names[n++] = attr_options[i].name;
  for (size_t i = 0; i < ARRAY_SIZE(runtime_options); i++)
    names[n++] = runtime_options[i];
  qsort(names, n, sizeof(names[0]), compare_names);
  json_object *list = json_object_new_array();
  for (size_t i = 0; i < n; i++)
    json_object_array_add(list, json_object_new_string(names[i]));
  return list;
}

int berth_mount_options_parse(json_object *options, struct berth_mount_options *out,
                              struct berth_error *err) {
  *out = (struct berth_mount_options){0};
  size_t n = options != NULL ? json_object_array_length(options) : 0;
  for (size_t i = 0; i < n; i++) {
    const char *name = json_object_get_string(json_object_array_get_idx(options, i));
    int r = parse_option(name != NULL ? name : "", out, err);
    if (r < 0) {
      berth_mount_options_clear(out);
      return r;
    }
  }
  return 0;
}

void berth_mount_options_clear(struct berth_mount_options *opts) {
  free(opts->data);
  opts->data = NULL;
}

const char *berth_mount_flags_string(unsigned long flags, char *buf, size_t size) {
  static const struct {
    unsigned long flag;
    const char *name;
  } names[] = {
      {MS_BIND, "bind"},
      {MS_REC, "rec"},
      {MS_REMOUNT, "remount"},
      {MS_RDONLY, "ro"},
      {MS_NOSUID, "nosuid"},
      {MS_NODEV, "nodev"},
      {MS_NOEXEC, "noexec"},
      {MS_SYNCHRONOUS, "sync"},
      {MS_MANDLOCK, "mand"},
      {MS_DIRSYNC, "dirsync"},
      {MS_NOSYMFOLLOW, "nosymfollow"},
      {MS_NOATIME, "noatime"},
      {MS_NODIRATIME, "nodiratime"},
      {MS_RELATIME, "relatime"},
      {MS_STRICTATIME, "strictatime"},
      {MS_LAZYTIME, "lazytime"},
      {MS_SILENT, "silent"},
      {MS_I_VERSION, "iversion"},
      {MS_PRIVATE, "private"},
      {MS_SHARED, "shared"},
      {MS_SLAVE, "slave"},
      {MS_UNBINDABLE, "unbindable"},
      {MS_MOVE, "move"},
  };
  size_t used = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < ARRAY_SIZE(names) && used < size; i++)
    if (flags & names[i].flag) {
      int n = snprintf(buf + used, size - used, "%s%s", used ? "," : "", names[i].name);
      used += n > 0 ? (size_t)n : 0;
    }
  if (used == 0)
    snprintf(buf, size, "defaults");
  return buf;
}

/* ---- /proc/self/mountinfo ---- */
