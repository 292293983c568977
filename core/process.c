/* SPDX-License-Identifier: Apache-2.0 */
#include "process.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "json_util.h"
#include "parse.h"
#include "procfs.h"
#include "rootfs.h"
#include "spec.h"
#include "util.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

int berth_process_rlimits(json_object *process, struct berth_error *err) {
  json_object *list = json_get_array(process, "rlimits");
  for (size_t i = 0; list != NULL && i < json_object_array_length(list); i++) {
    json_object *l = json_object_array_get_idx(list, i);
    const char *type = json_get_str(l, "type");
    struct rlimit rl = {.rlim_cur = json_object_get_uint64(json_get(l, "soft")),
                        .rlim_max = json_object_get_uint64(json_get(l, "hard"))};
    if (setrlimit(berth_rlimit_number(type), &rl) < 0)
      return berth_error(err, errno, "process.rlimits: set %s soft=%llu hard=%llu", type,
                         (unsigned long long)rl.rlim_cur, (unsigned long long)rl.rlim_max);
  }
  return 0;
}

int berth_process_oom_score_adj(json_object *process, struct berth_error *err) {
  json_object *v = json_get_type(process, "oomScoreAdj", json_type_int);
  if (v == NULL)
    return 0;
  char text[32];
  snprintf(text, sizeof(text), "%lld", (long long)json_object_get_int64(v));
  int r = berth_procfs_write("self/oom_score_adj", text, err);
  return r < 0 ? berth_error_prefix(err, "process.oomScoreAdj") : 0;
}

/* A capability set as the two 32-bit words capset() wants. */
static void cap_set_bits(json_object *caps, const char *set, uint32_t bits[2]) {
  bits[0] = bits[1] = 0;
  json_object *list = json_get_array(caps, set);
  for (size_t i = 0; list != NULL && i < json_object_array_length(list); i++) {
    int n = berth_capability_number(json_object_get_string(json_object_array_get_idx(list, i)));
    if (n >= 0)
      bits[n / 32] |= 1u << (n % 32);
  }
}

static bool cap_in(const uint32_t bits[2], int n) {
  return bits[n / 32] & (1u << (n % 32));
}

/* Every bit of the two 32-bit capability words: prctl answers EINVAL past the kernel's last
 * capability. Not /proc/sys/kernel/cap_last_cap: in the container's view that is whatever the
 * image puts at that path when the config mounts no proc ("-1" left the bounding set whole). */
#define CAP_BITS 64

static int drop_bounding(json_object *caps, struct berth_error *err) {
  uint32_t bounding[2];
  cap_set_bits(caps, "bounding", bounding);
  for (int n = 0; n < CAP_BITS; n++)
    if (!cap_in(bounding, n) && prctl(PR_CAPBSET_DROP, n, 0, 0, 0) < 0 && errno != EINVAL)
      return berth_error(err, errno, "drop capability %d from the bounding set", n);
  return 0;
}

/* The container's sets as capset() wants them. */
static void read_capset(json_object *caps, struct berth_capset *out) {
  uint32_t eff[2], perm[2], inh[2];
  cap_set_bits(caps, "effective", eff);
  cap_set_bits(caps, "permitted", perm);
  cap_set_bits(caps, "inheritable", inh);
  out->header = (struct __user_cap_header_struct){.version = _LINUX_CAPABILITY_VERSION_3};
  for (int i = 0; i < 2; i++)
    out->data[i] = (struct __user_cap_data_struct){
        .effective = eff[i], .permitted = perm[i], .inheritable = inh[i]};
  out->pending = false;
}

static bool permitted_now(int n) {
  struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
  struct __user_cap_data_struct data[2];
  return syscall(SYS_capget, &hdr, data) == 0 && (data[n / 32].permitted & (1u << (n % 32)));
}

int berth_process_capset(const struct berth_capset *caps) {
  struct berth_capset copy = *caps; /* capset may write the header's version */
  return syscall(SYS_capset, &copy.header, copy.data) < 0 ? -errno : 0;
}

