/* SPDX-License-Identifier: Apache-2.0 */
/* cgroup-v2.so driven through the plugin ABI on the host's real cgroup2 hierarchy, seen
 * from a private mount namespace with cgroup2 mounted at /sys/fs/cgroup (this also works on
 * hybrid hosts, where the same hierarchy hides at /sys/fs/cgroup/unified). Every check reads
 * what the kernel shows (control files, /proc/PID/..., what a process in the cgroup may
 * open), not what the plugin says. All cgroups are named after "berth-test-cgv2-<pid>" and
 * removed by the teardown, even when a check fails, and once more by the parent process
 * after the test child is gone. Checks that need a controller this host does not offer in
 * cgroup2 (memory, cpu, io, pids are bound to v1 on a hybrid host) assert the error that
 * names the missing controller instead. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <json-c/json.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fs2/bpf.h"
#include "fs2/convert.h"
#include "fs2/devfilter.h"
#include "fixture.h"

/* A plugin call that must succeed; the failure shows the plugin's message. */
#define assert_ok(call)                                                                            \
  do {                                                                                             \
    int r_ = (call);                                                                               \
    if (r_ != 0)                                                                                   \
      fail_msg("%s = %d: %s", #call, r_, err.msg != NULL ? err.msg : "(no message)");              \
  } while (0)

static void path_of(const char *name, char *out, size_t size) {
  cgroup_path(rel(name), out, size);
}

static void assert_file(const char *name, const char *file, const char *want) {
  char dir[4096], got[4096];
  path_of(name, dir, sizeof(dir));
  read_trimmed(dir, file, got, sizeof(got));
  if (strcmp(got, want) != 0)
    fail_msg("%s/%s holds \"%s\", want \"%s\"", dir, file, got, want);
}

/* Is the controller usable in the cgroups the tests make (enabled down to test_root)? */
static bool controller_here(const char *name, const char *controller) {
  char dir[4096];
  path_of(name, dir, sizeof(dir));
  return file_has_word(dir, "cgroup.controllers", controller);
}

static json_object *saved_state(struct berth_cgroup *cg) {
  char *text = NULL;
  assert_ok(ops->save(cg, &text, &err));
  json_object *state = json_tokener_parse(text);
  free(text);
  assert_non_null(state);
  return state;
}

static uint32_t saved_prog_id(struct berth_cgroup *cg) {
  json_object *state = saved_state(cg);
  json_object *id = json_object_object_get(state, "bpf_prog_id");
  uint32_t v = id != NULL ? (uint32_t)json_object_get_int64(id) : 0;
  json_object_put(state);
  return v;
}

static void assert_in_procs(const char *dir, pid_t pid) {
  char spid[16];
  snprintf(spid, sizeof(spid), "%d", (int)pid);
  if (!file_has_line(dir, "cgroup.procs", spid))
    fail_msg("pid %s is not in %s/cgroup.procs", spid, dir);
}

static void sleep_ms(long ms) {
  struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000};
  while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
    ;
}

/* /proc/PID/stat's state letter. */
static char proc_state(pid_t pid) {
  char path[64], buf[512];
  snprintf(path, sizeof(path), "/proc/%d", (int)pid);
  read_trimmed(path, "stat", buf, sizeof(buf));
  const char *paren = strrchr(buf, ')');
  return paren != NULL && paren[1] == ' ' ? paren[2] : '?';
}

static int setup(void **state) {
  (void)state;
  error_clear(&err);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  release_handles();
  remove_test_cgroups();
  error_clear(&err);
  return 0;
}

/* ---- pure code: conversions and the device program ---- */

static void test_cpu_shares_convert_to_weight_as_runc(void **state) {
  (void)state;
  assert_int_equal(fs2_cpu_shares_to_weight(0), 0); /* not set */
  assert_int_equal(fs2_cpu_shares_to_weight(2), 1);
  assert_int_equal(fs2_cpu_shares_to_weight(512), 20);
  assert_int_equal(fs2_cpu_shares_to_weight(1024), 39);
  assert_int_equal(fs2_cpu_shares_to_weight(262144), 10000);
  /* Outside the v1 range: clamped, never wrapped around. */
  assert_int_equal(fs2_cpu_shares_to_weight(1), 1);
  assert_int_equal(fs2_cpu_shares_to_weight(1u << 30), 10000);
}

static void test_blkio_weight_converts_to_io_weight(void **state) {
  (void)state;
  assert_int_equal(fs2_blkio_weight_to_io_weight(0), 0);
  assert_int_equal(fs2_blkio_weight_to_io_weight(10), 1);
  assert_int_equal(fs2_blkio_weight_to_io_weight(500), 4950);
  assert_int_equal(fs2_blkio_weight_to_io_weight(1000), 10000);
  assert_int_equal(fs2_blkio_weight_to_io_weight(5), 1);
}

static void test_swap_converts_to_swap_max(void **state) {
  (void)state;
  bool set;
  int64_t out;
  const char *why;
  const int64_t m = 64 << 20;
  assert_int_equal(fs2_swap_max(-1, m, &set, &out, &why), 0);
  assert_true(set);
  assert_int_equal(out, -1); /* "max" */
  assert_int_equal(fs2_swap_max(m, m, &set, &out, &why), 0);
  assert_true(set);
  assert_int_equal(out, 0); /* no swap at all */
  assert_int_equal(fs2_swap_max(3 * m, m, &set, &out, &why), 0);
  assert_true(set);
  assert_int_equal(out, 2 * m);
  assert_int_equal(fs2_swap_max(0, -1, &set, &out, &why), 0);
  assert_true(set);
  assert_int_equal(out, -1); /* unlimited memory lifts swap too */
  assert_int_equal(fs2_swap_max(0, m, &set, &out, &why), 0);
  assert_false(set);
  assert_int_equal(fs2_swap_max(m - 1, m, &set, &out, &why), -EINVAL);
  assert_non_null(strstr(why, ">= memory limit"));
  assert_int_equal(fs2_swap_max(m, 0, &set, &out, &why), -EINVAL);
}

/* The verifier refuses unreachable code and bad jumps: every shape must load. */
static void test_device_programs_pass_the_verifier(void **state) {
  (void)state;
  const uint32_t rwm = BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD;
  struct dev_rule many[300];
  for (size_t i = 0; i < 300; i++)
    many[i] = (struct dev_rule){i % 2, i % 3 ? 'c' : 'b', (int64_t)i, (int64_t)i * 7,
                                (uint32_t)(1 + i % 7)};
  struct {
    const char *what;
    struct dev_rule rules[4];
    size_t n;
  } shapes[] = {
      {"no rules", {{0}}, 0},
      {"allow all", {{true, 'a', DEV_ANY, DEV_ANY, rwm}}, 1},
      {"deny all", {{false, 'a', DEV_ANY, DEV_ANY, rwm}}, 1},
      {"allow all last", {{true, 'c', 1, 3, rwm}, {true, 'a', DEV_ANY, DEV_ANY, rwm}}, 2},
      {"allow all first", {{true, 'a', DEV_ANY, DEV_ANY, rwm}, {true, 'c', 1, 3, rwm}}, 2},
      {"deny all first",
       {{false, 'a', DEV_ANY, DEV_ANY, rwm},
        {true, 'c', 1, 3, BPF_DEVCG_ACC_READ},
        {true, 'c', DEV_ANY, DEV_ANY, BPF_DEVCG_ACC_MKNOD},
        {true, 'b', 8, DEV_ANY, rwm}},
       4},
      {"huge numbers", {{true, 'c', UINT32_MAX, (int64_t)INT32_MAX + 1, rwm}}, 1},
  };
  for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]) + 1; i++) {
    bool last = i == sizeof(shapes) / sizeof(shapes[0]);
    struct bpf_insn *insns = NULL;
    size_t count = 0;
    assert_int_equal(fs2_devfilter_build(last ? many : shapes[i].rules, last ? 300 : shapes[i].n,
                                         &insns, &count),
                     0);
    static char log[65536];
    int fd = fs2_bpf_load_device_filter(insns, count, log, sizeof(log));
    free(insns);
    if (fd < 0)
      fail_msg("%s: BPF_PROG_LOAD: %s\n%s", last ? "300 rules" : shapes[i].what, strerror(-fd),
               log);
    close(fd);
  }
}

