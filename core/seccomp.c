/* SPDX-License-Identifier: Apache-2.0 */
/* linux.seccomp through libseccomp, as runc 1.1 builds it (libcontainer/seccomp and
 * specconv): one walk over the profile serves validation (no filter context) and
 * building (a context), so that what create accepts is exactly what init loads. */
#include "berth_seccomp.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "cleanup.h"
#include "json_util.h"
#include "seccomp_enosys.h"
#include "spawn.h"
#include "sync.h"

#define FIELD "linux.seccomp"
#define MAX_SYSCALL_ARGS 6
/* The runtime-spec version berth implements, for the containerProcessState it sends. */
#define OCI_VERSION "1.0.2-dev"

struct named {
  const char *name;
  uint32_t value;
};

#define COUNT(table) (sizeof(table) / sizeof((table)[0]))

static const struct named arches[] = {
    {"SCMP_ARCH_X86", SCMP_ARCH_X86},
    {"SCMP_ARCH_X86_64", SCMP_ARCH_X86_64},
    {"SCMP_ARCH_X32", SCMP_ARCH_X32},
    {"SCMP_ARCH_ARM", SCMP_ARCH_ARM},
    {"SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64},
    {"SCMP_ARCH_MIPS", SCMP_ARCH_MIPS},
    {"SCMP_ARCH_MIPS64", SCMP_ARCH_MIPS64},
    {"SCMP_ARCH_MIPS64N32", SCMP_ARCH_MIPS64N32},
    {"SCMP_ARCH_MIPSEL", SCMP_ARCH_MIPSEL},
    {"SCMP_ARCH_MIPSEL64", SCMP_ARCH_MIPSEL64},
    {"SCMP_ARCH_MIPSEL64N32", SCMP_ARCH_MIPSEL64N32},
    {"SCMP_ARCH_PPC", SCMP_ARCH_PPC},
    {"SCMP_ARCH_PPC64", SCMP_ARCH_PPC64},
    {"SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE},
    {"SCMP_ARCH_S390", SCMP_ARCH_S390},
    {"SCMP_ARCH_S390X", SCMP_ARCH_S390X},
    {"SCMP_ARCH_PARISC", SCMP_ARCH_PARISC},
    {"SCMP_ARCH_PARISC64", SCMP_ARCH_PARISC64},
    {"SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64},
#ifdef SCMP_ARCH_LOONGARCH64 /* libseccomp >= 2.6 */
    {"SCMP_ARCH_LOONGARCH64", SCMP_ARCH_LOONGARCH64},
#endif
#ifdef SCMP_ARCH_M68K
    {"SCMP_ARCH_M68K", SCMP_ARCH_M68K},
#endif
#ifdef SCMP_ARCH_SH
    {"SCMP_ARCH_SH", SCMP_ARCH_SH},
    {"SCMP_ARCH_SHEB", SCMP_ARCH_SHEB},
#endif
};

static const struct named operators[] = {
    {"SCMP_CMP_NE", SCMP_CMP_NE},
    {"SCMP_CMP_LT", SCMP_CMP_LT},
    {"SCMP_CMP_LE", SCMP_CMP_LE},
    {"SCMP_CMP_EQ", SCMP_CMP_EQ},
    {"SCMP_CMP_GE", SCMP_CMP_GE},
    {"SCMP_CMP_GT", SCMP_CMP_GT},
    {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
};

/* SCMP_ACT_KILL kills the thread (libseccomp's and runc's meaning). ERRNO and TRACE carry
 * errnoRet in their low 16 bits; that is filled in by read_action. */
static const struct named actions[] = {
    {"SCMP_ACT_KILL", SCMP_ACT_KILL},
    {"SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD},
    {"SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS},
    {"SCMP_ACT_TRAP", SCMP_ACT_TRAP},
    {"SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0)},
    {"SCMP_ACT_TRACE", SCMP_ACT_TRACE(0)},
    {"SCMP_ACT_ALLOW", SCMP_ACT_ALLOW},
    {"SCMP_ACT_LOG", SCMP_ACT_LOG},
    {"SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY},
};

/* runc 1.1 refuses any flag; these are the ones runc 1.2 and crun accept. */
static const struct named filter_flags[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", SCMP_FLTATR_CTL_TSYNC},
    {"SECCOMP_FILTER_FLAG_LOG", SCMP_FLTATR_CTL_LOG},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SCMP_FLTATR_CTL_SSB},
};

static const struct named *lookup(const struct named *table, size_t n, const char *name) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(table[i].name, name) == 0)
      return &table[i];
  return NULL;
}

static void seccomp_releasep(scmp_filter_ctx *ctx) {
  if (*ctx != NULL)
    seccomp_release(*ctx);
}
#define _cleanup_seccomp_ __attribute__((cleanup(seccomp_releasep)))

/* What the top level of the profile says, read once. */
struct profile {
  json_object *seccomp;
  bool enabled;
  uint32_t default_action;
  bool uses_notify;
};

enum kind { K_STRING, K_UINT, K_ARRAY, K_STRING_ARRAY };

static const char *const kind_text[] = {[K_STRING] = "a string",
                                        [K_UINT] = "a non-negative integer",
                                        [K_ARRAY] = "an array of objects",
                                        [K_STRING_ARRAY] = "an array of strings"};

static bool is_uint(json_object *v) {
  return json_object_is_type(v, json_type_int) &&
         (json_object_get_int64(v) >= 0 || json_object_get_uint64(v) > INT64_MAX);
}

static bool is_kind(json_object *v, enum kind kind) {
  switch (kind) {
  case K_STRING:
    return json_object_is_type(v, json_type_string);
  case K_UINT:
    return is_uint(v);
  case K_ARRAY:
  case K_STRING_ARRAY:
    if (!json_object_is_type(v, json_type_array))
      return false;
    for (size_t i = 0; i < json_object_array_length(v); i++)
      if (!json_object_is_type(json_object_array_get_idx(v, i),
                               kind == K_ARRAY ? json_type_object : json_type_string))
        return false;
    return true;
  }
  return false;
}

/* *out = o's member key (NULL when absent or JSON null), after checking its kind. */
static int member(json_object *o, const char *key, enum kind kind, bool required, const char *path,
                  json_object **out, struct berth_error *err) {
  *out = json_get(o, key);
  if (*out != NULL && json_object_is_type(*out, json_type_null))
    *out = NULL;
  if (*out == NULL)
    return required ? berth_error(err, 0, "%s.%s: required", path, key) : 0;
  if (!is_kind(*out, kind))
    return berth_error(err, 0, "%s.%s: must be %s", path, key, kind_text[kind]);
  return 0;
}

/* NAME plus its errno (ERRNO and TRACE; EPERM when not given, as runc) as one action. */
static int read_action(json_object *o, const char *action_key, const char *errno_key,
                       const char *path, uint32_t *action, struct berth_error *err) {
  json_object *name_v, *errno_v;
  int r = member(o, action_key, K_STRING, true, path, &name_v, err);
  if (r < 0 || (r = member(o, errno_key, K_UINT, false, path, &errno_v, err)) < 0)
    return r;
  const char *name = json_object_get_string(name_v);
  const struct named *a = lookup(actions, COUNT(actions), name);
  if (a == NULL)
    return berth_error(err, 0, "%s.%s: unknown action %s", path, action_key, name);
  uint64_t errno_ret = errno_v != NULL ? json_object_get_uint64(errno_v) : EPERM;
  if (errno_ret > 0xffff)
    return berth_error(err, 0, "%s.%s: %llu is out of range (at most 65535)", path, errno_key,
                       (unsigned long long)errno_ret);
  *action = a->value;
  if (a->value == SCMP_ACT_ERRNO(0) || a->value == SCMP_ACT_TRACE(0))
    *action |= (uint32_t)errno_ret;
  return 0;
}

static int read_arg(json_object *arg, const char *path, struct scmp_arg_cmp *cond,
                    struct berth_error *err) {
  json_object *index, *value, *value_two, *op;
  int r = member(arg, "index", K_UINT, true, path, &index, err);
  if (r < 0 || (r = member(arg, "value", K_UINT, true, path, &value, err)) < 0 ||
      (r = member(arg, "valueTwo", K_UINT, false, path, &value_two, err)) < 0 ||
      (r = member(arg, "op", K_STRING, true, path, &op, err)) < 0)
    return r;
  uint64_t i = json_object_get_uint64(index);
  if (i >= MAX_SYSCALL_ARGS)
    return berth_error(err, 0, "%s.index: %llu is out of range (a system call has 6 arguments)",
                       path, (unsigned long long)i);
  const struct named *o = lookup(operators, COUNT(operators), json_object_get_string(op));
  if (o == NULL)
    return berth_error(err, 0, "%s.op: unknown operator %s", path, json_object_get_string(op));
  /* For SCMP_CMP_MASKED_EQ value is the mask and valueTwo the result (runc's order). */
  *cond = (struct scmp_arg_cmp){.arg = (unsigned)i,
                                .op = (enum scmp_compare)o->value,
                                .datum_a = json_object_get_uint64(value),
                                .datum_b = value_two ? json_object_get_uint64(value_two) : 0};
  return 0;
}

/* runc's matchCall: when every condition is on its own argument they are AND-ed in one
 * rule; when two share an argument each becomes a rule of its own (so they are OR-ed). */
static int add_rule(scmp_filter_ctx ctx, uint32_t action, const char *name, size_t nargs,
                    struct scmp_arg_cmp *conds, bool shared_index, const char *path,
                    struct berth_error *err) {
  int nr = seccomp_syscall_resolve_name(name);
  /* Unknown to libseccomp for this architecture (a newer or foreign system call): runc
   * skips it, so a profile written for newer kernels still loads. */
  if (nr == __NR_SCMP_ERROR)
    return 0;
  int r = 0;
  if (!shared_index)
    r = seccomp_rule_add_array(ctx, action, nr, (unsigned)nargs, conds);
  for (size_t i = 0; shared_index && r == 0 && i < nargs; i++)
    r = seccomp_rule_add_array(ctx, action, nr, 1, &conds[i]);
  return r < 0 ? berth_error(err, -r, "%s: add a rule for %s", path, name) : 0;
}

/* Check syscalls[i] and, with a context, add its rules. */
static int read_syscall(json_object *call, size_t i, struct profile *p, scmp_filter_ctx ctx,
                        struct berth_error *err) {
  char path[64];
  snprintf(path, sizeof(path), FIELD ".syscalls[%zu]", i);
  json_object *names, *args;
  uint32_t action;
  int r = member(call, "names", K_STRING_ARRAY, true, path, &names, err);
  if (r < 0 || (r = read_action(call, "action", "errnoRet", path, &action, err)) < 0 ||
      (r = member(call, "args", K_ARRAY, false, path, &args, err)) < 0)
    return r;
  size_t nargs = args != NULL ? json_object_array_length(args) : 0;
  _cleanup_free_ struct scmp_arg_cmp *conds = calloc(nargs + 1, sizeof(*conds));
  if (conds == NULL)
    return berth_error(err, ENOMEM, "%s.args", path);
  unsigned per_index[MAX_SYSCALL_ARGS] = {0};
  bool shared_index = false;
  for (size_t j = 0; j < nargs; j++) {
    char arg_path[96];
    snprintf(arg_path, sizeof(arg_path), "%s.args[%zu]", path, j);
    if ((r = read_arg(json_object_array_get_idx(args, j), arg_path, &conds[j], err)) < 0)
      return r;
    shared_index = shared_index || ++per_index[conds[j].arg] > 1;
  }
  size_t nnames = json_object_array_length(names);
  for (size_t k = 0; k < nnames; k++) {
    const char *name = json_object_get_string(json_object_array_get_idx(names, k));
    if (*name == '\0')
      return berth_error(err, 0, "%s.names[%zu]: empty system call name", path, k);
    /* As in runc: init reports the notify fd to its parent with write(2) after the filter
     * is loaded; a notified write would never return. */
    if (action == SCMP_ACT_NOTIFY && strcmp(name, "write") == 0)
      return berth_error(err, 0, "%s.action: SCMP_ACT_NOTIFY cannot be used for write", path);
  }
  p->uses_notify = p->uses_notify || (action == SCMP_ACT_NOTIFY && nnames > 0);
  /* A rule that repeats the default action is redundant, and libseccomp refuses it. */
  if (ctx == NULL || action == p->default_action)
    return 0;
  for (size_t k = 0; k < nnames; k++) {
    const char *name = json_object_get_string(json_object_array_get_idx(names, k));
    if ((r = add_rule(ctx, action, name, nargs, conds, shared_index, path, err)) < 0)
      return r;
  }
  return 0;
}

static int read_syscalls(struct profile *p, scmp_filter_ctx ctx, struct berth_error *err) {
  json_object *calls = json_get(p->seccomp, "syscalls");
  for (size_t i = 0; calls != NULL && i < json_object_array_length(calls); i++) {
    int r = read_syscall(json_object_array_get_idx(calls, i), i, p, ctx, err);
    if (r < 0)
      return r;
  }
  return 0;
}

static int read_names(json_object *s, const char *key, const struct named *table, size_t n,
                      const char *what, scmp_filter_ctx ctx,
                      int (*apply)(scmp_filter_ctx, uint32_t), struct berth_error *err) {
  json_object *list;
  int r = member(s, key, K_STRING_ARRAY, false, FIELD, &list, err);
  for (size_t i = 0; r == 0 && list != NULL && i < json_object_array_length(list); i++) {
    const char *name = json_object_get_string(json_object_array_get_idx(list, i));
    const struct named *entry = lookup(table, n, name);
    if (entry == NULL)
      return berth_error(err, 0, FIELD ".%s[%zu]: unknown %s %s", key, i, what, name);
    if (ctx != NULL && (r = apply(ctx, entry->value)) < 0)
      return berth_error(err, -r, FIELD ".%s[%zu]: %s", key, i, name);
  }
  return r;
}

static int add_arch(scmp_filter_ctx ctx, uint32_t arch) {
  int r = seccomp_arch_add(ctx, arch);
  return r == -EEXIST ? 0 : r; /* the native one is always there */
}

static int set_flag(scmp_filter_ctx ctx, uint32_t attr) {
  return seccomp_attr_set(ctx, (enum scmp_filter_attr)attr, 1);
}

/* Everything but the syscalls[] entries; those are walked by read_syscalls. */
static int read_profile(json_object *seccomp, struct profile *p, struct berth_error *err) {
  *p = (struct profile){.seccomp = seccomp};
  if (seccomp == NULL)
    return 0;
  if (!json_object_is_type(seccomp, json_type_object))
    return berth_error(err, 0, FIELD ": must be an object");
  json_object *v, *calls;
  int r = member(seccomp, "defaultAction", K_STRING, false, FIELD, &v, err);
  if (r < 0 || (r = member(seccomp, "syscalls", K_ARRAY, false, FIELD, &calls, err)) < 0 ||
      (r = member(seccomp, "listenerPath", K_STRING, false, FIELD, &v, err)) < 0 ||
      (r = member(seccomp, "listenerMetadata", K_STRING, false, FIELD, &v, err)) < 0 ||
      (r = read_names(seccomp, "architectures", arches, COUNT(arches), "architecture", NULL, NULL,
                      err)) < 0 ||
      (r = read_names(seccomp, "flags", filter_flags, COUNT(filter_flags), "flag", NULL, NULL,
                      err)) < 0)
    return r;
  /* runc: neither a default action nor system calls means no seccomp at all. */
  const char *dflt = json_get_str(seccomp, "defaultAction");
  bool has_calls = calls != NULL && json_object_array_length(calls) > 0;
  if ((dflt == NULL || *dflt == '\0') && !has_calls)
    return 0;
  r = read_action(seccomp, "defaultAction", "defaultErrnoRet", FIELD, &p->default_action, err);
  if (r < 0)
    return r;
  /* Notifying on every system call would include init's own write to its parent. */
  if (p->default_action == SCMP_ACT_NOTIFY)
    return berth_error(err, 0, FIELD ".defaultAction: SCMP_ACT_NOTIFY cannot be the default");
  p->enabled = true;
  return 0;
}

static int check_profile(json_object *seccomp, struct profile *p, struct berth_error *err) {
  int r = read_profile(seccomp, p, err);
  if (r < 0 || !p->enabled || (r = read_syscalls(p, NULL, err)) < 0)
    return r;
  if (p->uses_notify && json_get_str(seccomp, "listenerPath") == NULL)
    return berth_error(err, 0, FIELD ".listenerPath: required when SCMP_ACT_NOTIFY is used");
  return 0;
}

int berth_seccomp_validate(json_object *seccomp, struct berth_error *err) {
  struct profile p;
  return check_profile(seccomp, &p, err);
}

static int build_filter(struct profile *p, scmp_filter_ctx ctx, struct berth_error *err) {
  /* no_new_privs is process.noNewPrivileges' business, set by init, not the filter's. */
  int r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
  if (r < 0)
    return berth_error(err, -r, FIELD ": clear the filter's no_new_privs attribute");
  /* The kernel's reason (EACCES, EINVAL ...) rather than libseccomp's ECANCELED. */
  (void)seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1);
  if ((r = read_names(p->seccomp, "architectures", arches, COUNT(arches), "architecture", ctx,
                      add_arch, err)) < 0 ||
      (r = read_names(p->seccomp, "flags", filter_flags, COUNT(filter_flags), "flag", ctx, set_flag,
                      err)) < 0)
    return r;
  return read_syscalls(p, ctx, err);
}

/* The program as libseccomp generates it for seccomp_load(), read back from a memfd (2.5
 * has no seccomp_export_bpf_mem). At most BPF_MAXINSNS instructions: 32 KiB. */
static int export_program(scmp_filter_ctx ctx, struct sock_fprog *prog, struct berth_error *err) {
  _cleanup_close_ int fd = (int)syscall(SYS_memfd_create, "berth-seccomp", MFD_CLOEXEC);
  if (fd < 0)
    return berth_error(err, errno, FIELD ": memfd_create for the compiled filter");
  int r = seccomp_export_bpf(ctx, fd);
  if (r < 0)
    return berth_error(err, -r, FIELD ": compile the filter");
  struct stat st;
  if (fstat(fd, &st) < 0)
    return berth_error(err, errno, FIELD ": stat the compiled filter");
  size_t n = (size_t)st.st_size / sizeof(struct sock_filter);
  if (n == 0 || n > BPF_MAXINSNS || (size_t)st.st_size % sizeof(struct sock_filter) != 0)
    return berth_error(err, E2BIG, FIELD ": the compiled filter has %lld bytes",
                       (long long)st.st_size);
  _cleanup_free_ struct sock_filter *insns = malloc((size_t)st.st_size);
  if (insns == NULL)
    return berth_error(err, ENOMEM, FIELD ": the compiled filter");
  if (pread(fd, insns, (size_t)st.st_size, 0) != st.st_size)
    return berth_error(err, errno ? errno : EIO, FIELD ": read the compiled filter");
  *prog = (struct sock_fprog){.len = (unsigned short)n, .filter = steal_pointer(&insns)};
  return 0;
}

/* runc's rule (patchbpf's isAllowAction): a default that lets a call through (allow, log,
 * trace: a tracer handles new calls itself) needs no ENOSYS; neither does ERRNO(ENOSYS). */
static bool default_denies(uint32_t action) {
  uint32_t kind = action & SECCOMP_RET_ACTION_FULL;
  return kind != SCMP_ACT_ALLOW && kind != SCMP_ACT_LOG && kind != SCMP_ACT_TRACE(0) &&
         action != SCMP_ACT_ERRNO(ENOSYS);
}

/* System calls newer than the profile get ENOSYS rather than the default (core/
 * seccomp_enosys.h), for every ABI of the filter: its architectures and every name in
 * syscalls[], whatever its action (a rule equal to the default was not added, but its
 * name still says the profile knows the call). */
static int add_enosys_stub(struct profile *p, scmp_filter_ctx ctx, struct sock_fprog *prog,
                           struct berth_error *err) {
  if (!default_denies(p->default_action))
    return 0;
  uint32_t in_filter[COUNT(arches)];
  size_t narches = 0;
  for (size_t i = 0; i < COUNT(arches); i++)
    if (seccomp_arch_exist(ctx, arches[i].value) == 0)
      in_filter[narches++] = arches[i].value;
  json_object *calls = json_get(p->seccomp, "syscalls");
  size_t ncalls = calls != NULL ? json_object_array_length(calls) : 0, nnames = 0;
  for (size_t i = 0; i < ncalls; i++)
    nnames += json_object_array_length(json_get(json_object_array_get_idx(calls, i), "names"));
  _cleanup_free_ const char **names = calloc(nnames + 1, sizeof(*names));
  if (names == NULL)
    return berth_error(err, ENOMEM, FIELD ": ENOSYS stub");
  nnames = 0;
  for (size_t i = 0; i < ncalls; i++) {
    json_object *list = json_get(json_object_array_get_idx(calls, i), "names");
    for (size_t k = 0; k < json_object_array_length(list); k++)
      names[nnames++] = json_object_get_string(json_object_array_get_idx(list, k));
  }
  struct berth_enosys_abi abis[BERTH_ENOSYS_MAX_ABIS];
  size_t n = berth_enosys_abis(in_filter, narches, names, nnames, abis);
  int r = berth_enosys_prepend(prog, abis, n, err);
  return r < 0 ? berth_error_prefix(err, FIELD) : 0;
}

static bool attr_is_set(scmp_filter_ctx ctx, enum scmp_filter_attr attr) {
  uint32_t v = 0;
  return seccomp_attr_get(ctx, attr, &v) == 0 && v != 0;
}

/* The flags seccomp_load() would pass for this context (libseccomp's sys_filter_load). */
static unsigned filter_flags_of(scmp_filter_ctx ctx, bool listener) {
  unsigned flags = 0;
  if (attr_is_set(ctx, SCMP_FLTATR_CTL_TSYNC))
    flags |= SECCOMP_FILTER_FLAG_TSYNC;
  if (attr_is_set(ctx, SCMP_FLTATR_CTL_LOG))
    flags |= SECCOMP_FILTER_FLAG_LOG;
  if (attr_is_set(ctx, SCMP_FLTATR_CTL_SSB))
    flags |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
  if (listener)
    flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
  /* The kernel refuses TSYNC with NEW_LISTENER unless a failed sync is ESRCH rather than the
   * id of the thread (that would be ambiguous with the listener fd). */
  if (listener && (flags & SECCOMP_FILTER_FLAG_TSYNC))
    flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
  return flags;
}

int berth_seccomp_compile(json_object *seccomp, struct berth_seccomp_program *out,
                          struct berth_error *err) {
  *out = (struct berth_seccomp_program){0};
  struct profile p;
  int r = check_profile(seccomp, &p, err);
  if (r < 0 || !p.enabled)
    return r;
  if (p.uses_notify && seccomp_api_get() < 5)
    return berth_error(err, 0,
                       FIELD ": SCMP_ACT_NOTIFY needs libseccomp API level 5 (Linux >= 5.0, "
                             "libseccomp >= 2.5), this host has %u",
                       seccomp_api_get());
  _cleanup_seccomp_ scmp_filter_ctx ctx = seccomp_init(p.default_action);
  if (ctx == NULL)
    return berth_error(err, EINVAL, FIELD ".defaultAction: %s",
                       json_get_str(seccomp, "defaultAction"));
  if ((r = build_filter(&p, ctx, err)) < 0 || (r = export_program(ctx, &out->prog, err)) < 0)
    return r;
  if ((r = add_enosys_stub(&p, ctx, &out->prog, err)) < 0) {
    berth_seccomp_program_free(out);
    return r;
  }
  out->flags = filter_flags_of(ctx, p.uses_notify);
  out->listener = p.uses_notify;
  /* seccomp(2) checks the flags before it reads the program: EFAULT for none means this
   * kernel takes them (libseccomp's probe), EINVAL that it does not. Now, not at the load. */
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, out->flags, NULL) < 0 && errno == EINVAL) {
    unsigned flags = out->flags;
    berth_seccomp_program_free(out);
    return berth_error(err, EINVAL, FIELD ".flags: this kernel refuses the filter flags %#x",
                       flags);
  }
  return 0;
}

void berth_seccomp_program_free(struct berth_seccomp_program *program) {
  free(program->prog.filter);
  *program = (struct berth_seccomp_program){0};
}

int berth_seccomp_install(const struct berth_seccomp_program *program) {
  if (program->prog.filter == NULL)
    return 0;
  long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, program->flags, &program->prog);
  if (r < 0)
    return -errno;
  /* With TSYNC alone a positive result is the thread that could not be synchronised. */
  if (r > 0 && !program->listener)
    return -ESRCH;
  return (int)r;
}

int berth_seccomp_load(json_object *seccomp, int *notify_fd, struct berth_error *err) {
  if (notify_fd != NULL)
    *notify_fd = -1;
  _cleanup_seccomp_program_ struct berth_seccomp_program program;
  int r = berth_seccomp_compile(seccomp, &program, err);
  if (r < 0)
    return r;
  int fd = berth_seccomp_install(&program);
  if (fd < 0)
    return berth_error(err, -fd, FIELD ": load the filter");
  if (notify_fd != NULL && program.listener)
    *notify_fd = fd;
  else if (program.listener)
    close(fd);
  return 0;
}

static int compare_names(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The names of table[0..n) that keep accepts (all for NULL), sorted, as runc lists them. */
static json_object *name_list(const struct named *table, size_t n,
                              bool (*keep)(const struct named *)) {
  json_object *list = json_object_new_array();
  _cleanup_free_ const char **names = calloc(n + 1, sizeof(*names));
  size_t k = 0;
  for (size_t i = 0; names != NULL && i < n; i++)
    if (keep == NULL || keep(&table[i]))
      names[k++] = table[i].name;
  if (k > 0)
    qsort(names, k, sizeof(*names), compare_names);
  for (size_t i = 0; i < k; i++)
    json_object_array_add(list, json_object_new_string(names[i]));
  return list;
}

/* libseccomp takes the flag and the kernel the flags it stands for: seccomp(2) checks them
 * before it reads the program, so EFAULT for none means yes (as compile checks them). */
static bool flag_supported(const struct named *flag) {
  _cleanup_seccomp_ scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  if (ctx == NULL || set_flag(ctx, flag->value) < 0)
    return false;
  return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, filter_flags_of(ctx, false), NULL) < 0 &&
         errno == EFAULT;
}

json_object *berth_seccomp_features(void) {
  json_object *o = json_object_new_object();
  json_object_object_add(o, "enabled", json_object_new_boolean(1));
  json_object_object_add(o, "actions", name_list(actions, COUNT(actions), NULL));
  json_object_object_add(o, "operators", name_list(operators, COUNT(operators), NULL));
  json_object_object_add(o, "archs", name_list(arches, COUNT(arches), NULL));
  json_object_object_add(o, "knownFlags", name_list(filter_flags, COUNT(filter_flags), NULL));
  json_object_object_add(o, "supportedFlags",
                         name_list(filter_flags, COUNT(filter_flags), flag_supported));
  return o;
}

int berth_seccomp_send_listener_fd(int fd, int sync_fd, struct berth_error *err) {
  /* runc's syncParentSeccomp: the filter is live, so the fewest system calls until the
   * parent has copied the fd (write here; read may be notified: the agent has it then). */
  json_object *msg = json_object_new_object();
  json_object_object_add(msg, "type", json_object_new_string("seccomp"));
  json_object_object_add(msg, "fd", json_object_new_int(fd));
  int r = berth_sync_send(sync_fd, msg, err);
  json_object_put(msg);
  _cleanup_json_ json_object *reply = NULL;
  if (r == 0)
    r = berth_sync_recv(sync_fd, &reply, err);
  if (r == -ECONNRESET)
    return berth_error(err, 0, FIELD ": parent gone while passing the notify fd");
  if (r < 0)
    return r;
  const char *type = json_get_str(reply, "type");
  if (type == NULL || strcmp(type, "seccomp-done") != 0)
    return berth_error(err, 0, FIELD ": unexpected %s reply for the notify fd",
                       type != NULL ? type : "untyped");
  return 0;
}

/* runtime-spec "containerProcessState", as runc 1.1 fills it: pid is the process that
 * loaded the filter; the state is the container's, "creating" from create (its pid the
 * init's) and "running" from exec. */
static json_object *process_state(const struct berth_spawn_config *cfg, pid_t pid) {
  json_object *seccomp = json_path(cfg->spec, "linux", "seccomp", NULL);
  const char *version = json_get_str(cfg->spec, "ociVersion");
  json_object *state = json_object_new_object();
  json_object_object_add(state, "ociVersion", json_object_new_string(version ? version : ""));
  json_object_object_add(state, "id", json_object_new_string(cfg->id));
  json_object_object_add(state, "status",
                         json_object_new_string(cfg->exec ? "running" : "creating"));
  json_object_object_add(state, "pid", json_object_new_int(cfg->exec ? cfg->container_pid : pid));
  json_object_object_add(state, "bundle", json_object_new_string(cfg->bundle));
  json_object *annotations = json_get(cfg->spec, "annotations");
  if (annotations != NULL)
    json_object_object_add(state, "annotations", json_object_get(annotations));
  json_object *fds = json_object_new_array();
  json_object_array_add(fds, json_object_new_string("seccompFd"));
  json_object *o = json_object_new_object();
  json_object_object_add(o, "ociVersion", json_object_new_string(OCI_VERSION));
  json_object_object_add(o, "fds", fds);
  json_object_object_add(o, "pid", json_object_new_int(pid));
  const char *metadata = json_get_str(seccomp, "listenerMetadata");
  if (metadata != NULL)
    json_object_object_add(o, "metadata", json_object_new_string(metadata));
  json_object_object_add(o, "state", state);
  return o;
}

/* The JSON and the fd in one sendmsg(), as runc does; the rest of a long text follows. */
static int send_with_fd(int sock, const char *text, int fd, struct berth_error *err) {
  size_t len = strlen(text);
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } control = {0};
  struct iovec iov = {.iov_base = (void *)text, .iov_len = len};
  struct msghdr mh = {.msg_iov = &iov,
                      .msg_iovlen = 1,
                      .msg_control = control.buf,
                      .msg_controllen = sizeof(control.buf)};
  struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &fd, sizeof(int));
  ssize_t n;
  do
    n = sendmsg(sock, &mh, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return berth_error(err, errno, "sendmsg");
  for (size_t done = (size_t)n; done < len;) {
    n = send(sock, text + done, len - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return berth_error(err, errno, "send");
    done += (size_t)n;
  }
  return 0;
}

int berth_seccomp_send_to_listener(const struct berth_spawn_config *cfg, pid_t pid, int remote_fd,
                                   struct berth_error *err) {
  const char *path = json_get_str(json_path(cfg->spec, "linux", "seccomp", NULL), "listenerPath");
  if (path == NULL)
    return berth_error(err, 0, FIELD ".listenerPath: required when SCMP_ACT_NOTIFY is used");
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  if (strlen(path) >= sizeof(addr.sun_path))
    return berth_error(err, ENAMETOOLONG, FIELD ".listenerPath %s", path);
  memcpy(addr.sun_path, path, strlen(path) + 1);
  _cleanup_close_ int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (sock < 0)
    return berth_error(err, errno, FIELD ".listenerPath %s: socket", path);
  if (connect(sock, (struct sockaddr *)&addr, sizeof(addr)) < 0)
    return berth_error(err, errno, FIELD ".listenerPath %s: connect", path);
  /* runc 1.1: the parent copies the fd out of init with pidfd_getfd(), so that init needs
   * no sendmsg(2) under its new filter. */
  _cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
  if (pidfd < 0)
    return berth_error(err, errno, FIELD ": pidfd_open %d", (int)pid);
  _cleanup_close_ int fd = (int)syscall(SYS_pidfd_getfd, pidfd, remote_fd, 0);
  if (fd < 0)
    return berth_error(err, errno, FIELD ": copy the notify fd from %d (pidfd_getfd)", (int)pid);
  _cleanup_json_ json_object *state = process_state(cfg, pid);
  int flags = JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE;
  int r = send_with_fd(sock, json_object_to_json_string_ext(state, flags), fd, err);
  return r < 0 ? berth_error_prefix(err, FIELD ".listenerPath %s", path) : 0;
}