/* keep: see berth_process_become. */
static int apply_caps(json_object *caps, struct berth_capset *keep, struct berth_error *err) {
  struct berth_capset want, now;
  read_capset(caps, &want);
  now = want;
  if (keep != NULL) {
    /* Now rather than at the load, which comes after create has returned. */
    if (!permitted_now(CAP_SYS_ADMIN))
      return berth_error(err, EPERM,
                         "linux.seccomp: loading a filter without process.noNewPrivileges needs "
                         "CAP_SYS_ADMIN");
    now.data[CAP_SYS_ADMIN / 32].effective |= 1u << (CAP_SYS_ADMIN % 32);
    now.data[CAP_SYS_ADMIN / 32].permitted |= 1u << (CAP_SYS_ADMIN % 32);
    *keep = want;
    keep->pending = memcmp(now.data, want.data, sizeof(want.data)) != 0;
  }
  int r = berth_process_capset(&now);
  if (r < 0)
    return berth_error(err, -r, "process.capabilities: capset");
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
    return berth_error(err, errno, "process.capabilities: clear ambient set");
  /* A capability can only be ambient when it is also permitted and inheritable. runc
   * (through gocapability) ignores the refusal, and specs rely on that: its default spec
   * lists ambient capabilities but no inheritable ones. Judged against the container's own
   * sets, not a kept CAP_SYS_ADMIN. */
  uint32_t amb[2];
  cap_set_bits(caps, "ambient", amb);
  for (int n = 0; n < CAP_BITS; n++)
    if (cap_in(amb, n) &&
        (want.data[n / 32].permitted & want.data[n / 32].inheritable & (1u << (n % 32))))
      (void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, n, 0, 0);
  return 0;
}

/* The ids were range-checked by spec.c; read them again through the typed getters so that
 * nothing here casts an unchecked number (init gets its spec from the parent). */
static int read_groups(json_object *user, gid_t **groups, size_t *n, struct berth_error *err) {
  json_object *extra = json_get_array(user, "additionalGids");
  *n = extra != NULL ? json_object_array_length(extra) : 0;
  *groups = calloc(*n + 1, sizeof(gid_t));
  if (*groups == NULL)
    return berth_error(err, ENOMEM, "process.user.additionalGids");
  for (size_t i = 0; i < *n; i++) {
    char path[64];
    snprintf(path, sizeof(path), "process.user.additionalGids[%zu]", i);
    json_object *v = json_object_array_get_idx(extra, i);
    int r = berth_json_check_range(v, path, 0, BERTH_ID_MAX, err);
    if (r < 0)
      return r;
    (*groups)[i] = (gid_t)json_object_get_int64(v);
  }
  return 0;
}

static int set_user(json_object *user, bool setgroups_allowed, struct berth_error *err) {
  uint32_t uid, gid;
  int64_t mask;
  _cleanup_free_ gid_t *groups = NULL;
  size_t n = 0;
  int r = berth_json_id(user, "uid", "process.user", 0, &uid, err);
  if (r < 0 || (r = berth_json_id(user, "gid", "process.user", 0, &gid, err)) < 0 ||
      (r = berth_json_int(user, "umask", "process.user", 0, 0777, 022, &mask, err)) < 0 ||
      (r = read_groups(user, &groups, &n, err)) < 0)
    return r;
  if (setgroups_allowed && setgroups(n, groups) < 0)
    return berth_error(err, errno, "process.user: setgroups");
  if (setresgid(gid, gid, gid) < 0)
    return berth_error(err, errno, "process.user: setresgid %u", (unsigned)gid);
  if (setresuid(uid, uid, uid) < 0)
    return berth_error(err, errno, "process.user: setresuid %u", (unsigned)uid);
  umask((mode_t)mask);
  return 0;
}

int berth_process_become(json_object *process, bool setgroups_allowed, struct berth_capset *keep,
                         struct berth_error *err) {
  const char *cwd = json_get_str(process, "cwd");
  bool chdir_later = chdir(cwd) < 0;
  if (chdir_later && errno != EACCES && errno != EPERM)
    return berth_error(err, errno, "process.cwd: chdir to %s", cwd);
  json_object *caps = json_get(process, "capabilities");
  int r = drop_bounding(caps, err);
  if (r < 0)
    return r;
  if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    return berth_error(err, errno, "prctl(PR_SET_KEEPCAPS)");
  r = set_user(json_get(process, "user"), setgroups_allowed, err);
  if (r < 0)
    return r;
  if (chdir_later && chdir(cwd) < 0)
    return berth_error(err, errno, "process.cwd: chdir to %s", cwd);
  if (berth_rootfs_check_cwd(cwd, err) < 0)
    return -err->code;
  if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
    return berth_error(err, errno, "prctl(PR_SET_KEEPCAPS)");
  return apply_caps(caps, keep, err);
}