/* ---- the plugin ---- */

static void test_entry_describes_the_plugin(void **state) {
  (void)state;
  assert_int_equal(plugin->magic, BERTH_PLUGIN_MAGIC);
  assert_int_equal(plugin->abi_major, BERTH_ABI_MAJOR);
  assert_int_equal(plugin->abi_minor, BERTH_ABI_MINOR);
  assert_int_equal(plugin->struct_size, sizeof(struct berth_plugin));
  assert_int_equal(plugin->kind, BERTH_PLUGIN_KIND_CGROUP);
  assert_string_equal(plugin->name, "cgroup-v2");
  assert_non_null(plugin->version);
  assert_int_equal(plugin->capabilities, BERTH_CGROUP_CAP_FREEZE | BERTH_CGROUP_CAP_STATS |
                                             BERTH_CGROUP_CAP_UNIFIED | BERTH_CGROUP_CAP_AUTO);
  assert_int_equal(plugin->requires, 0);
  assert_non_null(ops);
  assert_int_equal(ops->struct_size, sizeof(struct berth_cgroup_ops));
  assert_true(ops->create && ops->load && ops->save && ops->enter && ops->apply && ops->freeze &&
              ops->is_frozen && ops->get_pids && ops->stats && ops->destroy && ops->release &&
              ops->cgroup_fd);
  assert_int_equal(ops->auto_rank, 10); /* before cgroup-v1 */
  struct berth_host_api other = fake_host;
  other.abi_major = BERTH_ABI_MAJOR + 1;
  assert_null(plugin_entry()(&other));
}

static void test_create_enables_controllers_down_to_the_cgroup(void **state) {
  (void)state;
  struct berth_cgroup *cg = create("a/leaf", NULL);
  char want[4096], top[4096];
  path_of("a/leaf", want, sizeof(want));
  assert_true(dir_exists(want));
  json_object *saved = saved_state(cg);
  assert_string_equal(json_object_get_string(json_object_object_get(saved, "path")), want);
  json_object_put(saved);
  /* Every controller the mount offers (of runc's list) reaches the leaf. */
  static const char *const wanted[] = {"cpu",    "io",      "memory", "pids",
                                       "cpuset", "hugetlb", "rdma",   "misc"};
  for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++)
    if (file_has_word(cg_base, "cgroup.controllers", wanted[i]) &&
        !file_has_word(want, "cgroup.controllers", wanted[i]))
      fail_msg("%s is offered by %s but not enabled in %s", wanted[i], cg_base, want);
  /* The handle's fd is the cgroup's directory, opened for reading (not O_PATH, which
   * CLONE_INTO_CGROUP and BPF_PROG_ATTACH refuse). */
  int fd = ops->cgroup_fd(cg);
  assert_true(fd >= 0);
  struct stat a, b;
  assert_int_equal(fstat(fd, &a), 0);
  assert_int_equal(stat(want, &b), 0);
  assert_true(a.st_dev == b.st_dev && a.st_ino == b.st_ino);
  assert_int_equal(fcntl(fd, F_GETFL) & (O_PATH | O_ACCMODE), O_RDONLY);
  assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);

  assert_ok(ops->destroy(cg, &err));
  assert_false(dir_exists(want));
  path_of("a", top, sizeof(top));
  assert_true(dir_exists(top)); /* the parent create made is not the container's */
  assert_int_equal(ops->cgroup_fd(cg), -1);
  assert_ok(ops->destroy(cg, &err)); /* gone already: fine */
}

static void test_create_without_cgroups_path_uses_the_container_id(void **state) {
  (void)state;
  char id[96], want[4096];
  snprintf(id, sizeof(id), "%s-id", test_root);
  struct berth_cgroup *cg = NULL;
  assert_int_equal(try_create(id, NULL, NULL, 0, &cg), 0);
  cgroup_path(id, want, sizeof(want));
  assert_true(dir_exists(want));
  assert_ok(ops->destroy(cg, &err));
  assert_false(dir_exists(want));
}

static void test_cgroup_fd_works_with_clone_into_cgroup(void **state) {
  (void)state;
  struct berth_cgroup *cg = create("clone3", NULL);
  struct clone_args args = {
      .flags = CLONE_INTO_CGROUP,
      .exit_signal = SIGCHLD,
      .cgroup = (uint64_t)ops->cgroup_fd(cg),
  };
  long pid = syscall(SYS_clone3, &args, sizeof(args));
  if (pid == 0)
    for (;;)
      pause();
  if (pid < 0 && (errno == ENOSYS || errno == E2BIG))
    skip(); /* kernel < 5.7 */
  assert_true(pid > 0);
  track_child((pid_t)pid);
  char dir[4096];
  path_of("clone3", dir, sizeof(dir));
  assert_in_procs(dir, (pid_t)pid);
  kill_child((pid_t)pid);
}

struct pid_list {
  pid_t pids[8];
  size_t n;
};

static int32_t collect(int32_t pid, void *data) {
  struct pid_list *list = data;
  if (list->n < 8)
    list->pids[list->n++] = pid;
  return 0;
}

static int32_t refuse(int32_t pid, void *data) {
  (void)pid;
  (void)data;
  return -EINTR;
}

static void test_enter_and_get_pids_cover_sub_cgroups(void **state) {
  (void)state;
  struct berth_cgroup *cg = create("pids", NULL);
  char dir[4096], inner[4200];
  path_of("pids", dir, sizeof(dir));
  pid_t outer = spawn_sleeper(), nested = spawn_sleeper();
  assert_ok(ops->enter(cg, outer, &err));
  assert_in_procs(dir, outer);
  char cgroup[4096], want[4200];
  snprintf(want, sizeof(want), "/proc/%d", (int)outer);
  read_trimmed(want, "cgroup", cgroup, sizeof(cgroup));
  snprintf(want, sizeof(want), "0::%s", dir + strlen(cg_mount));
  assert_non_null(strstr(cgroup, want));
  /* A process the container put in a sub-cgroup of its own still counts. */
  snprintf(inner, sizeof(inner), "%s/inner", dir);
  assert_int_equal(mkdir(inner, 0755), 0);
  char spid[16];
  snprintf(spid, sizeof(spid), "%d", (int)nested);
  assert_int_equal(write_file(inner, "cgroup.procs", spid), 0);

  struct pid_list seen = {0};
  assert_ok(ops->get_pids(cg, collect, &seen, &err));
  assert_int_equal(seen.n, 2);
  assert_true((seen.pids[0] == outer && seen.pids[1] == nested) ||
              (seen.pids[0] == nested && seen.pids[1] == outer));
  /* A callback's negative result is the walk's result. */
  assert_int_equal(ops->get_pids(cg, refuse, NULL, &err), -EINTR);
  assert_int_equal(ops->enter(cg, 0, &err), -EINVAL);
  kill_child(outer);
  kill_child(nested);
}

