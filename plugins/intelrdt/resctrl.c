/* SPDX-License-Identifier: Apache-2.0 */
/* Finding resctrl and reading what it offers (info/, the root group's schemata). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intelrdt.h"

const struct berth_host_api *rdt_host;

static const char *mountinfo_path(void) {
  if (rdt_host->struct_size >= offsetof(struct berth_host_api, mountinfo) + sizeof(void *) &&
      rdt_host->mountinfo != NULL)
    return rdt_host->mountinfo();
  return "/proc/self/mountinfo";
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape(char *s) {
  char *out = s;
  for (; *s != '\0'; s++) {
    if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' &&
        s[3] <= '7') {
      *out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
      s += 3;
    } else
      *out++ = *s;
  }
  *out = '\0';
}

static bool has_option(const char *options, const char *option) {
  size_t n = strlen(option);
  for (const char *p = options; p != NULL; p = strchr(p, ',')) {
    p += *p == ',';
    if (strncmp(p, option, n) == 0 && (p[n] == ',' || p[n] == '\0' || p[n] == '\n'))
      return true;
  }
  return false;
}

int rdt_find_mount(char root[PATH_MAX], bool *mba_mbps, struct berth_error *err) {
  const char *path = mountinfo_path();
  _cleanup_fclose_ FILE *f = fopen(path, "re");
  if (f == NULL)
    return rdt_error(err, errno, "open %s", path);
  _cleanup_free_ char *line = NULL;
  size_t size = 0;
  while (getline(&line, &size, f) > 0) {
    /* ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS */
    char *sep = strstr(line, " - ");
    char mountpoint[PATH_MAX], fstype[64], source[256], options[1024] = "";
    if (sep == NULL || sscanf(line, "%*s %*s %*s %*s %4095s", mountpoint) != 1 ||
        sscanf(sep + 3, "%63s %255s %1023s", fstype, source, options) < 2 ||
        strcmp(fstype, "resctrl") != 0)
      continue;
    unescape(mountpoint);
    snprintf(root, PATH_MAX, "%s", mountpoint);
    *mba_mbps = has_option(options, "mba_MBps");
    return 0;
  }
  return rdt_error(err, ENOENT,
                   "resctrl is not mounted (no resctrl filesystem in %s): this host has no "
                   "Intel RDT or AMD QoS, or resctrl must be mounted first "
                   "(mount -t resctrl resctrl /sys/fs/resctrl)",
                   path);
}

/* The text of DIR/FILE below dirfd, trimmed; NULL when absent. */
static char *read_text(int dirfd, const char *file) {
  _cleanup_close_ int fd = openat(dirfd, file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return NULL;
  char buf[4096];
  ssize_t n = read(fd, buf, sizeof(buf) - 1);
  if (n < 0)
    return NULL;
  while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
    n--;
  buf[n] = '\0';
  return strdup(buf);
}

static int read_number(int dirfd, const char *res, const char *file, int base, uint64_t *out,
                       struct berth_error *err) {
  _cleanup_free_ char *text = read_text(dirfd, file);
  char *end = NULL;
  errno = 0;
  unsigned long long v = text != NULL ? strtoull(text, &end, base) : 0;
  if (text == NULL || end == text || *end != '\0' || errno != 0)
    return rdt_error(err, text == NULL ? errno : EINVAL, "resctrl info/%s/%s: %s", res, file,
                     text == NULL ? "unreadable" : "not a number");
  *out = v;
  return 0;
}

static int read_resource(int info_fd, const char *name, struct rdt_resource *r,
                         struct berth_error *err) {
  _cleanup_close_ int fd = openat(info_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return rdt_error(err, errno, "open resctrl info/%s", name);
  snprintf(r->name, sizeof(r->name), "%s", name);
  uint64_t v = 0;
  int rc = read_number(fd, name, "num_closids", 10, &v, err);
  if (rc < 0)
    return rc;
  r->num_closids = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
  r->cache = faccessat(fd, "cbm_mask", F_OK, AT_SYMLINK_NOFOLLOW) == 0;
  if (r->cache) {
    if ((rc = read_number(fd, name, "cbm_mask", 16, &r->cbm_mask, err)) < 0 ||
        (rc = read_number(fd, name, "min_cbm_bits", 10, &v, err)) < 0)
      return rc;
    r->min_cbm_bits = v > 64 ? 64 : (uint32_t)v;
    _cleanup_free_ char *sparse = read_text(fd, "sparse_masks");
    r->sparse = sparse != NULL && strcmp(sparse, "1") == 0;
    return 0;
  }
  if ((rc = read_number(fd, name, "bandwidth_gran", 10, &v, err)) < 0)
    return rc;
  r->bandwidth_gran = v > 100 ? 100 : (uint32_t)v;
  if ((rc = read_number(fd, name, "min_bandwidth", 10, &v, err)) < 0)
    return rc;
  r->min_bandwidth = v > 100 ? 100 : (uint32_t)v;
  return 0;
}

/* The domain IDs the root group's schemata lists for each resource ("L3:0=ff;1=ff"). */
static void read_domains(int root_fd, struct rdt_info *info) {
  _cleanup_free_ char *text = read_text(root_fd, "schemata");
  char *save = NULL;
  for (char *line = text ? strtok_r(text, "\n", &save) : NULL; line != NULL;
       line = strtok_r(NULL, "\n", &save)) {
    line += strspn(line, " ");
    char *colon = strchr(line, ':');
    if (colon == NULL)
      continue;
    *colon = '\0';
    for (size_t i = 0; i < info->n; i++) {
      struct rdt_resource *r = &info->res[i];
      if (strcmp(r->name, line) != 0)
        continue;
      char *dsave = NULL;
      for (char *d = strtok_r(colon + 1, ";", &dsave); d != NULL && r->n_domains < RDT_MAX_DOMAINS;
           d = strtok_r(NULL, ";", &dsave))
        r->domains[r->n_domains++] = (uint32_t)strtoul(d, NULL, 10);
    }
  }
}

int rdt_read_info(int root_fd, bool mba_mbps, struct rdt_info *info, struct berth_error *err) {
  memset(info, 0, sizeof(*info));
  info->mba_mbps = mba_mbps;
  _cleanup_close_ int info_fd =
      openat(root_fd, "info", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (info_fd < 0)
    return rdt_error(err, errno, "open resctrl info/");
  int dup_fd = dup(info_fd);
  _cleanup_closedir_ DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
  if (d == NULL) {
    closep(&dup_fd);
    return rdt_error(err, errno, "read resctrl info/");
  }
  for (struct dirent *e = readdir(d); e != NULL; e = readdir(d)) {
    if (e->d_name[0] == '.' || e->d_type != DT_DIR)
      continue;
    /* L3_MON and the like say what can be monitored, not allocated. */
    if (strstr(e->d_name, "_MON") != NULL) {
      info->monitoring = info->monitoring || strcmp(e->d_name, "L3_MON") == 0;
      continue;
    }
    if (info->n == RDT_MAX_RESOURCES || strlen(e->d_name) >= sizeof(info->res[0].name))
      continue;
    int r = read_resource(info_fd, e->d_name, &info->res[info->n], err);
    if (r < 0)
      return r;
    info->n++;
  }
  read_domains(root_fd, info);
  return 0;
}

uint32_t rdt_num_closids(const struct rdt_info *info) {
  uint32_t n = 0;
  for (size_t i = 0; i < info->n; i++)
    if (n == 0 || info->res[i].num_closids < n)
      n = info->res[i].num_closids;
  return n;
}