int berth_process_no_new_privileges(json_object *process, struct berth_error *err) {
  if (json_get_bool(process, "noNewPrivileges", false) &&
      prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return berth_error(err, errno, "process.noNewPrivileges");
  return 0;
}

static const char *env_lookup(char **envp, const char *name) {
  size_t len = strlen(name);
  for (char **e = envp; *e != NULL; e++)
    if (strncmp(*e, name, len) == 0 && (*e)[len] == '=')
      return *e + len + 1;
  return NULL;
}

/* HOME from the container's /etc/passwd, as runc does; "/" when the user has none. */
static char *home_for(uid_t uid) {
  _cleanup_fclose_ FILE *f = fopen("/etc/passwd", "re");
  char line[1024];
  while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
    char *fields[7] = {0}, *save = NULL, *p = line;
    for (int i = 0; i < 7; i++, p = NULL)
      fields[i] = strtok_r(p, ":\n", &save);
    int64_t id;
    if (fields[2] != NULL && fields[5] != NULL &&
        berth_parse_int(fields[2], 0, BERTH_ID_MAX, &id) == 0 && id == uid)
      return strdup(fields[5]);
  }
  return strdup("/");
}

char **berth_process_env(json_object *process) {
  json_object *env = json_get_array(process, "env");
  size_t n = env != NULL ? json_object_array_length(env) : 0;
  char **envp = calloc(n + 2, sizeof(char *));
  if (envp == NULL)
    return NULL;
  for (size_t i = 0; i < n; i++)
    envp[i] = strdup(json_object_get_string(json_object_array_get_idx(env, i)));
  if (env_lookup(envp, "HOME") == NULL) {
    uint32_t uid = 0;
    (void)berth_json_id(json_get(process, "user"), "uid", "process.user", 0, &uid, NULL);
    _cleanup_free_ char *home = home_for(uid);
    if (asprintf(&envp[n], "HOME=%s", home ? home : "/") < 0)
      envp[n] = NULL;
  }
  return envp;
}

/* 0 when PATH is a file we may execute, else the errno to report: stat's, or EACCES for a
 * directory or a file without execute bits, as Go's exec.LookPath tells runc (engines map
 * "permission denied" to exit 126, "no such file" to 127). Never a stale errno. */
static int executable(const char *path) {
  struct stat st;
  if (stat(path, &st) < 0)
    return errno;
  return S_ISREG(st.st_mode) && (st.st_mode & 0111) ? 0 : EACCES;
}

int berth_process_find_executable(json_object *process, char **envp, char **path,
                                  struct berth_error *err) {
  const char *arg0 =
      json_object_get_string(json_object_array_get_idx(json_get(process, "args"), 0));
  if (strchr(arg0, '/') != NULL) {
    int r = executable(arg0);
    if (r != 0)
      return berth_error(err, r, "exec: \"%s\"", arg0);
    *path = strdup(arg0);
    return 0;
  }
  const char *search = env_lookup(envp, "PATH");
  _cleanup_free_ char *dirs = strdup(search != NULL ? search : DEFAULT_PATH);
  char *save = NULL;
  for (char *dir = strtok_r(dirs, ":", &save); dir != NULL; dir = strtok_r(NULL, ":", &save)) {
    char *candidate = NULL;
    if (asprintf(&candidate, "%s/%s", *dir ? dir : ".", arg0) < 0)
      return berth_error(err, ENOMEM, "exec: \"%s\"", arg0);
    if (executable(candidate) == 0) {
      *path = candidate;
      return 0;
    }
    free(candidate);
  }
  return berth_error(err, 0, "exec: \"%s\": executable file not found in $PATH", arg0);
}