static void test_freeze_stops_the_processes_and_thaw_resumes_them(void **state) {
  (void)state;
  struct berth_cgroup *cg = create("freeze", NULL);
  char dir[4096];
  path_of("freeze", dir, sizeof(dir));
  volatile unsigned long *counter = NULL;
  pid_t spinner = spawn_spinner(&counter);
  assert_true(spinner > 0);
  assert_ok(ops->enter(cg, spinner, &err));
  unsigned long start = *counter;
  sleep_ms(50);
  assert_true(*counter > start); /* it does spin */
  int32_t frozen = 1;
  assert_ok(ops->is_frozen(cg, &frozen, &err));
  assert_int_equal(frozen, 0);

  assert_ok(ops->freeze(cg, 1, &err));
  assert_true(file_has_line(dir, "cgroup.events", "frozen 1"));
  assert_file("freeze", "cgroup.freeze", "1");
  assert_ok(ops->is_frozen(cg, &frozen, &err));
  assert_int_equal(frozen, 1);
  unsigned long before = *counter;
  sleep_ms(200);
  assert_true(*counter == before); /* not a single increment while frozen */
  assert_true(proc_state(spinner) != 'R');

  assert_ok(ops->freeze(cg, 0, &err));
  assert_true(file_has_line(dir, "cgroup.events", "frozen 0"));
  assert_ok(ops->is_frozen(cg, &frozen, &err));
  assert_int_equal(frozen, 0);
  before = *counter;
  sleep_ms(100);
  assert_true(*counter > before);
  kill_child(spinner);
}

static void test_create_refuses_a_populated_cgroup(void **state) {
  (void)state;
  struct berth_cgroup *cg = create("busy", NULL);
  pid_t pid = spawn_sleeper();
  assert_ok(ops->enter(cg, pid, &err));
  struct berth_cgroup *again = NULL;
  expect_error(try_create("c2", rel("busy"), NULL, 0, &again), rel("busy"));
  expect_mention("container's cgroup is not empty: 1 process(es) found");
  assert_int_equal(err.code, EBUSY);
  assert_null(again);
  char dir[4096];
  path_of("busy", dir, sizeof(dir));
  assert_in_procs(dir, pid); /* left alone */
  kill_child(pid);
}

static void test_create_refuses_a_frozen_cgroup(void **state) {
  (void)state;
  struct berth_cgroup *cg = create("cold", NULL);
  assert_ok(ops->freeze(cg, 1, &err));
  struct berth_cgroup *again = NULL;
  expect_error(try_create("c2", rel("cold"), NULL, 0, &again),
               "container's cgroup unexpectedly frozen");
  expect_mention(rel("cold"));
  assert_null(again);
  assert_ok(ops->freeze(cg, 0, &err));
  error_clear(&err);
  assert_int_equal(try_create("c2", rel("cold"), NULL, 0, &again), 0);
}

static void test_create_refuses_a_cgroup_below_a_frozen_one(void **state) {
  (void)state;
  struct berth_cgroup *parent = create("icy", NULL), *child = NULL;
  assert_ok(ops->freeze(parent, 1, &err));
  expect_error(try_create("c2", rel("icy/child"), NULL, 0, &child), "frozen");
  assert_null(child);
  char dir[4096];
  path_of("icy/child", dir, sizeof(dir));
  assert_false(dir_exists(dir)); /* made, found frozen, removed */
  assert_ok(ops->freeze(parent, 0, &err));
}

/* In a threaded subtree only thread-aware controllers work: a new cgroup there is made
 * threaded, unless the resources need a domain controller (runc's CreateCgroupPath). */
static void test_create_in_a_threaded_subtree(void **state) {
  (void)state;
  create("domain/worker", NULL);
  char worker[4096], dir[4096], domain[4096], enabled[256];
  path_of("domain/worker", worker, sizeof(worker));
  path_of("domain", domain, sizeof(domain));
  /* Only thread-aware controllers may stay enabled above a threaded cgroup. */
  read_trimmed(domain, "cgroup.subtree_control", enabled, sizeof(enabled));
  char *save = NULL;
  for (char *c = strtok_r(enabled, " ", &save); c != NULL; c = strtok_r(NULL, " ", &save)) {
    char minus[64];
    snprintf(minus, sizeof(minus), "-%s", c);
    write_file(domain, "cgroup.subtree_control", minus);
  }
  if (write_file(worker, "cgroup.type", "threaded") < 0)
    skip(); /* no threaded mode (kernel < 4.14) */
  struct berth_cgroup *cg = NULL;
  expect_error(try_create("c2", rel("domain/hugetlb"),
                          "{\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":0}]}", 0, &cg),
               "domain controllers");
  assert_null(cg);
  path_of("domain/hugetlb", dir, sizeof(dir));
  assert_false(dir_exists(dir));
  error_clear(&err);
  cg = create("domain/threads", "{\"unified\":{\"cgroup.max.descendants\":\"1\"}}");
  assert_file("domain/threads", "cgroup.type", "threaded");
}

static void test_create_failure_removes_only_what_it_created(void **state) {
  (void)state;
  create("keep", NULL);
  struct berth_cgroup *cg = NULL;
  const char *bad = "{\"unified\":{\"cgroup.max.depth\":\"not a number\"}}";
  expect_error(try_create("c2", rel("keep/new/leaf"), bad, 0, &cg), "cgroup.max.depth");
  assert_null(cg);
  char keep[4096], made[4096];
  path_of("keep", keep, sizeof(keep));
  path_of("keep/new", made, sizeof(made));
  assert_true(dir_exists(keep));
  assert_false(dir_exists(made));
  /* Adopting an existing empty cgroup and failing leaves it in place. */
  error_clear(&err);
  expect_error(try_create("c3", rel("keep"), bad, 0, &cg), "cgroup.max.depth");
  assert_true(dir_exists(keep));
}

static void test_destroy_kills_what_is_left_and_removes_the_tree(void **state) {
  (void)state;
  struct berth_cgroup *cg = create("gone", NULL);
  char dir[4096], inner[4200];
  path_of("gone", dir, sizeof(dir));
  bool has_kill = access(strcat(strcpy(inner, dir), "/cgroup.kill"), F_OK) == 0;
  /* Not reaped until destroy returns: an exited task leaves its cgroup at exit, not when
   * reaped (a container's processes are not berth's children). */
  pid_t a = spawn_sleeper(), b = spawn_sleeper();
  assert_ok(ops->enter(cg, a, &err));
  snprintf(inner, sizeof(inner), "%s/inner", dir);
  assert_int_equal(mkdir(inner, 0755), 0);
  char spid[16];
  snprintf(spid, sizeof(spid), "%d", (int)b);
  assert_int_equal(write_file(inner, "cgroup.procs", spid), 0);
  /* Frozen as well: a paused container deleted with --force. */
  assert_ok(ops->freeze(cg, 1, &err));

  assert_ok(ops->destroy(cg, &err));
  int sa = reap_child(a), sb = reap_child(b);
  assert_true(WIFSIGNALED(sa) && WTERMSIG(sa) == SIGKILL);
  assert_true(WIFSIGNALED(sb) && WTERMSIG(sb) == SIGKILL);
  assert_false(dir_exists(inner));
  assert_false(dir_exists(dir));
  if (!has_kill)
    print_message("note: no cgroup.kill here; the freeze+SIGKILL fallback was used\n");
}

