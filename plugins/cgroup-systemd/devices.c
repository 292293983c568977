/* SPDX-License-Identifier: Apache-2.0 */
/* linux.resources.devices to DevicePolicy/DeviceAllow, the way runc does it: play the rules
 * through an emulator of the v1 devices cgroup to get the final allow-list, then write each
 * entry in systemd's syntax. systemd only knows allow-lists, so a deny-list (allow-all with
 * exceptions) becomes a temporary deny-all; the fs core's own device filter, applied right
 * after, then carries the exact rules. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "helpers.h"
#include "sd.h"

#define WILDCARD (-1)
#define MAX_RULES 1024
#define PERM_R 1u
#define PERM_W 2u
#define PERM_M 4u

struct dev_rule {
  char type; /* 'a', 'b', 'c' */
  int64_t major, minor;
  unsigned perms;
  bool allow;
};

struct emulator {
  bool default_allow;
  size_t n;
  struct dev_rule rules[MAX_RULES]; /* exceptions to the default, in order of addition */
};

static int parse_rule(json_object *rule, size_t i, struct dev_rule *out, struct berth_error *err) {
  struct cgc_device_rule d;
  int r = cgc_device_rule(rule, i, &d, err);
  if (r < 0)
    return r;
  out->allow = d.allow;
  out->type = d.type;
  _Static_assert(WILDCARD == CGC_DEV_ANY, "one wildcard");
  out->major = d.major;
  out->minor = d.minor;
  out->perms = (d.read ? PERM_R : 0) | (d.write ? PERM_W : 0) | (d.mknod ? PERM_M : 0);
  return 0;
}

static struct dev_rule *find(struct emulator *e, char type, int64_t major, int64_t minor) {
  for (size_t i = 0; i < e->n; i++)
    if (e->rules[i].type == type && e->rules[i].major == major && e->rules[i].minor == minor)
      return &e->rules[i];
  return NULL;
}

static int add_exception(struct emulator *e, const struct dev_rule *rule, struct berth_error *err) {
  struct dev_rule *have = find(e, rule->type, rule->major, rule->minor);
  if (have != NULL) {
    have->perms |= rule->perms;
    return 0;
  }
  if (e->n == MAX_RULES)
    return cg_error(err, E2BIG, "linux.resources.devices: more than %d rules", MAX_RULES);
  e->rules[e->n++] = *rule;
  return 0;
}

/* runc's rmRule: removing part of a wildcard exception cannot be expressed (the kernel would
 * silently ignore it), so it is an error rather than a false sense of security. */
static int remove_exception(struct emulator *e, const struct dev_rule *rule,
                            struct berth_error *err) {
  const int64_t partial[3][2] = {
      {WILDCARD, rule->minor}, {rule->major, WILDCARD}, {WILDCARD, WILDCARD}};
  for (size_t i = 0; i < 3; i++) {
    if (partial[i][0] == rule->major && partial[i][1] == rule->minor)
      continue;
    struct dev_rule *wide = find(e, rule->type, partial[i][0], partial[i][1]);
    if (wide != NULL && (wide->perms & rule->perms) != 0)
      return cg_error(err, EINVAL,
                      "linux.resources.devices: a rule for %c %" PRId64 ":%" PRId64
                      " cannot punch a hole in the earlier wildcard rule for %c %s:%s",
                      rule->type, rule->major, rule->minor, wide->type,
                      wide->major == WILDCARD ? "*" : "n", wide->minor == WILDCARD ? "*" : "n");
  }
  struct dev_rule *have = find(e, rule->type, rule->major, rule->minor);
  if (have == NULL)
    return 0;
  have->perms &= ~rule->perms;
  if (have->perms == 0) {
    size_t at = (size_t)(have - e->rules);
    memmove(have, have + 1, (e->n - at - 1) * sizeof(*have));
    e->n--;
  }
  return 0;
}

/* The v1 kernel's semantics: an "a" rule resets everything to allow-all or deny-all. */
static int emulate(struct emulator *e, const struct dev_rule *rule, struct berth_error *err) {
  if (rule->type == 'a') {
    e->default_allow = rule->allow;
    e->n = 0;
    return 0;
  }
  /* An allow rule in allow-all mode removes a deny exception, and so on. */
  if (rule->allow == e->default_allow)
    return remove_exception(e, rule, err);
  return add_exception(e, rule, err);
}

