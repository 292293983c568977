/* SPDX-License-Identifier: Apache-2.0 */
/* cgroup-v1.so driven through the plugin ABI on this host's real hierarchies. Every check
 * reads what the kernel shows (control files, /proc/PID/...), not what the plugin says. All
 * cgroups live below "berth-test-cgv1-<pid>" and are removed by the teardown, even when a
 * check fails. */
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
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"

#define MiB (1024 * 1024)

static void path_of(const char *controller, const char *name, char *out, size_t size) {
  const struct test_hierarchy *h = hierarchy_with(controller);
  assert_non_null(h);
  cgroup_path(h, rel(name), out, size);
}

static void assert_file(const char *controller, const char *name, const char *file,
                        const char *want) {
  char dir[4096], got[4096];
  path_of(controller, name, dir, sizeof(dir));
  read_trimmed(dir, file, got, sizeof(got));
  if (strcmp(got, want) != 0)
    fail_msg("%s/%s holds \"%s\", want \"%s\"", dir, file, got, want);
}

static json_object *saved_paths(struct berth_cgroup *cg) {
  char *text = NULL;
  assert_int_equal(ops->save(cg, &text, &err), 0);
  json_object *state = json_tokener_parse(text);
  free(text);
  assert_non_null(state);
  return state;
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

static void test_entry_describes_the_plugin(void **state) {
  (void)state;
  assert_int_equal(plugin->magic, BERTH_PLUGIN_MAGIC);
  assert_int_equal(plugin->abi_major, BERTH_ABI_MAJOR);
  assert_int_equal(plugin->abi_minor, BERTH_ABI_MINOR);
  assert_int_equal(plugin->struct_size, sizeof(struct berth_plugin));
  assert_int_equal(plugin->kind, BERTH_PLUGIN_KIND_CGROUP);
  assert_string_equal(plugin->name, "cgroup-v1");
  assert_non_null(plugin->version);
  assert_int_equal(plugin->capabilities,
                   BERTH_CGROUP_CAP_FREEZE | BERTH_CGROUP_CAP_STATS | BERTH_CGROUP_CAP_AUTO);
  assert_int_equal(plugin->requires, 0);
  assert_non_null(ops);
  assert_int_equal(ops->struct_size, sizeof(struct berth_cgroup_ops));
  assert_true(ops->create && ops->load && ops->save && ops->enter && ops->apply && ops->freeze &&
              ops->is_frozen && ops->get_pids && ops->stats && ops->destroy && ops->release &&
              ops->cgroup_fd);
  assert_int_equal(ops->auto_rank, 20); /* after cgroup-v2 */

  /* A host of another major is refused. */
  struct berth_host_api other = fake_host;
  other.abi_major = BERTH_ABI_MAJOR + 1;
  assert_null(plugin_entry()(&other));
}

static void test_create_makes_the_cgroup_in_every_hierarchy(void **state) {
  (void)state;
  struct berth_cgroup *cg = create("every", NULL);
  json_object *saved = saved_paths(cg);
  json_object *paths = json_object_object_get(saved, "paths");
  bool unified_seen = false;
  for (size_t i = 0; i < n_hierarchies; i++) {
    const struct test_hierarchy *h = &hierarchies[i];
    char want[4096];
    cgroup_path(h, rel("every"), want, sizeof(want));
    assert_true(dir_exists(want));
    char key[64];
    snprintf(key, sizeof(key), "%.*s", (int)strcspn(h->controllers, ","), h->controllers);
    json_object *got = json_object_object_get(paths, key);
    assert_non_null(got);
    assert_string_equal(json_object_get_string(got), want);
    unified_seen |= strcmp(key, "unified") == 0;
  }
  json_object_put(saved);
  if (hierarchy_with("unified") != NULL)
    assert_true(unified_seen); /* hybrid host: runc joins cgroup2 too */
  assert_int_equal(ops->cgroup_fd(cg), -1);

  assert_int_equal(ops->destroy(cg, &err), 0);
  for (size_t i = 0; i < n_hierarchies; i++) {
    char path[4096];
    cgroup_path(&hierarchies[i], rel("every"), path, sizeof(path));
    assert_false(dir_exists(path));
  }
  /* The parent that existed before (made by create, but not the container's) is untouched
   * by destroy: runc removes only the leaf. */
  char parent[4096];
  cgroup_path(hierarchy_with("memory"), test_root, parent, sizeof(parent));
  assert_true(dir_exists(parent));
  assert_int_equal(ops->destroy(cg, &err), 0); /* gone already: fine */
}

static void test_create_without_cgroups_path_uses_the_container_id(void **state) {
  (void)state;
  char id[96], want[4096];
  snprintf(id, sizeof(id), "%s-id", test_root);
  struct berth_cgroup *cg = NULL;
  assert_int_equal(try_create(id, NULL, NULL, 0, &cg), 0);
  cgroup_path(hierarchy_with("memory"), id, want, sizeof(want));
  assert_true(dir_exists(want));
  assert_int_equal(ops->destroy(cg, &err), 0);
  assert_false(dir_exists(want));
}

static void test_apply_writes_limits_the_kernel_shows(void **state) {
  (void)state;
  struct berth_cgroup *cg = create(
      "limits", "{\"memory\":{\"limit\":67108864,\"reservation\":33554432,\"swap\":134217728,"
                "\"swappiness\":10,\"disableOOMKiller\":true,\"kernel\":1048576},"
                "\"cpu\":{\"shares\":512,\"quota\":50000,\"period\":100000,\"cpus\":\"0\","
                "\"mems\":\"0\"},\"pids\":{\"limit\":42}}");
  char dir[4096];
  assert_file("memory", "limits", "memory.limit_in_bytes", "67108864");
  assert_file("memory", "limits", "memory.soft_limit_in_bytes", "33554432");
  path_of("memory", "limits", dir, sizeof(dir));
  if (access(strcat(dir, "/memory.memsw.limit_in_bytes"), F_OK) == 0)
    assert_file("memory", "limits", "memory.memsw.limit_in_bytes", "134217728");
  assert_file("memory", "limits", "memory.swappiness", "10");
  path_of("memory", "limits", dir, sizeof(dir));
  assert_true(file_has_line(dir, "memory.oom_control", "oom_kill_disable 1"));
  assert_file("cpu", "limits", "cpu.shares", "512");
  assert_file("cpu", "limits", "cpu.cfs_quota_us", "50000");
  assert_file("cpu", "limits", "cpu.cfs_period_us", "100000");
  assert_file("cpuset", "limits", "cpuset.cpus", "0");
  assert_file("cpuset", "limits", "cpuset.mems", "0");
  assert_file("pids", "limits", "pids.max", "42");

  /* update: pids limit 0 or below means no limit, quota -1 likewise. */
  assert_int_equal(ops->apply(cg, "{\"pids\":{\"limit\":0},\"cpu\":{\"quota\":-1}}", &err), 0);
  assert_file("pids", "limits", "pids.max", "max");
  assert_file("cpu", "limits", "cpu.cfs_quota_us", "-1");
  assert_int_equal(ops->apply(cg, "{\"pids\":{\"limit\":7}}", &err), 0);
  assert_file("pids", "limits", "pids.max", "7");
  assert_int_equal(ops->apply(cg, "{\"pids\":{\"limit\":-1}}", &err), 0);
  assert_file("pids", "limits", "pids.max", "max");
  /* Nothing asked, nothing written. */
  assert_int_equal(ops->apply(cg, NULL, &err), 0);
  assert_int_equal(ops->apply(cg, "{}", &err), 0);
  assert_file("memory", "limits", "memory.limit_in_bytes", "67108864");
  /* Malformed input is an error naming the member. */
  expect_error(ops->apply(cg, "{\"memory\":{\"limit\":\"1G\"}}", &err),
               "linux.resources.memory.limit");
  error_clear(&err);
  expect_error(ops->apply(cg, "{\"memory\":", &err), "linux.resources");
}

static void test_apply_blkio(void **state) {
  (void)state;
  struct berth_cgroup *cg = create("blkio", NULL);
  char dir[4096], path[4200];
  path_of("blkio", "blkio", dir, sizeof(dir));
  snprintf(path, sizeof(path), "%s/blkio.weight", dir);
  bool cfq = access(path, F_OK) == 0;
  snprintf(path, sizeof(path), "%s/blkio.bfq.weight", dir);
  bool bfq = access(path, F_OK) == 0;
  int r = ops->apply(cg, "{\"blockIO\":{\"weight\":500}}", &err);
  if (cfq || bfq) {
    assert_int_equal(r, 0);
    assert_file("blkio", "blkio", cfq ? "blkio.weight" : "blkio.bfq.weight", "500");
  } else {
    /* No weight file on this kernel: the error names the one it tried. */
    expect_error(r, "blkio.bfq.weight=500");
    expect_mention(dir);
    error_clear(&err);
  }
  /* Throttle the block device this VM boots from, found from /sys/block. */
  char dev[32] = "";
  read_trimmed("/sys/block/vda", "dev", dev, sizeof(dev));
  if (dev[0] == '\0')
    read_trimmed("/sys/block/sda", "dev", dev, sizeof(dev));
  unsigned major, minor;
  if (sscanf(dev, "%u:%u", &major, &minor) != 2)
    skip();
  char resources[256], line[64];
  snprintf(resources, sizeof(resources),
           "{\"blockIO\":{\"throttleReadBpsDevice\":[{\"major\":%u,\"minor\":%u,\"rate\":"
           "1048576}],\"throttleWriteIOPSDevice\":[{\"major\":%u,\"minor\":%u,\"rate\":100}]}}",
           major, minor, major, minor);
  assert_int_equal(ops->apply(cg, resources, &err), 0);
  snprintf(line, sizeof(line), "%u:%u 1048576", major, minor);
  assert_true(file_has_line(dir, "blkio.throttle.read_bps_device", line));
  snprintf(line, sizeof(line), "%u:%u 100", major, minor);
  assert_true(file_has_line(dir, "blkio.throttle.write_iops_device", line));
}

static void test_apply_device_rules_in_order(void **state) {
  (void)state;
  struct berth_cgroup *cg = create(
      "devices", "{\"devices\":["
                 "{\"allow\":false,\"access\":\"rwm\"},"
                 "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"rwm\"},"
                 "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":5,\"access\":\"rwm\"},"
                 "{\"allow\":false,\"type\":\"c\",\"major\":1,\"minor\":5,\"access\":\"w\"},"
                 "{\"allow\":true,\"type\":\"c\",\"major\":null,\"minor\":null,\"access\":\"m\"},"
                 "{\"allow\":true,\"type\":\"b\",\"major\":7}]}");
  assert_file("devices", "devices", "devices.list", "c 1:3 rwm\nc 1:5 rm\nc *:* m\nb 7:* rwm");

  /* A bad rule anywhere in the list: nothing is written, the old rules stay. */
  expect_error(ops->apply(cg,
                          "{\"devices\":[{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3},"
                          "{\"allow\":true,\"type\":\"x\"}]}",
                          &err),
               "linux.resources.devices[1].type");
  assert_file("devices", "devices", "devices.list", "c 1:3 rwm\nc 1:5 rm\nc *:* m\nb 7:* rwm");

  /* The list replaces the old one. */
  assert_int_equal(ops->apply(cg,
                              "{\"devices\":[{\"allow\":true,\"type\":\"c\",\"major\":1,"
                              "\"minor\":9,\"access\":\"r\"}]}",
                              &err),
                   0);
  assert_file("devices", "devices", "devices.list", "c 1:9 r");
  assert_int_equal(ops->apply(cg, "{\"devices\":[{\"allow\":true}]}", &err), 0);
  assert_file("devices", "devices", "devices.list", "a *:* rwm");
}

static void test_apply_memory_and_swap_in_the_order_the_kernel_accepts(void **state) {
  (void)state;
  const struct test_hierarchy *h = hierarchy_with("memory");
  char dir[4096], path[4200];
  cgroup_path(h, test_root, dir, sizeof(dir));
  struct berth_cgroup *cg = create("swap", "{\"memory\":{\"limit\":67108864,\"swap\":134217728}}");
  path_of("memory", "swap", dir, sizeof(dir));
  snprintf(path, sizeof(path), "%s/memory.memsw.limit_in_bytes", dir);
  if (access(path, F_OK) != 0) {
    expect_error(ops->apply(cg, "{\"memory\":{\"swap\":1}}", &err), "swap accounting");
    skip();
  }
  /* Lowering both: memory first, else memsw would drop below the memory limit. */
  assert_int_equal(ops->apply(cg, "{\"memory\":{\"limit\":33554432,\"swap\":50331648}}", &err), 0);
  assert_file("memory", "swap", "memory.limit_in_bytes", "33554432");
  assert_file("memory", "swap", "memory.memsw.limit_in_bytes", "50331648");
  /* Raising both above the old memsw: swap first, else memory would exceed memsw. */
  assert_int_equal(ops->apply(cg, "{\"memory\":{\"limit\":268435456,\"swap\":536870912}}", &err),
                   0);
  assert_file("memory", "swap", "memory.limit_in_bytes", "268435456");
  assert_file("memory", "swap", "memory.memsw.limit_in_bytes", "536870912");
  /* limit -1 alone also lifts the swap limit. */
  assert_int_equal(ops->apply(cg, "{\"memory\":{\"limit\":-1}}", &err), 0);
  assert_file("memory", "swap", "memory.limit_in_bytes", "9223372036854771712");
  assert_file("memory", "swap", "memory.memsw.limit_in_bytes", "9223372036854771712");
  /* memsw below memory is refused by the kernel; the error names file and value. */
  assert_int_equal(ops->apply(cg, "{\"memory\":{\"limit\":67108864}}", &err), 0);
  expect_error(ops->apply(cg, "{\"memory\":{\"swap\":16777216}}", &err),
               "write memory.memsw.limit_in_bytes=16777216 in ");
  expect_mention(dir);
}

static void test_apply_refuses_what_this_host_cannot_do(void **state) {
  (void)state;
  struct berth_cgroup *cg = create("absent", NULL);
  if (hierarchy_with("hugetlb") == NULL) {
    expect_error(ops->apply(cg, "{\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":0}]}", &err),
                 "hugetlb");
    error_clear(&err);
  }
  if (hierarchy_with("net_cls") == NULL) {
    expect_error(ops->apply(cg, "{\"network\":{\"classID\":1048577}}", &err), "net_cls");
    error_clear(&err);
  }
  if (hierarchy_with("net_prio") == NULL) {
    expect_error(
        ops->apply(cg, "{\"network\":{\"priorities\":[{\"name\":\"eth0\",\"priority\":1}]}}", &err),
        "net_prio");
    error_clear(&err);
  }
  if (hierarchy_with("rdma") == NULL) {
    expect_error(ops->apply(cg, "{\"rdma\":{\"mlx5_0\":{\"hcaHandles\":1}}}", &err), "rdma");
    error_clear(&err);
  }
  expect_error(ops->apply(cg, "{\"unified\":{\"memory.max\":\"1\"}}", &err), "unified");
  error_clear(&err);
  expect_error(ops->apply(cg, "{\"memory\":{\"swappiness\":101}}", &err), "swappiness");
  /* Empty lists ask for nothing. */
  error_clear(&err);
  assert_int_equal(ops->apply(cg, "{\"hugepageLimits\":[],\"network\":{},\"unified\":{}}", &err),
                   0);
}

