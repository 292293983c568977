/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The plugin loader refuses anything it should not run, each time with one line that
 * names the file and the cause. The plugins come from tests/plugins (one per case, built
 * into BERTH_TEST_PLUGIN_DIR) and are copied into a fresh root-owned 0700 directory per
 * test, where the test bends ownership, modes and links as the case needs; the loader
 * finds them there through BERTH_PLUGIN_PATH.
 *
 * The loader remembers a plugin it loaded by name for the life of the process, so every
 * case that must load successfully uses a plugin name of its own.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include <berth/plugin.h>

#include "error.h"
#include "cgroup.h"
#include "plugin_loader.h"
#include "plugin_probe.h"

#ifndef BERTH_TEST_PLUGIN_DIR
#error "tests/plugins/CMakeLists.txt defines BERTH_TEST_PLUGIN_DIR"
#endif

#define NOBODY 65534

/* The variant's shipped plugin directory, as ctest passed it in, before the tests
 * point BERTH_PLUGIN_PATH elsewhere. */
static char shipped_dir[4096];

struct fixture {
  char dir[64];
};

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw) {
  return remove(path);
}

static void remove_tree(const char *path) {
  nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int setup(void **state) {
  struct fixture *fx = calloc(1, sizeof(*fx));
  if (fx == NULL)
    return -1;
  snprintf(fx->dir, sizeof(fx->dir), "/tmp/berth-unit-plugins-XXXXXX");
  if (mkdtemp(fx->dir) == NULL)
    return -1;
  setenv("BERTH_PLUGIN_PATH", fx->dir, 1);
  *state = fx;
  return 0;
}

static int teardown(void **state) {
  struct fixture *fx = *state;
  unsetenv("BERTH_PLUGIN_PATH");
  remove_tree(fx->dir);
  free(fx);
  return 0;
}

/* Ownership is what the loader checks; only root can hand files to other users. Not a skip:
 * a run without root would pass without testing the loader at all. */
static void require_root(void) {
  if (geteuid() != 0)
    fail_msg("the plugin loader trusts only root-owned files: run as root");
}

static void path_in(char *buf, size_t size, const char *dir, const char *name) {
  int n = snprintf(buf, size, "%s/%s.so", dir, name);
  if (n < 0 || (size_t)n >= size)
    fail_msg("path %s/%s.so too long", dir, name);
}

/* Copy the built plugin CASE.so into dir as NAME.so, mode 0755, owned by root. */
static void install_as(const char *dir, const char *built, const char *name) {
  char src[4096], dst[4096];
  path_in(src, sizeof(src), BERTH_TEST_PLUGIN_DIR, built);
  path_in(dst, sizeof(dst), dir, name);
  int in = open(src, O_RDONLY | O_CLOEXEC);
  if (in < 0)
    fail_msg("test plugin %s: %s", src, strerror(errno));
  int out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
  if (out < 0)
    fail_msg("create %s: %s", dst, strerror(errno));
  char buf[65536];
  ssize_t n;
  while ((n = read(in, buf, sizeof(buf))) > 0)
    assert_int_equal(write(out, buf, (size_t)n), n);
  assert_int_equal(n, 0);
  assert_int_equal(fchmod(out, 0755), 0); /* whatever the umask */
  close(in);
  close(out);
}

static void install(const char *dir, const char *name) {
  install_as(dir, name, name);
}

static void assert_contains(const char *msg, const char *needle) {
  if (msg == NULL)
    fail_msg("no error message (wanted \"%s\")", needle);
  if (strstr(msg, needle) == NULL)
    fail_msg("message \"%s\" lacks \"%s\"", msg, needle);
}

static const struct berth_plugin *load_or_fail(const char *name, uint32_t kind) {
  const struct berth_plugin *p = NULL;
  struct berth_error err = {0};
  if (berth_plugin_load(name, kind, &p, &err) != 0)
    fail_msg("load %s: %s", name, err.msg);
  assert_null(err.msg);
  assert_non_null(p);
  return p;
}

/* Refused with one line naming `names` (the file or directory) and the cause. */
static void assert_refused_naming(const char *name, uint32_t kind, const char *names,
                                  const char *cause) {
  const struct berth_plugin *p = NULL;
  struct berth_error err = {0};
  int r = berth_plugin_load(name, kind, &p, &err);
  if (r == 0)
    fail_msg("plugin %s loaded; wanted \"%s\"", name, cause);
  assert_true(r < 0);
  assert_null(p);
  assert_contains(err.msg, names);
  assert_contains(err.msg, cause);
  if (strchr(err.msg, '\n') != NULL)
    fail_msg("message is not one line: \"%s\"", err.msg);
  berth_error_clear(&err);
}

static void assert_refused(const struct fixture *fx, const char *name, uint32_t kind,
                           const char *cause) {
  char path[4096];
  path_in(path, sizeof(path), fx->dir, name);
  assert_refused_naming(name, kind, path, cause);
}

/* Refused with exactly "plugin DIR/NAME.so: " + cause, one line naming the file, by the load
 * of a scan (berth_plugin_load_probed, whose trial child meets a crash or a hang). */
static void assert_refused_exactly(const struct fixture *fx, const char *name, uint32_t kind,
                                   const char *cause) {
  char want[8192];
  snprintf(want, sizeof(want), "plugin %s/%s.so: %s", fx->dir, name, cause);
  const struct berth_plugin *p = NULL;
  struct berth_error err = {0};
  int r = berth_plugin_load_probed(name, kind, &p, &err);
  if (r == 0)
    fail_msg("plugin %s loaded; wanted \"%s\"", name, want);
  assert_true(r < 0);
  assert_null(p);
  assert_non_null(err.msg);
  assert_string_equal(err.msg, want);
  berth_error_clear(&err);
}

/* --- what loads --- */

static void test_loader_loads_good_plugin(void **state) {
  struct fixture *fx = *state;
  require_root();
  install(fx->dir, "good");
  const struct berth_plugin *p = load_or_fail("good", BERTH_PLUGIN_KIND_CGROUP);
  assert_int_equal(p->magic, BERTH_PLUGIN_MAGIC);
  assert_int_equal(p->abi_major, BERTH_ABI_MAJOR);
  assert_int_equal(p->kind, BERTH_PLUGIN_KIND_CGROUP);
  assert_string_equal(p->name, "good");
  assert_string_equal(p->version, "0.0.1-test");
  assert_int_equal(p->capabilities, BERTH_CGROUP_CAP_FREEZE);
  assert_non_null(p->cgroup);
  assert_int_equal(p->cgroup->struct_size, sizeof(struct berth_cgroup_ops));
  assert_non_null(p->cgroup->create);
}

/* Later commands of one process get the same plugin, even if the file has gone since. */
static void test_loader_returns_loaded_plugin_again(void **state) {
  struct fixture *fx = *state;
  require_root();
  install(fx->dir, "good");
  const struct berth_plugin *first = load_or_fail("good", BERTH_PLUGIN_KIND_CGROUP);
  char path[4096];
  path_in(path, sizeof(path), fx->dir, "good");
  assert_int_equal(unlink(path), 0);
  const struct berth_plugin *again = load_or_fail("good", BERTH_PLUGIN_KIND_CGROUP);
  assert_ptr_equal(first, again);
}

/* The plugin received a working berth_host_api: its error() fills the host's error. */
static void test_loader_hands_plugin_the_host_api(void **state) {
  struct fixture *fx = *state;
  require_root();
  install(fx->dir, "good");
  const struct berth_plugin *p = load_or_fail("good", BERTH_PLUGIN_KIND_CGROUP);
  struct berth_cgroup_request req = {.struct_size = sizeof(req), .container_id = "c1"};
  struct berth_cgroup *cg = NULL;
  struct berth_error err = {0};
  assert_int_equal(p->cgroup->create(&req, &cg, &err), -ENOSYS);
  assert_null(cg);
  assert_contains(err.msg, "test plugin good: create");
  assert_int_equal(err.code, ENOSYS);
  berth_error_clear(&err);
}

/* Two plugins loaded one after the other are two plugins (each dlopen()ed through a
 * /proc/self/fd/N path that must not alias the one before). */
static void test_loader_loads_each_plugin_from_its_own_file(void **state) {
  struct fixture *fx = *state;
  require_root();
  install(fx->dir, "pair_a");
  install(fx->dir, "pair_b");
  const struct berth_plugin *a = load_or_fail("pair_a", BERTH_PLUGIN_KIND_CGROUP);
  const struct berth_plugin *b = load_or_fail("pair_b", BERTH_PLUGIN_KIND_CGROUP);
  assert_string_equal(a->name, "pair_a");
  assert_string_equal(b->name, "pair_b");
  assert_ptr_not_equal(a, b);
}

/* A plugin built against a newer 1.x (longer descriptor) works on this host. */
static void test_loader_accepts_newer_minor(void **state) {
  struct fixture *fx = *state;
  require_root();
  install(fx->dir, "newer_minor");
  const struct berth_plugin *p = load_or_fail("newer_minor", BERTH_PLUGIN_KIND_CGROUP);
  assert_int_equal(p->abi_major, BERTH_ABI_MAJOR);
  assert_int_equal(p->abi_minor, 7);
  assert_true(p->struct_size > sizeof(struct berth_plugin));
  assert_string_equal(p->name, "newer_minor");
}

/* A plugin of ABI 1.2 loads; its ops table ends before kill_all (1.3), which the host then
 * never reads: `kill --all` freezes and signals instead. A 1.3 table's kill_all is used. */
static void test_loader_accepts_1_2_ops_without_kill_all(void **state) {
  struct fixture *fx = *state;
  require_root();
  install(fx->dir, "abi_1_2_ops");
  install(fx->dir, "good");
  const struct berth_plugin *old = load_or_fail("abi_1_2_ops", BERTH_PLUGIN_KIND_CGROUP);
  assert_int_equal(old->abi_minor, 2);
  assert_int_equal(old->cgroup->struct_size, offsetof(struct berth_cgroup_ops, kill_all));
  int dummy;
  struct berth_cgroup_backend cg = {.driver = "v2", .plugin = old, .handle = (void *)&dummy};
  assert_false(berth_cgroup_kill_all(&cg));
  cg.plugin = load_or_fail("good", BERTH_PLUGIN_KIND_CGROUP);
  assert_true(berth_cgroup_kill_all(&cg));
}

/* BERTH_PLUGIN_PATH is colon-separated; missing and empty directories are skipped. */
static void test_loader_searches_each_directory_of_path(void **state) {
  struct fixture *fx = *state;
  require_root();
  char empty[4096], second[4096], path[12288];
  snprintf(empty, sizeof(empty), "%s/empty", fx->dir);
  snprintf(second, sizeof(second), "%s/second", fx->dir);
  assert_int_equal(mkdir(empty, 0755), 0);
  assert_int_equal(mkdir(second, 0755), 0);
  assert_int_equal(chmod(empty, 0755), 0); /* whatever the umask */
  assert_int_equal(chmod(second, 0755), 0);
  install(second, "second");
  snprintf(path, sizeof(path), "%s/does-not-exist:%s:%s", fx->dir, empty, second);
  setenv("BERTH_PLUGIN_PATH", path, 1);
  assert_string_equal(berth_plugin_search_path(), path);
  const struct berth_plugin *p = load_or_fail("second", BERTH_PLUGIN_KIND_CGROUP);
  assert_string_equal(p->name, "second");
}

/* A refusal is not remembered: once the administrator fixes the file, it loads. */
static void test_loader_loads_plugin_fixed_after_refusal(void **state) {
  struct fixture *fx = *state;
  require_root();
  install(fx->dir, "retry");
  char path[4096];
  path_in(path, sizeof(path), fx->dir, "retry");
  assert_int_equal(chmod(path, 0666), 0);
  assert_refused(fx, "retry", BERTH_PLUGIN_KIND_CGROUP, "group- or world-writable");
  assert_int_equal(chmod(path, 0755), 0);
  const struct berth_plugin *p = load_or_fail("retry", BERTH_PLUGIN_KIND_CGROUP);
  assert_string_equal(p->name, "retry");
}

/* --- what is refused: where the file is and who owns it --- */

static void test_loader_reports_missing_plugin_and_its_package(void **state) {
  struct fixture *fx = *state;
  const struct berth_plugin *p = NULL;
  struct berth_error err = {0};
  assert_true(berth_plugin_load("cgroup-missing", BERTH_PLUGIN_KIND_CGROUP, &p, &err) < 0);
  assert_null(p);
  assert_contains(err.msg, "cgroup-missing.so not installed");
  assert_contains(err.msg, fx->dir);
  /* A vendor's plugin: no package of berth's ships it, so none is named. */
  assert_contains(err.msg, "(no package of berth's ships it)");
  berth_error_clear(&err);
  /* A plugin with a package of its own is named by it (a driver's without "cgroup-"). */
  assert_true(berth_plugin_load("cgroup-systemd", BERTH_PLUGIN_KIND_CGROUP, &p, &err) < 0);
  assert_contains(err.msg, "(package berth-plugin-systemd)");
  berth_error_clear(&err);
  /* cgroup v1 and v2 ship in the runtime's own package (packaging/debian/control). */
  assert_true(berth_plugin_load("cgroup-v1", BERTH_PLUGIN_KIND_CGROUP, &p, &err) < 0);
  assert_contains(err.msg, "cgroup-v1.so not installed");
  assert_contains(err.msg, "(package berth)");
  berth_error_clear(&err);
  assert_true(berth_plugin_load("cgroup-v2", BERTH_PLUGIN_KIND_CGROUP, &p, &err) < 0);
  assert_contains(err.msg, "(package berth)");
  berth_error_clear(&err);
}

static void test_loader_refuses_name_with_slash(void **state) {
  const struct berth_plugin *p = NULL;
  struct berth_error err = {0};
  assert_true(berth_plugin_load("../good", BERTH_PLUGIN_KIND_CGROUP, &p, &err) < 0);
  assert_null(p);
  assert_contains(err.msg, "invalid plugin name ../good");
  berth_error_clear(&err);
}

static void test_loader_refuses_symlink(void **state) {
  struct fixture *fx = *state;
  require_root();
  install_as(fx->dir, "good", "target");
  char link[4096];
  path_in(link, sizeof(link), fx->dir, "linked");
  assert_int_equal(symlink("target.so", link), 0);
  assert_refused(fx, "linked", BERTH_PLUGIN_KIND_CGROUP, "is a symlink");
}

static void test_loader_refuses_world_writable_plugin(void **state) {
  struct fixture *fx = *state;
  require_root();
  install_as(fx->dir, "good", "writable");
  char path[4096];
  path_in(path, sizeof(path), fx->dir, "writable");
  assert_int_equal(chmod(path, 0666), 0);
  assert_refused(fx, "writable", BERTH_PLUGIN_KIND_CGROUP, "group- or world-writable");
}

static void test_loader_refuses_group_writable_plugin(void **state) {
  struct fixture *fx = *state;
  require_root();
  install_as(fx->dir, "good", "writable");
  char path[4096];
  path_in(path, sizeof(path), fx->dir, "writable");
  assert_int_equal(chmod(path, 0775), 0);
  assert_refused(fx, "writable", BERTH_PLUGIN_KIND_CGROUP, "group- or world-writable");
}

static void test_loader_refuses_plugin_not_owned_by_root(void **state) {
  struct fixture *fx = *state;
  require_root();
  install_as(fx->dir, "good", "foreign");
  char path[4096];
  path_in(path, sizeof(path), fx->dir, "foreign");
  assert_int_equal(chown(path, NOBODY, NOBODY), 0);
  assert_refused(fx, "foreign", BERTH_PLUGIN_KIND_CGROUP, "not owned by root");
}

static void test_loader_refuses_group_writable_directory(void **state) {
  struct fixture *fx = *state;
  require_root();
  install_as(fx->dir, "good", "in_open_dir");
  assert_int_equal(chmod(fx->dir, 0770), 0);
  assert_refused_naming("in_open_dir", BERTH_PLUGIN_KIND_CGROUP, fx->dir, "plugin directory");
  assert_refused_naming("in_open_dir", BERTH_PLUGIN_KIND_CGROUP, fx->dir,
                        "group- or world-writable");
}

static void test_loader_refuses_world_writable_directory(void **state) {
  struct fixture *fx = *state;
  require_root();
  install_as(fx->dir, "good", "in_open_dir");
  assert_int_equal(chmod(fx->dir, 01777), 0); /* sticky like /tmp: still not trusted */
  assert_refused_naming("in_open_dir", BERTH_PLUGIN_KIND_CGROUP, fx->dir,
                        "group- or world-writable");
}

static void test_loader_refuses_directory_not_owned_by_root(void **state) {
  struct fixture *fx = *state;
  require_root();
  install_as(fx->dir, "good", "in_foreign_dir");
  assert_int_equal(chown(fx->dir, NOBODY, NOBODY), 0);
  assert_refused_naming("in_foreign_dir", BERTH_PLUGIN_KIND_CGROUP, fx->dir, "plugin directory");
  assert_refused_naming("in_foreign_dir", BERTH_PLUGIN_KIND_CGROUP, fx->dir, "not owned by root");
}

static void test_loader_refuses_non_regular_file(void **state) {
  struct fixture *fx = *state;
  require_root();
  char path[4096];
  path_in(path, sizeof(path), fx->dir, "a_directory");
  assert_int_equal(mkdir(path, 0755), 0);
  assert_refused(fx, "a_directory", BERTH_PLUGIN_KIND_CGROUP, "not a regular file");
}

/* --- what is refused: what the file contains --- */

static void test_loader_refuses_bad_magic(void **state) {
  struct fixture *fx = *state;
  require_root();
  install(fx->dir, "bad_magic");
  assert_refused(fx, "bad_magic", BERTH_PLUGIN_KIND_CGROUP, "bad magic");
}

static void test_loader_refuses_other_major(void **state) {
  struct fixture *fx = *state;
  require_root();
  install(fx->dir, "bad_major");
  assert_refused(fx, "bad_major", BERTH_PLUGIN_KIND_CGROUP, "plugin ABI 2");
}

static void test_loader_refuses_short_struct(void **state) {
  struct fixture *fx = *state;
  require_root();
  install(fx->dir, "short_struct");
  assert_refused(fx, "short_struct", BERTH_PLUGIN_KIND_CGROUP, "too short");
}

static void test_loader_refuses_unknown_requires_bits(void **state) {
  struct fixture *fx = *state;
  require_root();
  install(fx->dir, "unknown_requires");
  assert_refused(fx, "unknown_requires", BERTH_PLUGIN_KIND_CGROUP,
                 "requires host features 0x10000000000");
}

static void test_loader_refuses_missing_entry_symbol(void **state) {
  struct fixture *fx = *state;
  require_root();
  install(fx->dir, "no_entry");
  assert_refused(fx, "no_entry", BERTH_PLUGIN_KIND_CGROUP, "no berth_plugin_entry symbol");
}

static void test_loader_refuses_wrong_kind(void **state) {
  struct fixture *fx = *state;
  require_root();
  install(fx->dir, "wrong_kind");
  assert_refused(fx, "wrong_kind", BERTH_PLUGIN_KIND_CGROUP, "is a lsm plugin");
}

/* The kind is checked on every request, not only on the one that loaded the file. */
static void test_loader_refuses_wrong_kind_of_loaded_plugin(void **state) {
  struct fixture *fx = *state;
  require_root();
  install(fx->dir, "good");
  load_or_fail("good", BERTH_PLUGIN_KIND_CGROUP);
  const struct berth_plugin *p = NULL;
  struct berth_error err = {0};
  int r = berth_plugin_load("good", BERTH_PLUGIN_KIND_LSM, &p, &err);
  if (r == 0)
    fail_msg("cgroup plugin good was handed out as an lsm plugin");
  assert_null(p);
  assert_contains(err.msg, "good");
  assert_contains(err.msg, "is a cgroup plugin");
  berth_error_clear(&err);
}

static void test_loader_refuses_short_ops(void **state) {
  struct fixture *fx = *state;
  require_root();
  install(fx->dir, "short_ops");
  char cause[128];
  snprintf(cause, sizeof(cause), "cgroup ops too short (%zu bytes, ABI 1.0 needs %zu)",
           offsetof(struct berth_cgroup_ops, create),
           offsetof(struct berth_cgroup_ops, cgroup_fd) + sizeof(void *));
  assert_refused_exactly(fx, "short_ops", BERTH_PLUGIN_KIND_CGROUP, cause);
}

/* The reason a plugin logs when it refuses is part of the one error line, and is not also
 * logged on its own (`features` lists such a plugin in its JSON with stderr quiet). */
static void test_loader_refuses_plugin_that_refuses_host(void **state) {
  struct fixture *fx = *state;
  require_root();
  install(fx->dir, "refusing_entry");
  char logged[128];
  snprintf(logged, sizeof(logged), "%.64s/stderr", fx->dir);
  int file = open(logged, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  int saved = dup(STDERR_FILENO);
  assert_true(file >= 0 && saved >= 0);
  const struct berth_plugin *p = NULL;
  struct berth_error err = {0};
  int r = -1;
  if (dup2(file, STDERR_FILENO) == STDERR_FILENO) {
    r = berth_plugin_load("refusing_entry", BERTH_PLUGIN_KIND_CGROUP, &p, &err);
    dup2(saved, STDERR_FILENO);
  }
  close(saved);
  struct stat st;
  assert_int_equal(fstat(file, &st), 0);
  close(file);
  assert_true(r < 0);
  assert_null(p);
  assert_contains(err.msg, "refusing_entry.so: refused to run on this host: test plugin "
                           "refusing_entry: refusing this host on purpose");
  berth_error_clear(&err);
  if (st.st_size != 0)
    fail_msg("the refusal was also logged on stderr (%lld bytes)", (long long)st.st_size);
}

static void test_loader_refuses_plugin_calling_itself_otherwise(void **state) {
  struct fixture *fx = *state;
  require_root();
  install_as(fx->dir, "good", "impostor");
  assert_refused_exactly(fx, "impostor", BERTH_PLUGIN_KIND_CGROUP,
                         "calls itself \"good\", not \"impostor\" as its file is named");
}

static void test_loader_refuses_null_name(void **state) {
  struct fixture *fx = *state;
  require_root();
  install(fx->dir, "null_name");
  assert_refused_exactly(fx, "null_name", BERTH_PLUGIN_KIND_CGROUP, "name is NULL");
}

static void test_loader_refuses_null_version(void **state) {
  struct fixture *fx = *state;
  require_root();
  install(fx->dir, "null_version");
  assert_refused_exactly(fx, "null_version", BERTH_PLUGIN_KIND_CGROUP, "version is NULL");
}

static void test_loader_refuses_unknown_kind(void **state) {
  struct fixture *fx = *state;
  require_root();
  install(fx->dir, "unknown_kind");
  assert_refused_exactly(fx, "unknown_kind", BERTH_PLUGIN_KIND_ANY, "unknown kind 9");
}

static void test_loader_refuses_cgroup_plugin_without_cgroup_ops(void **state) {
  struct fixture *fx = *state;
  require_root();
  install(fx->dir, "no_ops");
  assert_refused_exactly(fx, "no_ops", BERTH_PLUGIN_KIND_CGROUP, "kind cgroup without cgroup ops");
}

static void test_loader_refuses_cgroup_plugin_with_lsm_ops(void **state) {
  struct fixture *fx = *state;
  require_root();
  install(fx->dir, "cgroup_with_lsm_ops");
  assert_refused_exactly(fx, "cgroup_with_lsm_ops", BERTH_PLUGIN_KIND_CGROUP,
                         "kind cgroup with lsm ops");
}

/* Every op the core calls without checking for NULL (include/berth/plugin.h: "Mandatory"). */
static void test_loader_refuses_null_mandatory_cgroup_op(void **state) {
  struct fixture *fx = *state;
  require_root();
  static const char *const ops[] = {"create", "load",     "save",    "enter",
                                    "apply",  "get_pids", "destroy", "release"};
  for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
    char name[64], cause[128];
    snprintf(name, sizeof(name), "nullop_%s", ops[i]);
    snprintf(cause, sizeof(cause), "cgroup op %s is NULL but mandatory", ops[i]);
    install(fx->dir, name);
    assert_refused_exactly(fx, name, BERTH_PLUGIN_KIND_CGROUP, cause);
  }
}

/* A plugin that can freeze must say whether it is frozen, or a paused container reads as
 * running. */
static void test_loader_refuses_freeze_without_is_frozen(void **state) {
  struct fixture *fx = *state;
  require_root();
  install(fx->dir, "nullop_is_frozen");
  assert_refused_exactly(fx, "nullop_is_frozen", BERTH_PLUGIN_KIND_CGROUP,
                         "cgroup op is_frozen (with freeze) is NULL but mandatory");
}

static void test_loader_loads_lsm_plugin(void **state) {
  struct fixture *fx = *state;
  require_root();
  install(fx->dir, "lsm_good");
  const struct berth_plugin *p = load_or_fail("lsm_good", BERTH_PLUGIN_KIND_LSM);
  assert_null(p->cgroup);
  assert_non_null(p->lsm);
  assert_non_null(p->lsm->validate);
  assert_null(p->lsm->enabled); /* optional */
}

static void test_loader_refuses_lsm_plugin_without_lsm_ops(void **state) {
  struct fixture *fx = *state;
  require_root();
  install(fx->dir, "lsm_without_ops");
  assert_refused_exactly(fx, "lsm_without_ops", BERTH_PLUGIN_KIND_LSM, "kind lsm without lsm ops");
}

static void test_loader_refuses_lsm_plugin_with_cgroup_ops(void **state) {
  struct fixture *fx = *state;
  require_root();
  install(fx->dir, "lsm_with_cgroup_ops");
  assert_refused_exactly(fx, "lsm_with_cgroup_ops", BERTH_PLUGIN_KIND_LSM,
                         "kind lsm with cgroup ops");
}

static void test_loader_refuses_short_lsm_ops(void **state) {
  struct fixture *fx = *state;
  require_root();
  install(fx->dir, "lsm_short_ops");
  char cause[128];
  snprintf(cause, sizeof(cause), "lsm ops too short (%zu bytes, ABI 1.2 needs %zu)",
           offsetof(struct berth_lsm_ops, exec_attr),
           offsetof(struct berth_lsm_ops, exec_attr) + sizeof(void *));
  assert_refused_exactly(fx, "lsm_short_ops", BERTH_PLUGIN_KIND_LSM, cause);
}

static void test_loader_refuses_null_mandatory_lsm_op(void **state) {
  struct fixture *fx = *state;
  require_root();
  install(fx->dir, "lsm_nullop_validate");
  install(fx->dir, "lsm_nullop_exec_attr");
  assert_refused_exactly(fx, "lsm_nullop_validate", BERTH_PLUGIN_KIND_LSM,
                         "lsm op validate is NULL but mandatory");
  assert_refused_exactly(fx, "lsm_nullop_exec_attr", BERTH_PLUGIN_KIND_LSM,
                         "lsm op exec_attr is NULL but mandatory");
}

static void test_loader_loads_device_plugin(void **state) {
  struct fixture *fx = *state;
  require_root();
  install(fx->dir, "device_good");
  const struct berth_plugin *p = load_or_fail("device_good", BERTH_PLUGIN_KIND_DEVICE);
  assert_null(p->cgroup);
  assert_null(p->lsm);
  assert_non_null(p->device);
  assert_non_null(p->device->resolve);
  assert_null(p->device->classes); /* optional */
  assert_string_equal(berth_plugin_kind_name(p->kind), "device");
}

static void test_loader_refuses_device_plugin_without_device_ops(void **state) {
  struct fixture *fx = *state;
  require_root();
  install(fx->dir, "device_without_ops");
  assert_refused_exactly(fx, "device_without_ops", BERTH_PLUGIN_KIND_DEVICE,
                         "kind device without device ops");
}

static void test_loader_refuses_short_device_ops(void **state) {
  struct fixture *fx = *state;
  require_root();
  install(fx->dir, "device_short_ops");
  char cause[128];
  snprintf(cause, sizeof(cause), "device ops too short (%zu bytes, ABI 1.5 needs %zu)",
           offsetof(struct berth_device_ops, resolve),
           offsetof(struct berth_device_ops, resolve) + sizeof(void *));
  assert_refused_exactly(fx, "device_short_ops", BERTH_PLUGIN_KIND_DEVICE, cause);
}

static void test_loader_refuses_null_mandatory_device_op(void **state) {
  struct fixture *fx = *state;
  require_root();
  install(fx->dir, "device_nullop_resolve");
  assert_refused_exactly(fx, "device_nullop_resolve", BERTH_PLUGIN_KIND_DEVICE,
                         "device op resolve is NULL but mandatory");
}

static void test_loader_refuses_cgroup_plugin_with_device_ops(void **state) {
  struct fixture *fx = *state;
  require_root();
  install(fx->dir, "cgroup_with_device_ops");
  assert_refused_exactly(fx, "cgroup_with_device_ops", BERTH_PLUGIN_KIND_CGROUP,
                         "kind cgroup with device ops");
}

/* An ABI 1.0 plugin's tables end before enter_sub, kill_all (ops), lsm and device
 * (descriptor); the fixture has all four set past its struct_size. What the core gets reads
 * them as NULL. */
static void test_loader_loads_rdt_plugin(void **state) {
  struct fixture *fx = *state;
  require_root();
  install(fx->dir, "rdt_good");
  const struct berth_plugin *p = load_or_fail("rdt_good", BERTH_PLUGIN_KIND_RDT);
  assert_null(p->cgroup);
  assert_null(p->lsm);
  assert_non_null(p->rdt);
  assert_non_null(p->rdt->create);
  assert_null(p->rdt->stats);   /* optional */
  assert_null(p->rdt->enabled); /* optional */
}

static void test_loader_refuses_rdt_plugin_without_rdt_ops(void **state) {
  struct fixture *fx = *state;
  require_root();
  install(fx->dir, "rdt_without_ops");
  assert_refused_exactly(fx, "rdt_without_ops", BERTH_PLUGIN_KIND_RDT, "kind rdt without rdt ops");
}

/* Before 1.5 an RDT plugin had no ops at all: whatever lies past its descriptor is not its. */
static void test_loader_refuses_rdt_plugin_before_abi_1_5(void **state) {
  struct fixture *fx = *state;
  require_root();
  install(fx->dir, "rdt_abi_1_4");
  assert_refused_exactly(fx, "rdt_abi_1_4", BERTH_PLUGIN_KIND_RDT,
                         "kind rdt of ABI 1.4 has no rdt ops (ABI 1.5 added them)");
}

static void test_loader_refuses_short_rdt_ops(void **state) {
  struct fixture *fx = *state;
  require_root();
  install(fx->dir, "rdt_short_ops");
  char cause[128];
  snprintf(cause, sizeof(cause), "rdt ops too short (%zu bytes, ABI 1.5 needs %zu)",
           offsetof(struct berth_rdt_ops, release),
           offsetof(struct berth_rdt_ops, release) + sizeof(void *));
  assert_refused_exactly(fx, "rdt_short_ops", BERTH_PLUGIN_KIND_RDT, cause);
}

static void test_loader_refuses_null_mandatory_rdt_op(void **state) {
  struct fixture *fx = *state;
  require_root();
  static const char *const ops[] = {"create", "load", "save", "add", "destroy", "release"};
  for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
    char name[64], cause[128];
    snprintf(name, sizeof(name), "rdt_nullop_%s", ops[i]);
    snprintf(cause, sizeof(cause), "rdt op %s is NULL but mandatory", ops[i]);
    install(fx->dir, name);
    assert_refused_exactly(fx, name, BERTH_PLUGIN_KIND_RDT, cause);
  }
}