/* A child that forks without pause: 50 lingering grandchildren first, then short-lived ones
 * it reaps, until it is killed. Each grandchild dies with it, whatever happens to the test. */
static pid_t spawn_forker(void) {
  pid_t pid = fork();
  if (pid == 0) {
    for (int n = 0;; n++) {
      pid_t child = fork();
      if (child == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (n >= 50)
          _exit(0);
        for (;;)
          pause();
      }
      if (n >= 50)
        waitpid(child, NULL, 0);
    }
  }
  if (pid > 0)
    track_child(pid);
  return pid;
}

/* Reaped once it died of SIGKILL; fails (rather than hangs) if it lives on. An exited child
 * stays in its cgroup until reaped. */
static void assert_killed_within_5s(pid_t pid) {
  siginfo_t si = {0};
  for (int i = 0; i < 500 && si.si_pid == 0; i++) {
    assert_int_equal(waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT), 0);
    if (si.si_pid == 0)
      sleep_ms(10);
  }
  if (si.si_pid == 0)
    fail_msg("pid %d still alive 5 s after kill_all", (int)pid);
  int status = reap_child(pid);
  assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

static void test_kill_all_kills_every_process_through_cgroup_kill(void **state) {
  (void)state;
  struct berth_cgroup *cg = create("killed", NULL);
  char dir[4096], inner[4200], empty[] = "/tmp/berth-test-procs-XXXXXX", procs[4200];
  path_of("killed", dir, sizeof(dir));
  pid_t a = spawn_sleeper(), b = spawn_sleeper(), forker = spawn_forker();
  assert_ok(ops->enter(cg, a, &err));
  assert_ok(ops->enter(cg, forker, &err));
  snprintf(inner, sizeof(inner), "%s/inner", dir);
  assert_int_equal(mkdir(inner, 0755), 0);
  char spid[16];
  snprintf(spid, sizeof(spid), "%d", (int)b);
  assert_int_equal(write_file(inner, "cgroup.procs", spid), 0);
  sleep_ms(50); /* the forker's grandchildren pile up */
  /* The kernel's doing, not a list's: with cgroup.procs shadowed by an empty file, freezing,
   * listing and signalling would find nobody to kill. */
  int fd = mkstemp(empty);
  assert_true(fd >= 0);
  close(fd);
  snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir);
  assert_int_equal(mount(empty, procs, NULL, MS_BIND, NULL), 0);
  int r = ops->kill_all(cg, &err);
  assert_int_equal(umount(procs), 0);
  unlink(empty);
  assert_ok(r);

  assert_killed_within_5s(a);
  assert_killed_within_5s(b);
  assert_killed_within_5s(forker);
  /* The forker's children too: nothing forked in between survived. */
  char events[256] = "";
  for (int i = 0; i < 500 && strstr(events, "populated 0") == NULL; i++) {
    read_trimmed(dir, "cgroup.events", events, sizeof(events));
    sleep_ms(10);
  }
  assert_non_null(strstr(events, "populated 0"));
  /* Never frozen: cgroup.kill needs no freeze. */
  assert_non_null(strstr(events, "frozen 0"));
  assert_file("killed", "cgroup.freeze", "0");
  assert_ok(ops->destroy(cg, &err));
}

static void test_save_load_round_trip(void **state) {
  (void)state;
  struct berth_cgroup *cg =
      create("saved", "{\"devices\":[{\"allow\":true,\"type\":\"a\",\"access\":\"rwm\"}]}");
  char *first = NULL, *second = NULL;
  assert_ok(ops->save(cg, &first, &err));
  assert_non_null(strstr(first, "\"bpf_prog_id\":"));
  struct berth_cgroup *loaded = NULL;
  assert_ok(ops->load(first, &loaded, &err));
  track_handle(loaded);
  assert_ok(ops->save(loaded, &second, &err));
  assert_string_equal(first, second);
  free(second);

  /* The loaded handle works on the same cgroup. */
  pid_t pid = spawn_sleeper();
  assert_ok(ops->enter(loaded, pid, &err));
  char dir[4096];
  path_of("saved", dir, sizeof(dir));
  assert_in_procs(dir, pid);
  assert_ok(ops->apply(loaded, "{\"unified\":{\"cgroup.max.descendants\":\"7\"}}", &err));
  assert_file("saved", "cgroup.max.descendants", "7");
  assert_ok(ops->destroy(loaded, &err));
  assert_false(dir_exists(dir));
  assert_true(WIFSIGNALED(reap_child(pid)));

  /* Loading after the cgroup is gone still works, for `delete`. */
  struct berth_cgroup *late = NULL;
  assert_ok(ops->load(first, &late, &err));
  track_handle(late);
  assert_int_equal(ops->cgroup_fd(late), -1);
  assert_ok(ops->destroy(late, &err));
  free(first);
}

static void expect_load_error(const char *state_json, const char *fragment) {
  struct berth_cgroup *cg = NULL;
  error_clear(&err);
  int r = ops->load(state_json, &cg, &err);
  if (cg != NULL)
    track_handle(cg);
  if (r >= 0)
    fail_msg("load accepted %s", state_json);
  expect_error(r, fragment);
  assert_null(cg);
}

static void test_load_rejects_paths_outside_the_mount(void **state) {
  (void)state;
  char blob[4096];
  expect_load_error("{\"path\":\"/tmp\"}", "/tmp");
  snprintf(blob, sizeof(blob), "{\"path\":\"%s/../../../etc\"}", cg_mount);
  expect_load_error(blob, "../../../etc");
  snprintf(blob, sizeof(blob), "{\"path\":\"%s/x/./y\"}", cg_mount);
  expect_load_error(blob, "x/./y");
  snprintf(blob, sizeof(blob), "{\"path\":\"%s\"}", cg_mount);
  expect_load_error(blob, cg_mount);
  snprintf(blob, sizeof(blob), "{\"path\":\"%s-evil/x\"}", cg_mount);
  expect_load_error(blob, "-evil");
  snprintf(blob, sizeof(blob), "{\"path\":\"%s/%s\",\"bpf_prog_id\":-1}", cg_mount, test_root);
  expect_load_error(blob, "bpf_prog_id");
  expect_load_error("{\"path\":42}", "path");
  expect_load_error("{}", "path");
  expect_load_error("not json", "load cgroup state");
  expect_load_error(NULL, "load cgroup state");
}