static void test_apply_bad_cpuset_names_the_file(void **state) {
  (void)state;
  struct berth_cgroup *cg = create("badcpu", NULL);
  char dir[4096];
  path_of("cpuset", "badcpu", dir, sizeof(dir));
  expect_error(ops->apply(cg, "{\"cpu\":{\"cpus\":\"99\"}}", &err), "write cpuset.cpus=99 in ");
  expect_mention(dir); /* the errno varies by kernel: EINVAL, ERANGE */
}

static void test_apply_memory_limit_below_usage_names_the_file(void **state) {
  (void)state;
  struct berth_cgroup *cg = create("hog", NULL);
  pid_t hog = spawn_hog(32 * MiB);
  assert_true(hog > 0);
  assert_int_equal(ops->enter(cg, hog, &err), 0);
  hog_start(hog);
  char dir[4096];
  path_of("memory", "hog", dir, sizeof(dir));
  expect_error(ops->apply(cg, "{\"memory\":{\"limit\":1048576}}", &err),
               "write memory.limit_in_bytes=1048576 in ");
  expect_mention(dir);
  expect_mention(strerror(EBUSY));
  kill_child(hog);
}

static void test_create_failure_removes_only_what_it_created(void **state) {
  (void)state;
  create("keep", NULL);
  struct berth_cgroup *cg = NULL;
  expect_error(try_create("c2", rel("keep/new/leaf"), "{\"cpu\":{\"cpus\":\"99\"}}", 0, &cg),
               "cpuset.cpus=99");
  assert_null(cg);
  for (size_t i = 0; i < n_hierarchies; i++) {
    char keep[4096], made[4096];
    cgroup_path(&hierarchies[i], rel("keep"), keep, sizeof(keep));
    cgroup_path(&hierarchies[i], rel("keep/new"), made, sizeof(made));
    assert_true(dir_exists(keep));
    assert_false(dir_exists(made));
  }
  /* Adopting an existing empty cgroup and failing leaves it in place. */
  error_clear(&err);
  expect_error(try_create("c3", rel("keep"), "{\"pids\":{\"limit\":\"x\"}}", 0, &cg),
               "linux.resources.pids.limit");
  for (size_t i = 0; i < n_hierarchies; i++) {
    char keep[4096];
    cgroup_path(&hierarchies[i], rel("keep"), keep, sizeof(keep));
    assert_true(dir_exists(keep));
  }
}