static void test_loader_refuses_cgroup_plugin_with_rdt_ops(void **state) {
  struct fixture *fx = *state;
  require_root();
  install(fx->dir, "cgroup_with_rdt_ops");
  assert_refused_exactly(fx, "cgroup_with_rdt_ops", BERTH_PLUGIN_KIND_CGROUP,
                         "kind cgroup with rdt ops");
}

/* An ABI 1.0 plugin's tables end before enter_sub, kill_all (ops) and lsm (descriptor); the
 * fixture has all three set past its struct_size. What the core gets reads them as NULL. */
static void test_loader_never_hands_out_members_past_struct_size(void **state) {
  struct fixture *fx = *state;
  require_root();
  install(fx->dir, "abi_1_0");
  const struct berth_plugin *p = load_or_fail("abi_1_0", BERTH_PLUGIN_KIND_CGROUP);
  assert_int_equal(p->abi_minor, 0);
  assert_int_equal(p->struct_size, offsetof(struct berth_plugin, lsm));
  assert_null(p->lsm);
  assert_null(p->device);
  assert_int_equal(p->cgroup->struct_size, offsetof(struct berth_cgroup_ops, enter_sub));
  assert_non_null(p->cgroup->create);
  assert_null(p->cgroup->enter_sub);
  assert_null(p->cgroup->kill_all);
}