static void test_dotdot_cannot_escape(void **state) {
  (void)state;
  char cgroups_path[512], want[4096];
  struct berth_cgroup *cg = NULL;
  /* Relative: stays below the base, however many "..". */
  snprintf(cgroups_path, sizeof(cgroups_path), "../../../%s/a/../../../../../%s/esc", test_root,
           test_root);
  assert_int_equal(try_create("c1", cgroups_path, NULL, 0, &cg), 0);
  json_object *saved = saved_state(cg);
  path_of("esc", want, sizeof(want));
  assert_string_equal(json_object_get_string(json_object_object_get(saved, "path")), want);
  json_object_put(saved);
  assert_true(dir_exists(want));

  /* Absolute: stays below the mount point. */
  snprintf(cgroups_path, sizeof(cgroups_path), "/../../%s/../../%s/abs", test_root, test_root);
  assert_int_equal(try_create("c1", cgroups_path, NULL, 0, &cg), 0);
  saved = saved_state(cg);
  snprintf(want, sizeof(want), "%s/%s/abs", cg_mount, test_root);
  assert_string_equal(json_object_get_string(json_object_object_get(saved, "path")), want);
  json_object_put(saved);
  assert_true(dir_exists(want));
  assert_ok(ops->destroy(cg, &err));
  assert_false(dir_exists(want));

  /* What cleans to nothing would be a root or berth's parent: refused. */
  const char *nothing[] = {".", "/", "..", "a/..", "/../.."};
  for (size_t i = 0; i < sizeof(nothing) / sizeof(nothing[0]); i++) {
    error_clear(&err);
    expect_error(try_create("c1", nothing[i], NULL, 0, &cg), "not a cgroup of its own");
    assert_null(cg);
  }
}

static void test_unified_keys_must_be_file_names(void **state) {
  (void)state;
  struct berth_cgroup *cg = create("unified", NULL);
  const char *bad[] = {"../x", "a/b", "..", ".", ""};
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    char resources[256];
    /* A valid key first: nothing at all is written when any key is refused. */
    snprintf(resources, sizeof(resources),
             "{\"unified\":{\"cgroup.max.descendants\":\"3\",\"%s\":\"1\"}}", bad[i]);
    error_clear(&err);
    expect_error(ops->apply(cg, resources, &err), "not a file name");
    assert_file("unified", "cgroup.max.descendants", "max");
  }
  error_clear(&err);
  expect_error(ops->apply(cg, "{\"unified\":{\"cgroup.max.depth\":3}}", &err), "string");
  /* Written verbatim, after the OCI fields; multi-line values one line at a time. */
  error_clear(&err);
  assert_ok(ops->apply(cg,
                       "{\"unified\":{\"cgroup.max.descendants\":\"5\","
                       "\"cgroup.max.depth\":\"2\\n\"}}",
                       &err));
  assert_file("unified", "cgroup.max.descendants", "5");
  assert_file("unified", "cgroup.max.depth", "2");
  if (!controller_here("unified", "memory")) {
    expect_error(ops->apply(cg, "{\"unified\":{\"memory.high\":\"1G\"}}", &err),
                 "memory controller is not enabled");
  } else {
    assert_ok(ops->apply(cg, "{\"unified\":{\"memory.high\":\"1073741824\"}}", &err));
    assert_file("unified", "memory.high", "1073741824");
  }
}

static void test_hugetlb_limits(void **state) {
  (void)state;
  struct berth_cgroup *cg = create("huge", NULL);
  if (!controller_here("huge", "hugetlb")) {
    expect_error(
        ops->apply(cg, "{\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":4194304}]}", &err),
        "hugetlb controller is not enabled");
    return;
  }
  char dir[4096], path[4200];
  path_of("huge", dir, sizeof(dir));
  snprintf(path, sizeof(path), "%s/hugetlb.2MB.max", dir);
  if (access(path, F_OK) != 0)
    skip(); /* no 2 MB pages on this machine */
  assert_int_equal(
      ops->apply(cg, "{\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":4194304}]}", &err), 0);
  assert_file("huge", "hugetlb.2MB.max", "4194304");
  snprintf(path, sizeof(path), "%s/hugetlb.2MB.rsvd.max", dir);
  if (access(path, F_OK) == 0)
    assert_file("huge", "hugetlb.2MB.rsvd.max", "4194304");
  expect_error(ops->apply(cg, "{\"hugepageLimits\":[{\"pageSize\":\"../2MB\",\"limit\":1}]}", &err),
               "not a page size");
}

/* A block device of this machine, "MAJ:MIN", for io limits; "" when there is none. */
static void block_device(char *out, size_t size) {
  out[0] = '\0';
  DIR *d = opendir("/sys/block");
  struct dirent *e;
  while (d != NULL && out[0] == '\0' && (e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.' || strncmp(e->d_name, "loop", 4) == 0 ||
        strncmp(e->d_name, "ram", 3) == 0)
      continue;
    char dir[300];
    snprintf(dir, sizeof(dir), "/sys/block/%s", e->d_name);
    read_trimmed(dir, "dev", out, size);
  }
  if (d != NULL)
    closedir(d);
}

static bool exists_in(const char *dir, const char *name) {
  char path[4200];
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  return access(path, F_OK) == 0;
}

static bool file_contains(const char *dir, const char *name, const char *fragment) {
  char buf[8192];
  read_trimmed(dir, name, buf, sizeof(buf));
  return strstr(buf, fragment) != NULL;
}

/* memory, cpu, io, pids, cpuset: the values in the files where the controller is enabled;
 * elsewhere the error names the controller and the value the plugin computed (so that the
 * conversions are checked on any host). Applied in order: later cases see earlier ones. */