static void test_enter_moves_the_process_into_every_hierarchy(void **state) {
  (void)state;
  struct berth_cgroup *cg = create("enter", NULL);
  pid_t pid = spawn_sleeper();
  assert_true(pid > 0);
  assert_int_equal(ops->enter(cg, pid, &err), 0);
  char spid[16];
  snprintf(spid, sizeof(spid), "%d", (int)pid);
  for (size_t i = 0; i < n_hierarchies; i++) {
    char dir[4096];
    cgroup_path(&hierarchies[i], rel("enter"), dir, sizeof(dir));
    if (!file_has_line(dir, "cgroup.procs", spid))
      fail_msg("pid %s is not in %s/cgroup.procs", spid, dir);
  }
  /* And the kernel's view from the process side. */
  char proc[64], want[512];
  snprintf(proc, sizeof(proc), "/proc/%d", (int)pid);
  const struct test_hierarchy *memory = hierarchy_with("memory");
  char cgroups[4096];
  read_trimmed(proc, "cgroup", cgroups, sizeof(cgroups));
  snprintf(want, sizeof(want), ":memory:%s/%s\n", memory->own, rel("enter"));
  strcat(cgroups, "\n");
  assert_non_null(strstr(cgroups, want));
  if (hierarchy_with("unified") != NULL) {
    snprintf(want, sizeof(want), "0::%s/%s\n", hierarchy_with("unified")->own, rel("enter"));
    assert_non_null(strstr(cgroups, want));
  }
  assert_int_equal(ops->enter(cg, 0, &err), -EINVAL);
  kill_child(pid);
}