/* The entry point's calls as the fixture recorded them ("entry PID" lines), then none. */
static void read_calls(const char *path, char *buf, size_t size) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  ssize_t n = fd >= 0 ? read(fd, buf, size - 1) : -1;
  buf[n > 0 ? n : 0] = '\0';
  if (fd >= 0)
    close(fd);
  unlink(path);
}

/* A plugin the container selects runs its entry point once, in this process: the start path
 * forks no trial child. A scan's load tries the plugin in a child first, then here. */
static void test_loader_runs_named_plugin_here_and_scanned_one_in_a_child_first(void **state) {
  struct fixture *fx = *state;
  require_root();
  install(fx->dir, "named_once");
  install(fx->dir, "probed_twice");
  char calls[128], got[256], want[256];
  snprintf(calls, sizeof(calls), "%.64s/calls", fx->dir);
  setenv("BERTH_TEST_PLUGIN_CALLS", calls, 1);
  load_or_fail("named_once", BERTH_PLUGIN_KIND_CGROUP);
  read_calls(calls, got, sizeof(got));
  snprintf(want, sizeof(want), "entry %d\n", (int)getpid());
  assert_string_equal(got, want);
  const struct berth_plugin *p = NULL;
  struct berth_error err = {0};
  int r = berth_plugin_load_probed("probed_twice", BERTH_PLUGIN_KIND_CGROUP, &p, &err);
  unsetenv("BERTH_TEST_PLUGIN_CALLS");
  if (r != 0)
    fail_msg("load probed_twice: %s", err.msg);
  read_calls(calls, got, sizeof(got));
  int child = 0, here = 0;
  if (sscanf(got, "entry %d\nentry %d\n", &child, &here) != 2)
    fail_msg("entry point calls: \"%s\"", got);
  assert_int_not_equal(child, getpid());
  assert_int_equal(here, getpid());
}

