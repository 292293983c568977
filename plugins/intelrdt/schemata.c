/* SPDX-License-Identifier: Apache-2.0 */
/* One schemata line against what resctrl's info/ says this host can do: the checks the kernel
 * makes when the line is written (and reports only in info/last_cmd_status), made before
 * anything is created, with a reason a user can act on. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intelrdt.h"

static int why_not(char *why, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int why_not(char *why, size_t size, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, size, fmt, ap);
  va_end(ap);
  return -1;
}

static const struct rdt_resource *find(const struct rdt_info *info, const char *name) {
  for (size_t i = 0; i < info->n; i++)
    if (strcmp(info->res[i].name, name) == 0)
      return &info->res[i];
  return NULL;
}

static bool known_domain(const struct rdt_resource *r, uint32_t id) {
  if (r->n_domains == 0)
    return true;
  for (size_t i = 0; i < r->n_domains; i++)
    if (r->domains[i] == id)
      return true;
  return false;
}

static int check_mask(const struct rdt_resource *r, uint32_t id, const char *value, char *why,
                      size_t size) {
  char *end = NULL;
  errno = 0;
  uint64_t mask = strtoull(value, &end, 16);
  if (end == value || *end != '\0' || errno != 0)
    return why_not(why, size, "domain %" PRIu32 ": \"%s\" is not a hexadecimal bit mask", id,
                   value);
  if (mask & ~r->cbm_mask)
    return why_not(why, size,
                   "domain %" PRIu32 ": mask %" PRIx64 " sets bits outside cbm_mask %" PRIx64, id,
                   mask, r->cbm_mask);
  unsigned bits = (unsigned)__builtin_popcountll(mask);
  if (bits < r->min_cbm_bits || mask == 0)
    return why_not(why, size,
                   "domain %" PRIu32 ": mask %" PRIx64 " sets %u bits, min_cbm_bits is %" PRIu32,
                   id, mask, bits, r->min_cbm_bits);
  /* Intel's CAT takes one run of consecutive bits; sparse_masks says when the CPU does not. */
  uint64_t shifted = mask >> __builtin_ctzll(mask);
  if (!r->sparse && (shifted & (shifted + 1)) != 0)
    return why_not(why, size, "domain %" PRIu32 ": mask %" PRIx64 " is not contiguous", id, mask);
  return 0;
}

static int check_bandwidth(const struct rdt_info *info, const struct rdt_resource *r, uint32_t id,
                           const char *value, char *why, size_t size) {
  char *end = NULL;
  errno = 0;
  unsigned long long bw = strtoull(value, &end, 10);
  if (end == value || *end != '\0' || errno != 0 || value[0] == '-')
    return why_not(why, size, "domain %" PRIu32 ": \"%s\" is not a number", id, value);
  /* With mba_MBps the kernel's software controller takes MB/s: any positive number. */
  if (info->mba_mbps)
    return bw == 0 ? why_not(why, size, "domain %" PRIu32 ": 0 MBps", id) : 0;
  if (bw < r->min_bandwidth || bw > 100)
    return why_not(why, size,
                   "domain %" PRIu32 ": %llu%% is outside min_bandwidth %" PRIu32 "..100", id, bw,
                   r->min_bandwidth);
  /* The kernel would round it up to the next step, silently: refused instead. */
  if (r->bandwidth_gran > 1 && bw % r->bandwidth_gran != 0)
    return why_not(why, size,
                   "domain %" PRIu32 ": %llu%% is not a multiple of bandwidth_gran %" PRIu32, id,
                   bw, r->bandwidth_gran);
  return 0;
}

static char *trim(char *s) {
  s += strspn(s, " \t");
  size_t n = strlen(s);
  while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
    s[--n] = '\0';
  return s;
}

static int check_domain(const struct rdt_info *info, const struct rdt_resource *r, char *item,
                        char *why, size_t size) {
  char *eq = strchr(item, '=');
  if (eq == NULL)
    return why_not(why, size, "\"%s\" is not DOMAIN=VALUE", item);
  *eq = '\0';
  char *id_text = trim(item), *value = trim(eq + 1), *end = NULL;
  unsigned long id = strtoul(id_text, &end, 10);
  if (end == id_text || *end != '\0' || id > UINT32_MAX)
    return why_not(why, size, "\"%s\" is not a domain ID", id_text);
  if (!known_domain(r, (uint32_t)id))
    return why_not(why, size, "domain %lu: this host's %s has no such domain", id, r->name);
  return r->cache ? check_mask(r, (uint32_t)id, value, why, size)
                  : check_bandwidth(info, r, (uint32_t)id, value, why, size);
}

int rdt_check_line(const struct rdt_info *info, const char *line, char *why, size_t size) {
  char copy[4096];
  if (strlen(line) >= sizeof(copy))
    return why_not(why, size, "longer than %zu bytes", sizeof(copy) - 1);
  snprintf(copy, sizeof(copy), "%s", line);
  char *text = trim(copy);
  char *colon = strchr(text, ':');
  if (colon == NULL)
    return why_not(why, size, "not RESOURCE:DOMAIN=VALUE;...");
  *colon = '\0';
  const char *name = trim(text);
  const struct rdt_resource *r = find(info, name);
  if (r == NULL)
    return why_not(why, size, "this host's resctrl has no resource %s (no info/%s)", name, name);
  char *save = NULL;
  int seen = 0;
  for (char *item = strtok_r(colon + 1, ";", &save); item != NULL;
       item = strtok_r(NULL, ";", &save), seen++)
    if (check_domain(info, r, item, why, size) < 0)
      return -1;
  return seen > 0 ? 0 : why_not(why, size, "no DOMAIN=VALUE for %s", name);
}