static void test_enter_refills_an_emptied_cpuset(void **state) {
  (void)state;
  struct berth_cgroup *cg = create("spc", NULL);
  char dir[4096], parent[4096], path[4200], cpus[64], parent_cpus[64];
  path_of("cpuset", "spc", dir, sizeof(dir));
  const struct test_hierarchy *h = hierarchy_with("cpuset");
  cgroup_path(h, test_root, parent, sizeof(parent));
  /* Emptied behind berth's back: the kernel refuses tasks (ENOSPC) until it is refilled. */
  snprintf(path, sizeof(path), "%s/cpuset.cpus", dir);
  FILE *f = fopen(path, "we");
  assert_non_null(f);
  fputs("\n", f);
  assert_int_equal(fclose(f), 0);
  read_trimmed(dir, "cpuset.cpus", cpus, sizeof(cpus));
  assert_string_equal(cpus, "");
  pid_t pid = spawn_sleeper();
  assert_int_equal(ops->enter(cg, pid, &err), 0);
  read_trimmed(dir, "cpuset.cpus", cpus, sizeof(cpus));
  read_trimmed(parent, "cpuset.cpus", parent_cpus, sizeof(parent_cpus));
  assert_string_equal(cpus, parent_cpus);
  char spid[16];
  snprintf(spid, sizeof(spid), "%d", (int)pid);
  assert_true(file_has_line(dir, "cgroup.procs", spid));
  kill_child(pid);
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

static int ignore_pid(pid_t pid, void *data) {
  (void)pid;
  (void)data;
  return 0;
}

/* ASan sees leaked memory, not leaked fds: count them across every op, failures included. */
static void test_no_fd_leaks(void **state) {
  (void)state;
  size_t before = open_fds();
  struct berth_cgroup *cg = NULL, *loaded = NULL;
  assert_int_equal(try_create("c1", rel("fds"), "{\"pids\":{\"limit\":5}}", 0, &cg), 0);
  pid_t pid = spawn_sleeper();
  assert_int_equal(ops->enter(cg, pid, &err), 0);
  assert_true(ops->apply(cg, "{\"cpu\":{\"cpus\":\"99\"}}", &err) < 0);
  error_clear(&err);
  assert_true(try_create("c2", rel("fds"), NULL, 0, &loaded) < 0); /* populated */
  error_clear(&err);
  assert_true(try_create("c3", rel("fds2/x"), "{\"cpu\":{\"cpus\":\"99\"}}", 0, &loaded) < 0);
  error_clear(&err);
  char *text = NULL;
  assert_int_equal(ops->stats(cg, &text, &err), 0);
  free(text);
  assert_int_equal(ops->get_pids(cg, ignore_pid, NULL, &err), 0);
  assert_int_equal(ops->freeze(cg, 1, &err), 0);
  int32_t frozen;
  assert_int_equal(ops->is_frozen(cg, &frozen, &err), 0);
  assert_int_equal(ops->freeze(cg, 0, &err), 0);
  assert_int_equal(ops->save(cg, &text, &err), 0);
  assert_int_equal(ops->load(text, &loaded, &err), 0);
  free(text);
  assert_true(ops->load("{\"paths\":{\"memory\":\"/tmp\"}}", &cg, &err) < 0);
  error_clear(&err);
  assert_true(ops->destroy(loaded, &err) < 0); /* still populated */
  error_clear(&err);
  kill_child(pid);
  assert_int_equal(ops->destroy(cg, &err), 0);
  ops->release(loaded);
  release_handle(cg);
  assert_int_equal(open_fds(), before);
}

static int count_pids(pid_t pid, void *data) {
  pid_t *seen = data;
  for (size_t i = 0; i < 8; i++)
    if (seen[i] == 0) {
      seen[i] = pid;
      return 0;
    }
  return 1;
}

static int stop_at_first(pid_t pid, void *data) {
  (*(int *)data)++;
  (void)pid;
  return 1;
}

static void test_get_pids_lists_the_children(void **state) {
  (void)state;
  struct berth_cgroup *cg = create("pids", NULL);
  pid_t a = spawn_sleeper(), b = spawn_sleeper();
  assert_int_equal(ops->enter(cg, a, &err), 0);
  assert_int_equal(ops->enter(cg, b, &err), 0);
  pid_t seen[8] = {0};
  assert_int_equal(ops->get_pids(cg, count_pids, seen, &err), 0);
  assert_true((seen[0] == a && seen[1] == b) || (seen[0] == b && seen[1] == a));
  assert_int_equal(seen[2], 0);
  int calls = 0;
  assert_int_equal(ops->get_pids(cg, stop_at_first, &calls, &err), 0);
  assert_int_equal(calls, 1);
}

/* The state letter of /proc/PID/status, waiting up to a second for it to become want (a
 * thawed task needs a moment to be scheduled again). */
static void process_state(pid_t pid, const char *want, char *out, size_t size) {
  char proc[64], status[4096];
  snprintf(proc, sizeof(proc), "/proc/%d", (int)pid);
  for (int i = 0; i < 100; i++) {
    read_trimmed(proc, "status", status, sizeof(status));
    const char *s = strstr(status, "State:\t");
    snprintf(out, size, "%c", s != NULL ? s[7] : '?');
    if (strcmp(out, want) == 0)
      return;
    usleep(10000);
  }
}

static void test_freeze_and_thaw(void **state) {
  (void)state;
  struct berth_cgroup *cg = create("freeze", NULL);
  pid_t pid = spawn_sleeper();
  assert_int_equal(ops->enter(cg, pid, &err), 0);
  int32_t frozen = -1;
  assert_int_equal(ops->is_frozen(cg, &frozen, &err), 0);
  assert_int_equal(frozen, 0);

  assert_int_equal(ops->freeze(cg, 1, &err), 0);
  assert_file("freezer", "freeze", "freezer.state", "FROZEN");
  assert_int_equal(ops->is_frozen(cg, &frozen, &err), 0);
  assert_int_equal(frozen, 1);
  char st[4];
  process_state(pid, "D", st, sizeof(st));
  assert_string_equal(st, "D"); /* a frozen task shows as uninterruptible */

  assert_int_equal(ops->freeze(cg, 0, &err), 0);
  assert_file("freezer", "freeze", "freezer.state", "THAWED");
  assert_int_equal(ops->is_frozen(cg, &frozen, &err), 0);
  assert_int_equal(frozen, 0);
  process_state(pid, "S", st, sizeof(st));
  assert_string_equal(st, "S");
  kill_child(pid);
}

static void test_create_refuses_a_populated_cgroup(void **state) {
  (void)state;
  struct berth_cgroup *cg = create("busy", NULL);
  pid_t pid = spawn_sleeper();
  assert_int_equal(ops->enter(cg, pid, &err), 0);
  struct berth_cgroup *again = NULL;
  expect_error(try_create("c2", rel("busy"), NULL, 0, &again), rel("busy"));
  expect_mention("container's cgroup is not empty: 1 process(es) found");
  assert_null(again);
  char dir[4096], spid[16];
  path_of("memory", "busy", dir, sizeof(dir));
  snprintf(spid, sizeof(spid), "%d", (int)pid);
  assert_true(file_has_line(dir, "cgroup.procs", spid)); /* left alone */
  kill_child(pid);
}

static void test_create_refuses_a_frozen_cgroup(void **state) {
  (void)state;
  struct berth_cgroup *cg = create("cold", NULL);
  assert_int_equal(ops->freeze(cg, 1, &err), 0);
  assert_file("freezer", "cold", "freezer.state", "FROZEN");
  struct berth_cgroup *again = NULL;
  expect_error(try_create("c2", rel("cold"), NULL, 0, &again),
               "container's cgroup unexpectedly frozen");
  expect_mention(rel("cold"));
  assert_int_equal(ops->freeze(cg, 0, &err), 0);
  error_clear(&err);
  assert_int_equal(try_create("c2", rel("cold"), NULL, 0, &again), 0);
}

static void test_destroy_removes_every_directory(void **state) {
  (void)state;
  struct berth_cgroup *cg = create("gone", NULL);
  pid_t pid = spawn_sleeper();
  assert_int_equal(ops->enter(cg, pid, &err), 0);
  /* A sub-cgroup made inside the container (systemd in a container does that). */
  char inner[4200], dir[4096];
  path_of("memory", "gone", dir, sizeof(dir));
  snprintf(inner, sizeof(inner), "%s/inner", dir);
  assert_int_equal(mkdir(inner, 0755), 0);
  /* Killed but not reaped yet: the cgroup can stay busy for a moment. */
  kill(pid, SIGKILL);
  assert_int_equal(ops->destroy(cg, &err), 0);
  kill_child(pid);
  for (size_t i = 0; i < n_hierarchies; i++) {
    char path[4096];
    cgroup_path(&hierarchies[i], rel("gone"), path, sizeof(path));
    assert_false(dir_exists(path));
  }
}

static void test_destroy_fails_while_processes_remain(void **state) {
  (void)state;
  struct berth_cgroup *cg = create("stays", NULL);
  pid_t pid = spawn_sleeper();
  assert_int_equal(ops->enter(cg, pid, &err), 0);
  expect_error(ops->destroy(cg, &err), "rmdir ");
  expect_mention(rel("stays"));
  expect_mention(strerror(EBUSY));
  kill_child(pid);
  error_clear(&err);
  assert_int_equal(ops->destroy(cg, &err), 0);
}

static void test_save_load_round_trip(void **state) {
  (void)state;
  struct berth_cgroup *cg = create("saved", NULL);
  char *first = NULL, *second = NULL;
  assert_int_equal(ops->save(cg, &first, &err), 0);
  struct berth_cgroup *loaded = NULL;
  assert_int_equal(ops->load(first, &loaded, &err), 0);
  track_handle(loaded);
  assert_int_equal(ops->save(loaded, &second, &err), 0);
  assert_string_equal(first, second);
  free(second);

  /* The loaded handle works on the same cgroups. */
  pid_t pid = spawn_sleeper();
  assert_int_equal(ops->enter(loaded, pid, &err), 0);
  char dir[4096], spid[16];
  path_of("pids", "saved", dir, sizeof(dir));
  snprintf(spid, sizeof(spid), "%d", (int)pid);
  assert_true(file_has_line(dir, "cgroup.procs", spid));
  assert_int_equal(ops->apply(loaded, "{\"pids\":{\"limit\":9}}", &err), 0);
  assert_file("pids", "saved", "pids.max", "9");
  kill_child(pid);
  assert_int_equal(ops->destroy(loaded, &err), 0);
  assert_false(dir_exists(dir));

  /* Loading after the cgroups are gone still works, for `delete`. */
  struct berth_cgroup *late = NULL;
  assert_int_equal(ops->load(first, &late, &err), 0);
  track_handle(late);
  assert_int_equal(ops->destroy(late, &err), 0);
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

static void test_load_rejects_paths_outside_cgroup_mounts(void **state) {
  (void)state;
  const struct test_hierarchy *memory = hierarchy_with("memory"), *pids = hierarchy_with("pids");
  char blob[4096];
  expect_load_error("{\"paths\":{\"memory\":\"/tmp\"}}", "/tmp");
  snprintf(blob, sizeof(blob), "{\"paths\":{\"memory\":\"%s/../../../etc\"}}", memory->mountpoint);
  expect_load_error(blob, "../../../etc");
  snprintf(blob, sizeof(blob), "{\"paths\":{\"memory\":\"%s/x/./y\"}}", memory->mountpoint);
  expect_load_error(blob, "x/./y");
  snprintf(blob, sizeof(blob), "{\"paths\":{\"memory\":\"%s\"}}", memory->mountpoint);
  expect_load_error(blob, memory->mountpoint);
  snprintf(blob, sizeof(blob), "{\"paths\":{\"memory\":\"%s/%s\"}}", pids->mountpoint, test_root);
  expect_load_error(blob, pids->mountpoint);
  snprintf(blob, sizeof(blob), "{\"paths\":{\"memory\":\"%s-evil/x\"}}", memory->mountpoint);
  expect_load_error(blob, "-evil");
  expect_load_error("{\"paths\":{\"memory\":42}}", "memory");
  expect_load_error("{\"paths\":[]}", "paths");
  expect_load_error("not json", "load cgroup state");
  expect_load_error(NULL, "load cgroup state");
}

static void test_dotdot_cannot_escape(void **state) {
  (void)state;
  const struct test_hierarchy *memory = hierarchy_with("memory");
  char cgroups_path[512], want[4096];
  struct berth_cgroup *cg = NULL;

  /* Relative: stays below berth's own cgroup, however many "..". */
  snprintf(cgroups_path, sizeof(cgroups_path), "../../../%s/a/../../../../../%s/esc", test_root,
           test_root);
  assert_int_equal(try_create("c1", cgroups_path, NULL, 0, &cg), 0);
  json_object *saved = saved_paths(cg);
  cgroup_path(memory, rel("esc"), want, sizeof(want));
  assert_string_equal(json_object_get_string(
                          json_object_object_get(json_object_object_get(saved, "paths"), "memory")),
                      want);
  json_object_put(saved);
  assert_true(dir_exists(want));

  /* Absolute: stays below each hierarchy's mount point. */
  snprintf(cgroups_path, sizeof(cgroups_path), "/../../%s/../../%s/abs", test_root, test_root);
  assert_int_equal(try_create("c1", cgroups_path, NULL, 0, &cg), 0);
  saved = saved_paths(cg);
  snprintf(want, sizeof(want), "%s/%s/abs", memory->mountpoint, test_root);
  assert_string_equal(json_object_get_string(
                          json_object_object_get(json_object_object_get(saved, "paths"), "memory")),
                      want);
  json_object_put(saved);
  assert_true(dir_exists(want));
  assert_int_equal(ops->destroy(cg, &err), 0);
  assert_false(dir_exists(want));

  /* What cleans to nothing would be berth's own cgroup or a root: refused. */
  const char *nothing[] = {".", "/", "..", "a/..", "/../.."};
  for (size_t i = 0; i < sizeof(nothing) / sizeof(nothing[0]); i++) {
    error_clear(&err);
    expect_error(try_create("c1", nothing[i], NULL, 0, &cg), "not a cgroup of its own");
    assert_null(cg);
  }
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
  struct berth_cgroup *cg = create("stats", "{\"pids\":{\"limit\":10}}");
  pid_t hog = spawn_hog(16 * MiB);
  assert_int_equal(ops->enter(cg, hog, &err), 0);
  hog_start(hog);
  char *text = NULL;
  assert_int_equal(ops->stats(cg, &text, &err), 0);
  json_object *stats = json_tokener_parse(text);
  free(text);
  assert_non_null(stats);
  assert_true(stat_u64(stats, "memory", "usage", "usage") >= 16 * MiB);
  assert_true(stat_u64(stats, "memory", "usage", "max") >= 16 * MiB);
  assert_true(stat_u64(stats, "memory", "usage", "limit") > 0);
  stat_u64(stats, "memory", "usage", "failcnt");
  stat_u64(stats, "memory", "swap", "usage");
  stat_u64(stats, "memory", "kernel", "usage");
  /* memory.stat is flushed lazily by the kernel: check the keys, not the values. */
  stat_u64(stats, "memory", "raw", "rss");
  stat_u64(stats, "memory", "raw", "unevictable");
  stat_u64(stats, "memory", "cache", NULL);
  assert_int_equal(stat_u64(stats, "pids", "current", NULL), 1);
  assert_int_equal(stat_u64(stats, "pids", "limit", NULL), 10);
  assert_true(stat_u64(stats, "cpu", "usage", "total") > 0);
  stat_u64(stats, "cpu", "usage", "kernel");
  stat_u64(stats, "cpu", "usage", "user");
  stat_u64(stats, "cpu", "throttling", "periods");
  json_object *percpu = json_object_object_get(
      json_object_object_get(json_object_object_get(stats, "cpu"), "usage"), "percpu");
  assert_true(json_object_array_length(percpu) >= 1);
  assert_non_null(json_object_object_get(stats, "blkio"));
  assert_non_null(json_object_object_get(stats, "hugetlb"));
  json_object_put(stats);
  kill_child(hog);
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

static void test_rootless_skips_what_it_may_not_create(void **state) {
  (void)state;
  pid_t pid = fork();
  if (pid == 0) {
    CHILD_CHECK(setgroups(0, NULL) == 0 && setresgid(65534, 65534, 65534) == 0 &&
                setresuid(65534, 65534, 65534) == 0);
    struct berth_cgroup *cg = NULL;
    /* Without the flag, a permission error is an error naming the directory. */
    CHILD_CHECK(try_create("c1", rel("rootless"), NULL, 0, &cg) == -EACCES);
    CHILD_CHECK(strstr(err.msg, test_root) != NULL && strstr(err.msg, "Permission denied"));
    error_clear(&err);
    CHILD_CHECK(try_create("c1", rel("rootless"), NULL, BERTH_CGROUP_REQ_ROOTLESS, &cg) == 0);
    char *text = NULL;
    CHILD_CHECK(ops->save(cg, &text, &err) == 0);
    CHILD_CHECK(strstr(text, "\"paths\":{}") != NULL);
    free(text);
    /* Limits need the cgroup it could not make. */
    CHILD_CHECK(ops->apply(cg, "{\"memory\":{\"limit\":67108864}}", &err) < 0);
    CHILD_CHECK(strstr(err.msg, "memory") != NULL);
    error_clear(&err);
    CHILD_CHECK(ops->apply(cg, "{\"devices\":[{\"allow\":true}]}", &err) == 0);
    ops->release(cg);
    _exit(0);
  }
  wait_child_ok(pid);
}

/* In a private mount namespace, where unmounting hurts nobody. */
static void enter_private_mounts(void) {
  CHILD_CHECK(unshare(CLONE_NEWNS) == 0);
  CHILD_CHECK(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0);
}

static void test_entry_refuses_a_host_without_v1(void **state) {
  (void)state;
  pid_t pid = fork();
  if (pid == 0) {
    enter_private_mounts();
    for (size_t i = 0; i < n_hierarchies; i++)
      if (strcmp(hierarchies[i].controllers, "unified") != 0)
        CHILD_CHECK(umount2(hierarchies[i].mountpoint, MNT_DETACH) == 0);
    CHILD_CHECK(plugin_entry()(&fake_host) == NULL);
    _exit(0);
  }
  wait_child_ok(pid);
}

static void test_discovery_follows_mountinfo(void **state) {
  (void)state;
  pid_t pid = fork();
  if (pid == 0) {
    enter_private_mounts();
    /* The memory hierarchy, mounted somewhere no code would guess. */
    char where[] = "/tmp/berth-cgv1-mnt-XXXXXX";
    CHILD_CHECK(mkdtemp(where) != NULL);
    CHILD_CHECK(mount("cgroup", where, "cgroup", 0, "memory") == 0);
    CHILD_CHECK(umount2(hierarchy_with("memory")->mountpoint, MNT_DETACH) == 0);
    CHILD_CHECK(plugin_entry()(&fake_host) != NULL);
    struct berth_cgroup *cg = NULL;
    CHILD_CHECK(try_create("c1", rel("moved"), "{\"memory\":{\"limit\":67108864}}", 0, &cg) == 0);
    char want[4096], got[64];
    snprintf(want, sizeof(want), "%s%s/%s", where, hierarchy_with("memory")->own, rel("moved"));
    read_trimmed(want, "memory.limit_in_bytes", got, sizeof(got));
    CHILD_CHECK(strcmp(got, "67108864") == 0);
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
  if (discover_test_hierarchies() < 0 || hierarchy_with("memory") == NULL) {
    fprintf(stderr, "no cgroup v1 memory hierarchy on this host\n");
    return -1;
  }
  if (load_plugin("cgroup-v1", &why) == NULL) {
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

int main(void) {
  if (geteuid() != 0) {
    fprintf(stderr, "test_cgroup_v1 needs root\n");
    return 77;
  }
  const struct CMUnitTest tests[] = {
      T(test_entry_describes_the_plugin),
      T(test_create_makes_the_cgroup_in_every_hierarchy),
      T(test_create_without_cgroups_path_uses_the_container_id),
      T(test_apply_writes_limits_the_kernel_shows),
      T(test_apply_blkio),
      T(test_apply_device_rules_in_order),
      T(test_apply_memory_and_swap_in_the_order_the_kernel_accepts),
      T(test_apply_refuses_what_this_host_cannot_do),
      T(test_apply_bad_cpuset_names_the_file),
      T(test_apply_memory_limit_below_usage_names_the_file),
      T(test_create_failure_removes_only_what_it_created),
      T(test_enter_moves_the_process_into_every_hierarchy),
      T(test_enter_refills_an_emptied_cpuset),
      T(test_get_pids_lists_the_children),
      T(test_freeze_and_thaw),
      T(test_create_refuses_a_populated_cgroup),
      T(test_create_refuses_a_frozen_cgroup),
      T(test_destroy_removes_every_directory),
      T(test_destroy_fails_while_processes_remain),
      T(test_save_load_round_trip),
      T(test_load_rejects_paths_outside_cgroup_mounts),
      T(test_dotdot_cannot_escape),
      T(test_stats_report_usage),
      T(test_no_fd_leaks),
      T(test_rootless_skips_what_it_may_not_create),
      T(test_entry_refuses_a_host_without_v1),
      T(test_discovery_follows_mountinfo),
  };
  return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