/* A plugin whose entry point crashes or hangs fails its load in one line naming the file, and
 * this process (the command) lives on; the plugin's code never ran in it. */
static void test_loader_survives_entry_point_that_crashes(void **state) {
  struct fixture *fx = *state;
  require_root();
  install(fx->dir, "crash_entry");
  assert_refused_exactly(fx, "crash_entry", BERTH_PLUGIN_KIND_CGROUP, "crashed (signal 11)");
  install(fx->dir, "good");
  load_or_fail("good", BERTH_PLUGIN_KIND_CGROUP);
}

static void test_loader_kills_entry_point_that_hangs(void **state) {
  struct fixture *fx = *state;
  require_root();
  install(fx->dir, "hang_entry");
  char cause[64];
  snprintf(cause, sizeof(cause), "no answer within %d s (killed)",
           BERTH_PLUGIN_PROBE_TIMEOUT_MS / 1000);
  assert_refused_exactly(fx, "hang_entry", BERTH_PLUGIN_KIND_CGROUP, cause);
}

/* dlopen(RTLD_NOW) binds everything up front: a missing symbol fails the load, with the
 * dynamic linker's words. */
static void test_loader_reports_undefined_symbol(void **state) {
  struct fixture *fx = *state;
  require_root();
  install(fx->dir, "undefined_symbol");
  assert_refused(fx, "undefined_symbol", BERTH_PLUGIN_KIND_CGROUP,
                 "undefined symbol: berth_test_symbol_nobody_defines");
}