/* "c 136:* rwm" -> "char-pts": systemd names a whole major by its /proc/devices group. */
static bool device_group(const char *proc_devices, char type, int64_t major, char *out,
                         size_t size) {
  if (proc_devices == NULL)
    return false;
  char section = 0;
  for (const char *line = proc_devices; line != NULL && *line != '\0';) {
    const char *end = strchr(line, '\n');
    int len = end != NULL ? (int)(end - line) : (int)strlen(line);
    if (strncmp(line, "Character devices:", (size_t)len) == 0 && len == 18)
      section = 'c';
    else if (strncmp(line, "Block devices:", (size_t)len) == 0 && len == 14)
      section = 'b';
    else if (section == type) {
      long long n = 0;
      char name[128];
      if (sscanf(line, " %lld %127s", &n, name) == 2 && n == major) {
        snprintf(out, size, "%s-%s", type == 'c' ? "char" : "block", name);
        return true;
      }
    }
    line = end != NULL ? end + 1 : NULL;
  }
  return false;
}

static void perms_text(unsigned perms, char out[4]) {
  size_t n = 0;
  if (perms & PERM_R)
    out[n++] = 'r';
  if (perms & PERM_W)
    out[n++] = 'w';
  if (perms & PERM_M)
    out[n++] = 'm';
  out[n] = '\0';
}

/* The systemd path of an allow exception; false for what systemd cannot express. */
static bool allow_entry(const struct dev_rule *rule, const struct host_facts *facts, char *out,
                        size_t size) {
  const char *kind = rule->type == 'c' ? "char" : "block";
  if (rule->major == WILDCARD) {
    if (rule->minor != WILDCARD) {
      log_warn("cgroup-systemd: systemd has no \"%c *:%" PRId64 "\" device rule; the cgroup's "
               "own device filter still applies it",
               rule->type, rule->minor);
      return false;
    }
    snprintf(out, size, "%s-*", kind);
    return true;
  }
  if (rule->minor == WILDCARD) {
    if (device_group(facts->proc_devices, rule->type, rule->major, out, size))
      return true;
    log_warn("cgroup-systemd: no device group for %c %" PRId64 ":* in /proc/devices; the "
             "cgroup's own device filter still applies it",
             rule->type, rule->major);
    return false;
  }
  snprintf(out, size, "/dev/%s/%" PRId64 ":%" PRId64, kind, rule->major, rule->minor);
  return true;
}

static bool add_allow_list(struct unit_properties *out, const struct emulator *e,
                           const struct host_facts *facts) {
  struct dbus_value list;
  if (!value_container(&list, "a(ss)"))
    return false;
  for (size_t i = 0; i < e->n; i++) {
    char path[192], perms[4];
    if (!allow_entry(&e->rules[i], facts, path, sizeof(path)))
      continue;
    perms_text(e->rules[i].perms, perms);
    struct dbus_value *entry = value_push(&list);
    if (entry == NULL || !value_container(entry, "(ss)")) {
      value_clear(&list);
      return false;
    }
    struct dbus_value *a = value_push(entry);
    if (a == NULL || !value_string(a, 's', path)) {
      value_clear(&list);
      return false;
    }
    struct dbus_value *b = value_push(entry);
    if (b == NULL || !value_string(b, 's', perms)) {
      value_clear(&list);
      return false;
    }
  }
  return props_add(out, "DeviceAllow", &list);
}

/* DeviceAllow=[] clears what a running unit already allows; the list follows. */
static bool add_empty_allow(struct unit_properties *out) {
  struct dbus_value empty;
  return value_container(&empty, "a(ss)") && props_add(out, "DeviceAllow", &empty);
}

int device_properties(json_object *rules, const struct host_facts *facts,
                      struct unit_properties *out, struct berth_error *err) {
  if (rules == NULL)
    return 0;
  _cleanup_free_ struct emulator *e = calloc(1, sizeof(*e));
  if (e == NULL)
    return cg_error(err, ENOMEM, "linux.resources.devices");
  for (size_t i = 0; i < json_object_array_length(rules); i++) {
    struct dev_rule rule;
    int r = parse_rule(json_object_array_get_idx(rules, i), i, &rule, err);
    if (r < 0 || (r = emulate(e, &rule, err)) < 0)
      return r;
  }
  bool ok;
  if (e->default_allow && e->n == 0)
    ok = props_add_string(out, "DevicePolicy", "auto") && add_empty_allow(out);
  else if (e->default_allow) {
    log_warn("cgroup-systemd: systemd has no deny-list device rules; the unit denies every "
             "device and the cgroup's own device filter applies the rules");
    ok = add_empty_allow(out) && props_add_string(out, "DevicePolicy", "strict");
  } else
    ok = add_empty_allow(out) && props_add_string(out, "DevicePolicy", "strict") &&
         (e->n == 0 || add_allow_list(out, e, facts));
  return ok ? 0 : cg_error(err, ENOMEM, "linux.resources.devices");
}