static void test_limits_of_each_controller(void **state) {
  (void)state;
  struct berth_cgroup *cg = create("limits", NULL);
  char dev[32], major[16] = "8", minor[16] = "0";
  block_device(dev, sizeof(dev));
  if (sscanf(dev, "%15[0-9]:%15[0-9]", major, minor) != 2)
    dev[0] = '\0';
  char weight_device[160], throttle[160], want_weight[48], want_throttle[48];
  snprintf(weight_device, sizeof(weight_device),
           "{\"blockIO\":{\"weightDevice\":[{\"major\":%s,\"minor\":%s,\"weight\":500}]}}", major,
           minor);
  snprintf(throttle, sizeof(throttle),
           "{\"blockIO\":{\"throttleReadBpsDevice\":[{\"major\":%s,\"minor\":%s,"
           "\"rate\":1048576}]}}",
           major, minor);
  snprintf(want_weight, sizeof(want_weight), "%s:%s 4950", major, minor);
  snprintf(want_throttle, sizeof(want_throttle), "%s:%s rbps=1048576", major, minor);
  struct {
    const char *controller, *resources, *file, *want;
    const char *want_absent; /* the value written when the file is missing, if different */
  } cases[] = {
      {"pids", "{\"pids\":{\"limit\":42}}", "pids.max", "42", NULL},
      {"pids", "{\"pids\":{\"limit\":-1}}", "pids.max", "max", NULL},
      {"memory", "{\"memory\":{\"limit\":67108864}}", "memory.max", "67108864", NULL},
      {"memory", "{\"memory\":{\"limit\":67108864,\"swap\":100663296}}", "memory.swap.max",
       "33554432", NULL},
      {"memory", "{\"memory\":{\"reservation\":33554432}}", "memory.low", "33554432", NULL},
      {"memory", "{\"memory\":{\"limit\":-1}}", "memory.max", "max", NULL},
      {"cpu", "{\"cpu\":{\"shares\":1024}}", "cpu.weight", "39", NULL},
      {"cpu", "{\"cpu\":{\"quota\":50000,\"period\":100000}}", "cpu.max", "50000 100000", NULL},
      /* The period alone keeps the quota (runc would reset it to max). */
      {"cpu", "{\"cpu\":{\"period\":200000}}", "cpu.max", "50000 200000", "max 200000"},
      {"cpu", "{\"cpu\":{\"quota\":-1}}", "cpu.max", "max 200000", "max 100000"},
      {"cpu", "{\"cpu\":{\"idle\":1}}", "cpu.idle", "1", NULL},
      {"io", "{\"blockIO\":{\"weight\":500}}", "io.weight", "default 4950", NULL},
      {"io", weight_device, "io.weight", want_weight, NULL},
      {"io", throttle, "io.max", want_throttle, NULL},
      {"cpuset", "{\"cpu\":{\"cpus\":\"0\"}}", "cpuset.cpus", "0", NULL},
  };
  char dir[4096];
  path_of("limits", dir, sizeof(dir));
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    error_clear(&err);
    int r = ops->apply(cg, cases[i].resources, &err);
    if (!controller_here("limits", cases[i].controller)) {
      char want[160];
      snprintf(want, sizeof(want), "the %s controller is not enabled", cases[i].controller);
      expect_error(r, want);
      snprintf(want, sizeof(want), "%s=%s", cases[i].file,
               cases[i].want_absent != NULL ? cases[i].want_absent : cases[i].want);
      expect_mention(want);
      continue;
    }
    if (r != 0)
      fail_msg("%s: %s", cases[i].resources, err.msg);
    if (strcmp(cases[i].controller, "io") == 0 && exists_in(dir, "io.bfq.weight") &&
        strcmp(cases[i].file, "io.weight") == 0)
      continue; /* BFQ took the weight on its own scale: not io.weight's business */
    if (strcmp(cases[i].controller, "io") == 0 && dev[0] == '\0')
      continue; /* no block device to limit */
    if (!file_contains(dir, cases[i].file, cases[i].want)) {
      char got[4096];
      read_trimmed(dir, cases[i].file, got, sizeof(got));
      fail_msg("%s: %s/%s holds \"%s\", want \"%s\"", cases[i].resources, dir, cases[i].file, got,
               cases[i].want);
    }
  }
  /* Contradictions are refused whatever the host offers, before any write. */
  error_clear(&err);
  expect_error(ops->apply(cg, "{\"memory\":{\"limit\":67108864,\"swap\":1048576}}", &err),
               ">= memory limit");
  error_clear(&err);
  expect_error(ops->apply(cg, "{\"blockIO\":{\"weight\":5}}", &err), "10..1000");
  error_clear(&err);
  expect_error(ops->apply(cg, "{\"cpu\":{\"realtimeRuntime\":1000}}", &err), "real-time");
  error_clear(&err);
  expect_error(ops->apply(cg, "{\"memory\":{\"limit\":\"1G\"}}", &err),
               "linux.resources.memory.limit");
  error_clear(&err);
  expect_error(ops->apply(cg, "{\"memory\":", &err), "linux.resources");
  /* Nothing asked, nothing written; v1-only fields are ignored, not errors. */
  error_clear(&err);
  assert_ok(ops->apply(cg, NULL, &err));
  assert_ok(ops->apply(cg, "{}", &err));
  assert_ok(ops->apply(cg,
                       "{\"memory\":{\"swappiness\":10,\"kernel\":1},\"network\":{"
                       "\"classID\":1},\"blockIO\":{\"leafWeight\":300}}",
                       &err));
}

/* Runs check(arg) in a child moved into the cgroup first; fails the test if it fails. */
static void run_in_cgroup(struct berth_cgroup *cg, int (*check)(const void *arg), const void *arg) {
  int go[2];
  assert_int_equal(pipe2(go, O_CLOEXEC), 0);
  pid_t pid = fork();
  if (pid == 0) {
    char c;
    close(go[1]);
    if (read(go[0], &c, 1) != 1)
      _exit(99);
    _exit(check(arg));
  }
  close(go[0]);
  assert_true(pid > 0);
  track_child(pid);
  int r = ops->enter(cg, pid, &err);
  if (write(go[1], "g", 1) != 1)
    fail_msg("start the child");
  close(go[1]);
  assert_int_equal(r, 0);
  int status = reap_child(pid);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    fail_msg("check in the cgroup failed (status 0x%x)", status);
}

/* Opens that must work ('+') or fail with EPERM ('-'): "+/dev/null:r -/dev/full:w". */
static int check_opens(const void *arg) {
  char spec[256];
  snprintf(spec, sizeof(spec), "%s", (const char *)arg);
  char *save = NULL;
  for (char *item = strtok_r(spec, " ", &save); item != NULL; item = strtok_r(NULL, " ", &save)) {
    bool allowed = item[0] == '+';
    char *colon = strrchr(item, ':');
    *colon = '\0';
    int flags = strcmp(colon + 1, "r") == 0   ? O_RDONLY
                : strcmp(colon + 1, "w") == 0 ? O_WRONLY
                                              : O_RDWR;
    int fd = open(item + 1, flags | O_CLOEXEC);
    int saved = errno;
    if (fd >= 0)
      close(fd);
    if (allowed ? fd < 0 : !(fd < 0 && saved == EPERM)) {
      fprintf(stderr, "open %s (%s): %s, want %s\n", item + 1, colon + 1,
              fd >= 0 ? "opened" : strerror(saved), allowed ? "opened" : "EPERM");
      return 1;
    }
  }
  return 0;
}

static int check_mknod(const void *arg) {
  char path[64];
  snprintf(path, sizeof(path), "/tmp/berth-cgv2-mknod-%d", (int)getpid());
  int r = mknod(path, S_IFCHR | 0600, makedev(1, 3));
  int saved = errno;
  unlink(path);
  bool want = *(const bool *)arg;
  if (want ? r != 0 : !(r < 0 && saved == EPERM)) {
    fprintf(stderr, "mknod c 1:3: %s, want %s\n", r == 0 ? "made" : strerror(saved),
            want ? "made" : "EPERM");
    return 1;
  }
  return 0;
}

static uint32_t attached_programs(struct berth_cgroup *cg, uint32_t *ids) {
  uint32_t count = 8;
  assert_int_equal(fs2_bpf_query_device_filters(ops->cgroup_fd(cg), ids, &count), 0);
  return count;
}

static void test_device_filter_is_attached_and_enforced(void **state) {
  (void)state;
  struct berth_cgroup *cg =
      create("devices", "{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},"
                        "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"rwm\"}"
                        "]}");
  uint32_t ids[8];
  assert_int_equal(attached_programs(cg, ids), 1);
  assert_int_equal(ids[0], saved_prog_id(cg));
  run_in_cgroup(cg, check_opens, "+/dev/null:rw -/dev/full:r -/dev/zero:w");
  /* The test process itself, outside the cgroup, is not filtered. */
  assert_int_equal(check_opens("+/dev/full:r"), 0);

  /* Re-applying replaces the program: still one attached, a new one. */
  uint32_t old = ids[0];
  assert_ok(ops->apply(cg,
                       "{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},"
                       "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":7,"
                       "\"access\":\"r\"}]}",
                       &err));
  assert_int_equal(attached_programs(cg, ids), 1);
  assert_true(ids[0] != old);
  assert_int_equal(ids[0], saved_prog_id(cg));
  run_in_cgroup(cg, check_opens, "+/dev/full:r -/dev/full:w -/dev/null:r");

  /* A handle loaded from the saved state replaces it too. */
  char *text = NULL;
  assert_ok(ops->save(cg, &text, &err));
  struct berth_cgroup *loaded = NULL;
  assert_ok(ops->load(text, &loaded, &err));
  free(text);
  track_handle(loaded);
  assert_ok(ops->apply(loaded, "{\"devices\":[{\"allow\":true}]}", &err));
  assert_int_equal(attached_programs(loaded, ids), 1);
  run_in_cgroup(cg, check_opens, "+/dev/full:rw +/dev/null:rw");

  /* A bad rule anywhere: nothing changes. */
  old = ids[0];
  expect_error(
      ops->apply(cg, "{\"devices\":[{\"allow\":true},{\"allow\":true,\"type\":\"x\"}]}", &err),
      "linux.resources.devices[1].type");
  assert_int_equal(attached_programs(cg, ids), 1);
  assert_int_equal(ids[0], old);
}