/* --- how plugins are built --- */

/* check-plugin-elf.sh on FILES: its exit status, its report in out. */
static int check_elf(const char *files, char *out, size_t size) {
  char cmd[8192];
  snprintf(cmd, sizeof(cmd), "%s %s 2>&1", BERTH_CHECK_PLUGIN_ELF, files);
  FILE *sh = popen(cmd, "r");
  assert_non_null(sh);
  size_t n = fread(out, 1, size - 1, sh);
  out[n] = '\0';
  int status = pclose(sh);
  assert_true(WIFEXITED(status));
  return WEXITSTATUS(status);
}

/* Every plugin this build ships exports exactly berth_plugin_entry and has no RUNPATH/RPATH. */
static void test_shipped_plugins_export_only_entry_and_have_no_runpath(void **state) {
  if (shipped_dir[0] == '\0')
    fail_msg("BERTH_PLUGIN_PATH (the build's plugin directory) is not set");
  char files[4200], out[8192];
  snprintf(files, sizeof(files), "'%s'/*.so", shipped_dir);
  if (check_elf(files, out, sizeof(out)) != 0)
    fail_msg("%s", out);
  assert_string_equal(out, "");
}

/* The check sees what it is for: another export, no entry, a RUNPATH, an RPATH. */
static void test_plugin_elf_check_finds_each_defect(void **state) {
  char files[8192], out[8192], want[8192];
  const char *d = BERTH_TEST_PLUGIN_DIR;
  snprintf(files, sizeof(files),
           "%s/good.so %s/extra_export.so %s/no_entry.so %s/runpath.so %s/rpath.so", d, d, d, d, d);
  assert_int_equal(check_elf(files, out, sizeof(out)), 1);
  snprintf(want, sizeof(want),
           "%s/extra_export.so: exports berth_test_extra_export\n"
           "%s/no_entry.so: does not export berth_plugin_entry\n"
           "%s/no_entry.so: exports berth_plugin_start\n"
           "%s/runpath.so: has RUNPATH [/opt/vendor/lib]\n"
           "%s/rpath.so: has RPATH [/opt/vendor/lib]\n",
           d, d, d, d, d);
  assert_string_equal(out, want);
}

