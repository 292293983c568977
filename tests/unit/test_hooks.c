/* SPDX-License-Identifier: Apache-2.0 */
/* The hook runner: path, args and env exactly as given, the state on stdin, exit status,
 * signals, the stderr tail, timeouts, and the order and naming of a kind's hooks. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "error.h"
#include "hooks.h"
#include "json_util.h"
#include "util.h"

struct fixture {
  char dir[64]; /* scratch files the hooks write */
};

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw) {
  return remove(path);
}

static int setup(void **state) {
  struct fixture *fx = calloc(1, sizeof(*fx));
  if (fx == NULL)
    return -1;
  snprintf(fx->dir, sizeof(fx->dir), "/tmp/berth-unit-hooks-XXXXXX");
  if (mkdtemp(fx->dir) == NULL)
    return -1;
  *state = fx;
  return 0;
}

static int teardown(void **state) {
  struct fixture *fx = *state;
  nftw(fx->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
  free(fx);
  return 0;
}

static const char *path_in(struct fixture *fx, const char *name) {
  static char paths[4][128];
  static int next;
  char *p = paths[next++ % 4];
  snprintf(p, sizeof(paths[0]), "%s/%s", fx->dir, name);
  return p;
}

static char *slurp(const char *path) {
  char *text = NULL;
  struct berth_error err = {0};
  if (read_file_at(AT_FDCWD, path, &text, &err) < 0)
    fail_msg("read %s: %s", path, err.msg);
  return text;
}

static void assert_contains(const char *msg, const char *needle) {
  if (msg == NULL)
    fail_msg("no error message (wanted \"%s\")", needle);
  if (strstr(msg, needle) == NULL)
    fail_msg("message \"%s\" lacks \"%s\"", msg, needle);
}

/* {"path": "/bin/sh", "args": ["sh", "-c", script, "sh", args...], "env": env...}: $1... are
 * the extra args. env NULL: no "env" member; timeout 0: none. */
static json_object *sh_hook(const char *script, const char *const *args, const char *const *env,
                            int timeout) {
  json_object *hook = json_object_new_object();
  json_object_object_add(hook, "path", json_object_new_string("/bin/sh"));
  json_object *argv = json_object_new_array();
  const char *fixed[] = {"sh", "-c", script, "sh"};
  for (size_t i = 0; i < 4; i++)
    json_object_array_add(argv, json_object_new_string(fixed[i]));
  for (size_t i = 0; args != NULL && args[i] != NULL; i++)
    json_object_array_add(argv, json_object_new_string(args[i]));
  json_object_object_add(hook, "args", argv);
  if (env != NULL) {
    json_object *e = json_object_new_array();
    for (size_t i = 0; env[i] != NULL; i++)
      json_object_array_add(e, json_object_new_string(env[i]));
    json_object_object_add(hook, "env", e);
  }
  if (timeout > 0)
    json_object_object_add(hook, "timeout", json_object_new_int(timeout));
  return hook;
}

/* Run it; the error message (NULL on success) is the caller's to free. */
static char *run_hook(json_object *hook, const char *input, const char *cwd, int *result) {
  struct berth_error err = {0};
  *result = berth_hook_run(hook, input, cwd, &err);
  json_object_put(hook);
  return err.msg;
}

static void assert_hook_ok(json_object *hook, const char *input, const char *cwd) {
  int r;
  char *msg = run_hook(hook, input, cwd, &r);
  if (r != 0)
    fail_msg("hook failed: %s", msg ? msg : "(no message)");
  assert_null(msg);
}

static char *assert_hook_fails(json_object *hook, const char *input) {
  int r;
  char *msg = run_hook(hook, input, NULL, &r);
  if (r == 0)
    fail_msg("hook succeeded");
  assert_true(r < 0);
  assert_non_null(msg);
  assert_null(strchr(msg, '\n'));
  return msg;
}

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void test_hook_run_passes_state_on_stdin(void **state) {
  struct fixture *fx = *state;
  const char *out = path_in(fx, "stdin");
  const char *input = "{\"ociVersion\":\"1.0.2\",\"id\":\"c1\",\"status\":\"creating\"}";
  assert_hook_ok(sh_hook("/bin/cat > \"$1\"", (const char *[]){out, NULL}, NULL, 0), input, NULL);
  char *got = slurp(out);
  assert_string_equal(got, input);
  free(got);
}

static void test_hook_run_passes_args_with_argv0_and_env_exactly(void **state) {
  struct fixture *fx = *state;
  const char *cmdline = path_in(fx, "cmdline"), *environ_out = path_in(fx, "environ");
  json_object *hook = json_object_new_object();
  json_object_object_add(hook, "path", json_object_new_string("/bin/sh"));
  json_object *args = json_object_new_array();
  const char *argv[] = {"my-hook-name",
                        "-c",
                        "/usr/bin/tr '\\0' '\\n' < /proc/$$/cmdline > \"$1\";"
                        "/usr/bin/tr '\\0' '\\n' < /proc/$$/environ > \"$2\"",
                        "zero",
                        cmdline,
                        environ_out};
  for (size_t i = 0; i < 6; i++)
    json_object_array_add(args, json_object_new_string(argv[i]));
  json_object_object_add(hook, "args", args);
  json_object *env = json_object_new_array();
  json_object_array_add(env, json_object_new_string("FOO=bar baz"));
  json_object_array_add(env, json_object_new_string("EMPTY="));
  json_object_object_add(hook, "env", env);
  assert_hook_ok(hook, "{}", NULL);
  char *got = slurp(cmdline);
  assert_true(strncmp(got, "my-hook-name\n-c\n", 16) == 0);
  free(got);
  got = slurp(environ_out);
  assert_string_equal(got, "FOO=bar baz\nEMPTY=\n");
  free(got);
}

/* runc and crun: a hook without "env" gets the runtime's environment (hooks read PATH). */
static void test_hook_run_passes_our_env_when_none(void **state) {
  struct fixture *fx = *state;
  const char *out = path_in(fx, "environ");
  setenv("BERTH_UNIT_INHERITED", "yes it is", 1);
  assert_hook_ok(sh_hook("/usr/bin/tr '\\0' '\\n' < /proc/$$/environ > \"$1\"",
                         (const char *[]){out, NULL}, NULL, 0),
                 "{}", NULL);
  unsetenv("BERTH_UNIT_INHERITED");
  char *got = slurp(out);
  assert_non_null(strstr(got, "BERTH_UNIT_INHERITED=yes it is\n"));
  free(got);
}

/* "env": [] is no environment at all (Go's exec.Cmd: a nil Env inherits, an empty one not). */
static void test_hook_run_gives_empty_env_when_empty(void **state) {
  struct fixture *fx = *state;
  const char *out = path_in(fx, "environ");
  setenv("BERTH_UNIT_LEAK", "1", 1);
  assert_hook_ok(sh_hook("/bin/cat /proc/$$/environ > \"$1\"", (const char *[]){out, NULL},
                         (const char *[]){NULL}, 0),
                 "{}", NULL);
  unsetenv("BERTH_UNIT_LEAK");
  char *got = slurp(out);
  assert_string_equal(got, "");
  free(got);
}

/* runc (Go's exec.Cmd) runs {path} when args is empty: argv[0] is the path. */
static void test_hook_run_without_args_uses_path_as_argv0(void **state) {
  struct fixture *fx = *state;
  const char *out = path_in(fx, "argv0");
  json_object *hook = json_object_new_object();
  json_object_object_add(hook, "path", json_object_new_string("/bin/sh"));
  char script[256];
  /* sh without arguments reads its commands from stdin, where the state goes. */
  snprintf(script, sizeof(script), "echo \"$0\" > %s\n", out);
  assert_hook_ok(hook, script, NULL);
  char *got = slurp(out);
  assert_string_equal(got, "/bin/sh\n");
  free(got);
}

static void test_hook_run_runs_in_the_given_cwd(void **state) {
  struct fixture *fx = *state;
  const char *out = path_in(fx, "cwd");
  assert_hook_ok(sh_hook("pwd > \"$1\"", (const char *[]){out, NULL}, NULL, 0), "{}", fx->dir);
  char *got = slurp(out);
  char want[128];
  snprintf(want, sizeof(want), "%s\n", fx->dir);
  assert_string_equal(got, want);
  free(got);
}

static void test_hook_run_reports_exit_status_and_stderr_tail(void **state) {
  char *msg = assert_hook_fails(
      sh_hook("echo out; echo first >&2; echo 'second line' >&2; exit 3", NULL, NULL, 0), "{}");
  assert_string_equal(msg, "exit status 3; stderr: first; second line");
  free(msg);
}

static void test_hook_run_quotes_only_the_end_of_long_stderr(void **state) {
  char *msg = assert_hook_fails(
      sh_hook("i=0; while [ $i -lt 2000 ]; do printf xxxxxxxxxx >&2; i=$((i+1)); done;"
              "echo ' the cause' >&2; exit 1",
              NULL, NULL, 0),
      "{}");
  assert_contains(msg, "exit status 1; stderr: xxx");
  assert_contains(msg, "xxx the cause");
  assert_true(strlen(msg) < 700);
  free(msg);
}

static void test_hook_run_reports_death_by_signal(void **state) {
  char *msg = assert_hook_fails(sh_hook("kill -KILL $$", NULL, NULL, 0), "{}");
  assert_contains(msg, "killed by signal 9");
  free(msg);
}

static void test_hook_run_reports_missing_executable(void **state) {
  json_object *hook = json_object_new_object();
  json_object_object_add(hook, "path", json_object_new_string("/nonexistent/hook"));
  char *msg = assert_hook_fails(hook, "{}");
  assert_string_equal(msg, "execute: No such file or directory");
  free(msg);
}

static void test_hook_run_kills_hook_after_its_timeout(void **state) {
  struct fixture *fx = *state;
  const char *pid_file = path_in(fx, "pid");
  int64_t start = now_ms();
  char *msg = assert_hook_fails(sh_hook("echo $$ > \"$1\"; echo waiting >&2; exec /bin/sleep 30",
                                        (const char *[]){pid_file, NULL}, NULL, 1),
                                "{}");
  int64_t took = now_ms() - start;
  assert_string_equal(msg, "timed out after 1 s; stderr: waiting");
  free(msg);
  assert_true(took >= 900 && took < 5000);
  char *pid = slurp(pid_file);
  assert_true(kill(atoi(pid), 0) < 0 && errno == ESRCH);
  free(pid);
}

static void test_hook_run_within_its_timeout_succeeds(void **state) {
  assert_hook_ok(sh_hook("exit 0", NULL, NULL, 5), "{}", NULL);
}

/* The state can be larger than a pipe's buffer, and a hook need not read it. */
static void test_hook_run_survives_hook_that_ignores_large_stdin(void **state) {
  size_t size = 1 << 20;
  char *big = malloc(size + 1);
  assert_non_null(big);
  memset(big, 'a', size);
  big[size] = '\0';
  assert_hook_ok(sh_hook("exit 0", NULL, NULL, 10), big, NULL);
  struct fixture *fx = *state;
  const char *out = path_in(fx, "big");
  assert_hook_ok(sh_hook("/bin/cat > \"$1\"", (const char *[]){out, NULL}, NULL, 10), big, NULL);
  struct stat st;
  assert_int_equal(stat(out, &st), 0);
  assert_int_equal(st.st_size, (off_t)size);
  free(big);
}

/* A hook that leaves a child holding its stderr is done when it exits. */
static void test_hook_run_returns_when_hook_exits_leaving_a_child(void **state) {
  int64_t start = now_ms();
  assert_hook_ok(sh_hook("/bin/sleep 3 & exit 0", NULL, NULL, 0), "{}", NULL);
  assert_true(now_ms() - start < 2500);
}

static void test_hook_run_passes_only_stdio(void **state) {
  struct fixture *fx = *state;
  const char *out = path_in(fx, "fds");
  int fd = open("/dev/null", O_RDONLY); /* inheritable, as a --preserve-fds fd would be */
  assert_true(fd >= 0);
  assert_true(dup2(fd, 42) == 42);
  assert_hook_ok(sh_hook("[ -e /proc/$$/fd/42 ] && echo leaked > \"$1\" || echo clean > \"$1\"",
                         (const char *[]){out, NULL}, NULL, 0),
                 "{}", NULL);
  close(42);
  close(fd);
  char *got = slurp(out);
  assert_string_equal(got, "clean\n");
  free(got);
}

static json_object *spec_with_hooks(const char *kind, json_object *list) {
  json_object *spec = json_object_new_object();
  json_object_object_add(spec, "ociVersion", json_object_new_string("1.0.2"));
  json_object *hooks = json_object_new_object();
  json_object_object_add(hooks, kind, list);
  json_object_object_add(spec, "hooks", hooks);
  return spec;
}

static void test_hooks_run_in_order_and_stop_at_the_first_failure(void **state) {
  struct fixture *fx = *state;
  const char *log = path_in(fx, "log");
  json_object *list = json_object_new_array();
  json_object_array_add(list, sh_hook("echo one >> \"$1\"", (const char *[]){log, NULL}, NULL, 0));
  json_object_array_add(list, sh_hook("echo two >> \"$1\"; echo nope >&2; exit 2",
                                      (const char *[]){log, NULL}, NULL, 0));
  json_object_array_add(list,
                        sh_hook("echo three >> \"$1\"", (const char *[]){log, NULL}, NULL, 0));
  json_object *spec = spec_with_hooks("createRuntime", list);
  json_object *st = berth_hook_state(spec, "c1", "creating", 42, "/bundle");
  struct berth_error err = {0};
  assert_true(berth_hooks_run(spec, "createRuntime", st, NULL, &err) < 0);
  assert_string_equal(err.msg, "createRuntime hook #1 (/bin/sh): exit status 2; stderr: nope");
  berth_error_clear(&err);
  char *got = slurp(log);
  assert_string_equal(got, "one\ntwo\n");
  free(got);
  /* A kind the spec does not have is nothing to do. */
  assert_int_equal(berth_hooks_run(spec, "poststart", st, NULL, &err), 0);
  json_object_put(st);
  json_object_put(spec);
}

static void test_hooks_run_warn_runs_every_hook(void **state) {
  struct fixture *fx = *state;
  const char *log = path_in(fx, "log");
  json_object *list = json_object_new_array();
  json_object_array_add(list, sh_hook("exit 1", NULL, NULL, 0));
  json_object_array_add(list,
                        sh_hook("echo after >> \"$1\"", (const char *[]){log, NULL}, NULL, 0));
  json_object *spec = spec_with_hooks("poststop", list);
  json_object *st = berth_hook_state(spec, "c1", "stopped", 0, "/bundle");
  berth_hooks_run_warn(spec, "poststop", st, NULL);
  char *got = slurp(log);
  assert_string_equal(got, "after\n");
  free(got);
  json_object_put(st);
  json_object_put(spec);
}

static void test_hook_state_has_the_fields_runc_gives_hooks(void **state) {
  json_object *spec = spec_with_hooks("poststop", json_object_new_array());
  json_object *annotations = json_object_new_object();
  json_object_object_add(annotations, "org.example/key", json_object_new_string("value"));
  json_object_object_add(spec, "annotations", annotations);
  json_object *st = berth_hook_state(spec, "c1", "creating", 42, "/b");
  assert_string_equal(
      json_object_to_json_string_ext(st, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
      "{\"ociVersion\":\"1.0.2\",\"id\":\"c1\",\"status\":\"creating\",\"pid\":42,"
      "\"bundle\":\"/b\",\"annotations\":{\"org.example/key\":\"value\"}}");
  json_object_put(st);
  /* Stopped: no pid, as runc's omitempty leaves it out. */
  st = berth_hook_state(spec, "c1", "stopped", 0, "/b");
  assert_null(json_get(st, "pid"));
  json_object_put(st);
  json_object_put(spec);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_hook_run_passes_state_on_stdin, setup, teardown),
      cmocka_unit_test_setup_teardown(test_hook_run_passes_args_with_argv0_and_env_exactly, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_hook_run_passes_our_env_when_none, setup, teardown),
      cmocka_unit_test_setup_teardown(test_hook_run_gives_empty_env_when_empty, setup, teardown),
      cmocka_unit_test_setup_teardown(test_hook_run_without_args_uses_path_as_argv0, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_hook_run_runs_in_the_given_cwd, setup, teardown),
      cmocka_unit_test(test_hook_run_reports_exit_status_and_stderr_tail),
      cmocka_unit_test(test_hook_run_quotes_only_the_end_of_long_stderr),
      cmocka_unit_test(test_hook_run_reports_death_by_signal),
      cmocka_unit_test(test_hook_run_reports_missing_executable),
      cmocka_unit_test_setup_teardown(test_hook_run_kills_hook_after_its_timeout, setup, teardown),
      cmocka_unit_test(test_hook_run_within_its_timeout_succeeds),
      cmocka_unit_test_setup_teardown(test_hook_run_survives_hook_that_ignores_large_stdin, setup,
                                      teardown),
      cmocka_unit_test(test_hook_run_returns_when_hook_exits_leaving_a_child),
      cmocka_unit_test_setup_teardown(test_hook_run_passes_only_stdio, setup, teardown),
      cmocka_unit_test_setup_teardown(test_hooks_run_in_order_and_stop_at_the_first_failure, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_hooks_run_warn_runs_every_hook, setup, teardown),
      cmocka_unit_test(test_hook_state_has_the_fields_runc_gives_hooks),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