static void test_device_rules_decide_each_access_type(void **state) {
  (void)state;
  /* The last rule speaking of an access type decides it: write is taken back. */
  struct berth_cgroup *cg = create(
      "access", "{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},"
                "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":5,\"access\":\"rwm\"},"
                "{\"allow\":false,\"type\":\"c\",\"major\":1,\"minor\":5,\"access\":\"w\"},"
                "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"r\"},"
                "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"w\"}]}");
  run_in_cgroup(cg, check_opens, "+/dev/zero:r -/dev/zero:w -/dev/zero:rw +/dev/null:rw");
  bool want = false;
  run_in_cgroup(cg, check_mknod, &want); /* nobody granted m */
  assert_ok(ops->apply(cg,
                       "{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},"
                       "{\"allow\":true,\"type\":\"c\",\"access\":\"m\"},"
                       "{\"allow\":false,\"type\":\"b\",\"access\":\"rwm\"}]}",
                       &err));
  want = true;
  run_in_cgroup(cg, check_mknod, &want);
  run_in_cgroup(cg, check_opens, "-/dev/null:r");
  /* What no rule speaks of is denied, without a leading "deny all" too. */
  assert_ok(ops->apply(
      cg, "{\"devices\":[{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3}]}", &err));
  run_in_cgroup(cg, check_opens, "+/dev/null:rw -/dev/full:r -/dev/zero:r");
  want = true;
  run_in_cgroup(cg, check_mknod, &want); /* access absent: rwm, so m too */
}

static uint64_t stat_u64(json_object *o, const char *a, const char *b, const char *c) {
  json_object *v = json_object_object_get(o, a);
  if (b != NULL)
    v = json_object_object_get(v, b);
  if (c != NULL)
    v = json_object_object_get(v, c);
  if (v == NULL)
    fail_msg("stats have no %s.%s.%s", a, b ? b : "", c ? c : "");
  return json_object_get_uint64(v);
}

static void test_stats_report_usage(void **state) {
  (void)state;
  struct berth_cgroup *cg = create("stats", NULL);
  volatile unsigned long *counter = NULL;
  pid_t spinner = spawn_spinner(&counter);
  pid_t sleeper = spawn_sleeper();
  assert_ok(ops->enter(cg, spinner, &err));
  assert_ok(ops->enter(cg, sleeper, &err));
  sleep_ms(100);
  char *text = NULL;
  assert_ok(ops->stats(cg, &text, &err));
  json_object *stats = json_tokener_parse(text);
  free(text);
  assert_non_null(stats);
  /* cpu.stat exists without the cpu controller: 100 ms of spinning shows. */
  assert_true(stat_u64(stats, "cpu", "usage", "total") >= 10 * 1000 * 1000);
  assert_true(stat_u64(stats, "cpu", "usage", "user") > 0);
  stat_u64(stats, "cpu", "usage", "kernel");
  stat_u64(stats, "cpu", "throttling", "periods");
  /* Without the pids controller the count comes from cgroup.procs. */
  assert_int_equal(stat_u64(stats, "pids", "current", NULL), 2);
  assert_non_null(json_object_object_get(stats, "blkio"));
  assert_non_null(json_object_object_get(stats, "memory"));
  json_object *events = json_object_object_get(stats, "memory_events");
  assert_non_null(events);
  if (controller_here("stats", "memory")) {
    assert_true(stat_u64(stats, "memory", "usage", "usage") > 0);
    stat_u64(stats, "memory", "usage", "limit");
    stat_u64(stats, "memory", "raw", "anon");
    stat_u64(stats, "memory_events", "oom", NULL);
    stat_u64(stats, "memory_events", "oom_kill", NULL);
  }
  if (controller_here("stats", "hugetlb")) {
    json_object *hugetlb = json_object_object_get(stats, "hugetlb");
    assert_true(json_object_object_length(hugetlb) > 0);
    json_object_object_foreach(hugetlb, size, entry) {
      (void)size;
      assert_non_null(json_object_object_get(entry, "usage"));
      assert_non_null(json_object_object_get(entry, "failcnt"));
    }
  }
  json_object_put(stats);
  kill_child(spinner);
  kill_child(sleeper);
}

static size_t open_fds(void) {
  size_t n = 0;
  DIR *d = opendir("/proc/self/fd");
  while (d != NULL && readdir(d) != NULL)
    n++;
  if (d != NULL)
    closedir(d);
  return n;
}

static int32_t ignore_pid(int32_t pid, void *data) {
  (void)pid;
  (void)data;
  return 0;
}

/* ASan sees leaked memory, not leaked fds: count them across every op, failures included. */
static void test_no_fd_leaks(void **state) {
  (void)state;
  pid_t pid = spawn_sleeper(); /* its pidfd stays open: counted before and after */
  size_t before = open_fds();
  struct berth_cgroup *cg = NULL, *loaded = NULL;
  assert_int_equal(
      try_create("c1", rel("fds"), "{\"devices\":[{\"allow\":true,\"access\":\"rwm\"}]}", 0, &cg),
      0);
  assert_ok(ops->enter(cg, pid, &err));
  assert_true(ops->apply(cg, "{\"unified\":{\"nope.file\":\"1\"}}", &err) < 0);
  error_clear(&err);
  assert_ok(ops->apply(cg, "{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]}", &err));
  assert_true(try_create("c2", rel("fds"), NULL, 0, &loaded) < 0); /* populated */
  error_clear(&err);
  char *text = NULL;
  assert_ok(ops->stats(cg, &text, &err));
  free(text);
  assert_ok(ops->get_pids(cg, ignore_pid, NULL, &err));
  assert_ok(ops->freeze(cg, 1, &err));
  int32_t frozen;
  assert_ok(ops->is_frozen(cg, &frozen, &err));
  assert_ok(ops->freeze(cg, 0, &err));
  assert_ok(ops->save(cg, &text, &err));
  assert_ok(ops->load(text, &loaded, &err));
  free(text);
  assert_true(ops->load("{\"path\":\"/tmp\"}", &cg, &err) < 0);
  error_clear(&err);
  assert_ok(ops->destroy(loaded, &err));
  assert_true(WIFSIGNALED(reap_child(pid)));
  ops->release(loaded);
  release_handles();
  assert_int_equal(open_fds(), before);
}