#define LOADER_TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void) {
  const char *shipped = getenv("BERTH_PLUGIN_PATH");
  snprintf(shipped_dir, sizeof(shipped_dir), "%s", shipped != NULL ? shipped : "");
  const struct CMUnitTest tests[] = {
      LOADER_TEST(test_loader_loads_good_plugin),
      LOADER_TEST(test_loader_returns_loaded_plugin_again),
      LOADER_TEST(test_loader_hands_plugin_the_host_api),
      LOADER_TEST(test_loader_loads_each_plugin_from_its_own_file),
      LOADER_TEST(test_loader_accepts_newer_minor),
      LOADER_TEST(test_loader_accepts_1_2_ops_without_kill_all),
      LOADER_TEST(test_loader_searches_each_directory_of_path),
      LOADER_TEST(test_loader_loads_plugin_fixed_after_refusal),
      LOADER_TEST(test_loader_reports_missing_plugin_and_its_package),
      LOADER_TEST(test_loader_refuses_name_with_slash),
      LOADER_TEST(test_loader_refuses_symlink),
      LOADER_TEST(test_loader_refuses_world_writable_plugin),
      LOADER_TEST(test_loader_refuses_group_writable_plugin),
      LOADER_TEST(test_loader_refuses_plugin_not_owned_by_root),
      LOADER_TEST(test_loader_refuses_group_writable_directory),
      LOADER_TEST(test_loader_refuses_world_writable_directory),
      LOADER_TEST(test_loader_refuses_directory_not_owned_by_root),
      LOADER_TEST(test_loader_refuses_non_regular_file),
      LOADER_TEST(test_loader_refuses_bad_magic),
      LOADER_TEST(test_loader_refuses_other_major),
      LOADER_TEST(test_loader_refuses_short_struct),
      LOADER_TEST(test_loader_refuses_unknown_requires_bits),
      LOADER_TEST(test_loader_refuses_missing_entry_symbol),
      LOADER_TEST(test_loader_refuses_wrong_kind),
      LOADER_TEST(test_loader_refuses_wrong_kind_of_loaded_plugin),
      LOADER_TEST(test_loader_refuses_short_ops),
      LOADER_TEST(test_loader_refuses_plugin_that_refuses_host),
      LOADER_TEST(test_loader_refuses_plugin_calling_itself_otherwise),
      LOADER_TEST(test_loader_reports_undefined_symbol),
      LOADER_TEST(test_loader_refuses_null_name),
      LOADER_TEST(test_loader_refuses_null_version),
      LOADER_TEST(test_loader_refuses_unknown_kind),
      LOADER_TEST(test_loader_refuses_cgroup_plugin_without_cgroup_ops),
      LOADER_TEST(test_loader_refuses_cgroup_plugin_with_lsm_ops),
      LOADER_TEST(test_loader_refuses_null_mandatory_cgroup_op),
      LOADER_TEST(test_loader_refuses_freeze_without_is_frozen),
      LOADER_TEST(test_loader_loads_lsm_plugin),
      LOADER_TEST(test_loader_loads_rdt_plugin),
      LOADER_TEST(test_loader_refuses_rdt_plugin_without_rdt_ops),
      LOADER_TEST(test_loader_refuses_rdt_plugin_before_abi_1_5),
      LOADER_TEST(test_loader_refuses_short_rdt_ops),
      LOADER_TEST(test_loader_refuses_null_mandatory_rdt_op),
      LOADER_TEST(test_loader_refuses_cgroup_plugin_with_rdt_ops),
      LOADER_TEST(test_loader_refuses_lsm_plugin_without_lsm_ops),
      LOADER_TEST(test_loader_refuses_lsm_plugin_with_cgroup_ops),
      LOADER_TEST(test_loader_refuses_short_lsm_ops),
      LOADER_TEST(test_loader_refuses_null_mandatory_lsm_op),
      LOADER_TEST(test_loader_loads_device_plugin),
      LOADER_TEST(test_loader_refuses_device_plugin_without_device_ops),
      LOADER_TEST(test_loader_refuses_short_device_ops),
      LOADER_TEST(test_loader_refuses_null_mandatory_device_op),
      LOADER_TEST(test_loader_refuses_cgroup_plugin_with_device_ops),
      LOADER_TEST(test_loader_never_hands_out_members_past_struct_size),
      LOADER_TEST(test_loader_runs_named_plugin_here_and_scanned_one_in_a_child_first),
      LOADER_TEST(test_loader_survives_entry_point_that_crashes),
      LOADER_TEST(test_loader_kills_entry_point_that_hangs),
      cmocka_unit_test(test_shipped_plugins_export_only_entry_and_have_no_runpath),
      cmocka_unit_test(test_plugin_elf_check_finds_each_defect),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
