/* SPDX-License-Identifier: Apache-2.0 */
/* criu's command line as criu.so builds it from a request: runc's flags in criu's spelling. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../criu.h"

/* argv joined by spaces, for one comparison a test. */
static char *joined(const struct criu_argv *a) {
  static char buf[4096];
  buf[0] = '\0';
  for (size_t i = 0; i < a->n; i++) {
    strcat(buf, i ? " " : "");
    strcat(buf, a->v[i]);
  }
  assert_null(a->v[a->n]);
  return buf;
}

static struct berth_checkpoint_request base(void) {
  return (struct berth_checkpoint_request){.struct_size = sizeof(struct berth_checkpoint_request),
                                           .pid = 4242,
                                           .container_id = "c1",
                                           .rootfs = "/b/rootfs",
                                           .bundle = "/b",
                                           .image_path = "/img",
                                           .work_path = "/work",
                                           .status_fd = -1};
}

static void test_dump_of_a_plain_container(void **state) {
  (void)state;
  struct berth_checkpoint_request req = base();
  struct criu_argv a = {0};
  assert_int_equal(criu_build_argv("dump", &req, NULL, &a), 0);
  assert_string_equal(joined(&a), "criu dump --images-dir /img --work-dir /work --log-file "
                                  "dump.log -v4 --root /b/rootfs --manage-cgroups --tree 4242");
  criu_argv_free(&a);
}

static void test_dump_flags_and_criu_path(void **state) {
  (void)state;
  struct berth_checkpoint_request req = base();
  req.criu_path = "/opt/criu";
  req.flags = BERTH_CHECKPOINT_LEAVE_RUNNING | BERTH_CHECKPOINT_TCP_ESTABLISHED |
              BERTH_CHECKPOINT_EXT_UNIX_SK | BERTH_CHECKPOINT_SHELL_JOB |
              BERTH_CHECKPOINT_FILE_LOCKS | BERTH_CHECKPOINT_AUTO_DEDUP;
  req.manage_cgroups_mode = BERTH_CHECKPOINT_CGROUPS_STRICT;
  req.parent_path = "../parent";
  struct criu_argv a = {0};
  assert_int_equal(criu_build_argv("dump", &req, NULL, &a), 0);
  assert_string_equal(joined(&a),
                      "/opt/criu dump --images-dir /img --work-dir /work --log-file dump.log -v4 "
                      "--root /b/rootfs --tcp-established --ext-unix-sk --shell-job --file-locks "
                      "--auto-dedup --manage-cgroups=strict --tree 4242 --track-mem "
                      "--prev-images-dir ../parent --leave-running");
  criu_argv_free(&a);
}

/* A pre-dump tracks memory and leaves the container running by itself. */
static void test_pre_dump_tracks_memory(void **state) {
  (void)state;
  struct berth_checkpoint_request req = base();
  req.flags = BERTH_CHECKPOINT_PRE_DUMP | BERTH_CHECKPOINT_LEAVE_RUNNING;
  struct criu_argv a = {0};
  assert_int_equal(criu_build_argv("pre-dump", &req, NULL, &a), 0);
  assert_string_equal(joined(&a),
                      "criu pre-dump --images-dir /img --work-dir /work --log-file pre-dump.log "
                      "-v4 --root /b/rootfs --manage-cgroups --tree 4242 --track-mem");
  criu_argv_free(&a);
}

/* runc's external mounts: named by destination at dump, bound from the source at restore. */
static void test_external_mounts_dump_and_restore(void **state) {
  (void)state;
  const char *const mounts[] = {"/data", "/host/data", "/etc/hosts", "/b/hosts", NULL};
  const char *const masked[] = {"/proc/kcore", NULL};
  struct berth_checkpoint_request req = base();
  req.external_mounts = mounts;
  req.masked_files = masked;
  struct criu_argv a = {0};
  assert_int_equal(criu_build_argv("dump", &req, NULL, &a), 0);
  assert_non_null(strstr(joined(&a),
                         "--ext-mount-map /data:/data --ext-mount-map "
                         "/etc/hosts:/etc/hosts --ext-mount-map /proc/kcore:/dev/null"));
  criu_argv_free(&a);
  struct criu_restore_extra extra = {.root = "/work/criu-root.X", .pidfile = "/work/restore.pid"};
  assert_int_equal(criu_build_argv("restore", &req, &extra, &a), 0);
  assert_non_null(strstr(joined(&a), "--ext-mount-map /data:/host/data --ext-mount-map "
                                     "/etc/hosts:/b/hosts --ext-mount-map /dev/null:/dev/null"));
  criu_argv_free(&a);
}

/* Restore: detached as criu's sibling, into the bound root; the dump's stdio pipes become
 * criu's fds of the same numbers, a file stays what it was. */
static void test_restore_inherits_stdio_pipes(void **state) {
  (void)state;
  const char *const stdio[] = {"/dev/null", "pipe:[1234]", "pipe:[5678]"};
  struct berth_checkpoint_request req = base();
  req.pid = 0;
  req.empty_ns = CLONE_NEWNET;
  req.flags = BERTH_CHECKPOINT_TCP_ESTABLISHED;
  req.manage_cgroups_mode = BERTH_CHECKPOINT_CGROUPS_IGNORE;
  struct criu_restore_extra extra = {.root = "/work/criu-root.X",
                                     .pidfile = "/work/restore.pid",
                                     .stdio = stdio,
                                     .stdio_count = 3};
  struct criu_argv a = {0};
  assert_int_equal(criu_build_argv("restore", &req, &extra, &a), 0);
  assert_string_equal(joined(&a),
                      "criu restore --images-dir /img --work-dir /work --log-file restore.log -v4 "
                      "--root /work/criu-root.X --tcp-established --manage-cgroups=ignore "
                      "--restore-detached --restore-sibling --evasive-devices --pidfile "
                      "/work/restore.pid --empty-ns net --inherit-fd fd[1]:pipe:[1234] "
                      "--inherit-fd fd[2]:pipe:[5678]");
  criu_argv_free(&a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_dump_of_a_plain_container),
      cmocka_unit_test(test_dump_flags_and_criu_path),
      cmocka_unit_test(test_pre_dump_tracks_memory),
      cmocka_unit_test(test_external_mounts_dump_and_restore),
      cmocka_unit_test(test_restore_inherits_stdio_pipes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