/* Checks in forked children report through the exit status. */
#define CHILD_CHECK(cond)                                                                          \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      fprintf(stderr, "child: %s:%d: %s (%s)\n", __FILE__, __LINE__, #cond,                        \
              err.msg ? err.msg : "");                                                             \
      _exit(1);                                                                                    \
    }                                                                                              \
  } while (0)

static void wait_child_ok(pid_t pid) {
  int status = 0;
  assert_true(pid > 0);
  assert_int_equal(waitpid(pid, &status, 0), pid);
  if (!WIFEXITED(status))
    fail_msg("child died of signal %d", WTERMSIG(status));
  if (WEXITSTATUS(status) == 77)
    skip();
  assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_rootless_goes_without_a_cgroup_it_may_not_make(void **state) {
  (void)state;
  pid_t pid = fork();
  if (pid == 0) {
    CHILD_CHECK(setgroups(0, NULL) == 0 && setresgid(65534, 65534, 65534) == 0 &&
                setresuid(65534, 65534, 65534) == 0);
    struct berth_cgroup *cg = NULL;
    char id[96];
    snprintf(id, sizeof(id), "%s-id", test_root);
    /* Without the flag, a permission error is an error naming the directory. */
    CHILD_CHECK(try_create(id, NULL, NULL, 0, &cg) == -EACCES);
    CHILD_CHECK(strstr(err.msg, test_root) != NULL);
    error_clear(&err);
    /* An explicit cgroupsPath or limits need the cgroup: still errors. */
    CHILD_CHECK(try_create("c1", rel("rootless"), NULL, BERTH_CGROUP_REQ_ROOTLESS, &cg) < 0);
    error_clear(&err);
    CHILD_CHECK(try_create(id, NULL, "{\"pids\":{\"limit\":5}}", BERTH_CGROUP_REQ_ROOTLESS, &cg) <
                0);
    error_clear(&err);
    /* Neither: runs without one (runc's ErrRootless), devices rules or not. */
    CHILD_CHECK(try_create(id, NULL, "{\"devices\":[{\"allow\":true}]}", BERTH_CGROUP_REQ_ROOTLESS,
                           &cg) == 0);
    CHILD_CHECK(ops->cgroup_fd(cg) == -1);
    CHILD_CHECK(ops->enter(cg, getpid(), &err) == 0);
    CHILD_CHECK(ops->destroy(cg, &err) == 0);
    ops->release(cg);
    _exit(0);
  }
  wait_child_ok(pid);
}

/* cgroup2 mounted somewhere else and /sys/fs/cgroup gone: found from mountinfo. */
static void test_discovery_follows_mountinfo(void **state) {
  (void)state;
  pid_t pid = fork();
  if (pid == 0) {
    CHILD_CHECK(unshare(CLONE_NEWNS) == 0);
    CHILD_CHECK(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0);
    char where[] = "/tmp/berth-cgv2-mnt-XXXXXX";
    CHILD_CHECK(mkdtemp(where) != NULL);
    CHILD_CHECK(mount("cgroup2", where, "cgroup2", 0, NULL) == 0);
    CHILD_CHECK(umount2("/sys/fs/cgroup", MNT_DETACH) == 0);
    /* And what lay below (a hybrid host's v1 hierarchies): with them the entry point would
     * rightly refuse the host. */
    while (umount2("/sys/fs/cgroup", MNT_DETACH) == 0)
      ;
    CHILD_CHECK(plugin_entry()(&fake_host) != NULL);
    struct berth_cgroup *cg = NULL;
    char abs[256], want[4096];
    snprintf(abs, sizeof(abs), "/%s/moved", test_root);
    CHILD_CHECK(try_create("c1", abs, NULL, 0, &cg) == 0);
    snprintf(want, sizeof(want), "%s%s", where, abs);
    CHILD_CHECK(dir_exists(want));
    char *text = NULL;
    CHILD_CHECK(ops->save(cg, &text, &err) == 0);
    json_object *saved = json_tokener_parse(text);
    free(text);
    /* That mount, not another view of the same hierarchy. */
    CHILD_CHECK(strcmp(json_object_get_string(json_object_object_get(saved, "path")), want) == 0);
    json_object_put(saved);
    CHILD_CHECK(ops->destroy(cg, &err) == 0);
    CHILD_CHECK(!dir_exists(want));
    ops->release(cg);
    umount2(where, MNT_DETACH);
    rmdir(where);
    _exit(0);
  }
  wait_child_ok(pid);
}

static int group_setup(void **state) {
  (void)state;
  const char *why = NULL;
  if (discover_test_unified() < 0) {
    fprintf(stderr, "no cgroup2 mount\n");
    return -1;
  }
  if (load_plugin("cgroup-v2", &why) == NULL) {
    fprintf(stderr, "%s\n", why);
    return -1;
  }
  return 0;
}

static int group_teardown(void **state) {
  (void)state;
  remove_test_cgroups();
  return 0;
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

static int run_all(void) {
  const struct CMUnitTest tests[] = {
      T(test_cpu_shares_convert_to_weight_as_runc),
      T(test_blkio_weight_converts_to_io_weight),
      T(test_swap_converts_to_swap_max),
      T(test_device_programs_pass_the_verifier),
      T(test_entry_describes_the_plugin),
      T(test_create_enables_controllers_down_to_the_cgroup),
      T(test_create_without_cgroups_path_uses_the_container_id),
      T(test_cgroup_fd_works_with_clone_into_cgroup),
      T(test_enter_and_get_pids_cover_sub_cgroups),
      T(test_freeze_stops_the_processes_and_thaw_resumes_them),
      T(test_create_refuses_a_populated_cgroup),
      T(test_create_refuses_a_frozen_cgroup),
      T(test_create_refuses_a_cgroup_below_a_frozen_one),
      T(test_create_in_a_threaded_subtree),
      T(test_create_failure_removes_only_what_it_created),
      T(test_destroy_kills_what_is_left_and_removes_the_tree),
      T(test_kill_all_kills_every_process_through_cgroup_kill),
      T(test_save_load_round_trip),
      T(test_load_rejects_paths_outside_the_mount),
      T(test_dotdot_cannot_escape),
      T(test_unified_keys_must_be_file_names),
      T(test_hugetlb_limits),
      T(test_limits_of_each_controller),
      T(test_device_filter_is_attached_and_enforced),
      T(test_device_rules_decide_each_access_type),
      T(test_stats_report_usage),
      T(test_no_fd_leaks),
      T(test_rootless_goes_without_a_cgroup_it_may_not_make),
      T(test_discovery_follows_mountinfo),
  };
  return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

int main(void) {
  if (geteuid() != 0) {
    fprintf(stderr, "test_cgroup_v2 needs root\n");
    return 77;
  }
  name_test_root("cgv2");
  pid_t child = fork();
  if (child == 0) {
    if (enter_unified_view() < 0)
      _exit(77);
    _exit(run_all());
  }
  int status = 0;
  while (child > 0 && waitpid(child, &status, 0) < 0 && errno == EINTR)
    ;
  /* Whatever happened in there, the cgroups it made are in the host's hierarchy too. */
  if (discover_test_unified() == 0)
    remove_test_cgroups();
  if (child < 0 || !WIFEXITED(status)) {
    fprintf(stderr, "test child %s\n", child < 0 ? "not started" : "died");
    return 1;
  }
  return WEXITSTATUS(status);
}
