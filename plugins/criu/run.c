/* SPDX-License-Identifier: Apache-2.0 */
/* Running criu and turning its failure into one line. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "criu.h"

const struct berth_host_api *criu_host;

/* The first line of fd's text that CRIU marks as an error ("Error (criu/vdso.c:381): ..."),
 * else its last non-empty line, into line. */
static void error_line(int fd, char *line, size_t size) {
  line[0] = '\0';
  FILE *f = fdopen(fd, "r");
  if (f == NULL) {
    close(fd);
    return;
  }
  char buf[1024];
  bool found = false;
  while (fgets(buf, sizeof(buf), f) != NULL) {
    buf[strcspn(buf, "\n")] = '\0';
    if (found || buf[0] == '\0')
      continue;
    if (strstr(buf, "Error") != NULL)
      found = true;
    snprintf(line, size, "%.*s", (int)(size - 1), buf);
  }
  fclose(f);
}

int criu_run(char *const *argv, const char *log_path, struct berth_error *err) {
  int out[2] = {-1, -1};
  if (log_path == NULL && pipe2(out, O_CLOEXEC) < 0)
    return criu_host->error(err, errno, "pipe");
  pid_t pid = fork();
  if (pid < 0) {
    int saved = errno;
    if (out[0] >= 0)
      close(out[0]), close(out[1]);
    return criu_host->error(err, saved, "fork for %s", argv[0]);
  }
  if (pid == 0) {
    if (out[1] >= 0 && (dup2(out[1], STDOUT_FILENO) < 0 || dup2(out[1], STDERR_FILENO) < 0))
      _exit(126);
    /* CRIU refuses to run with a blocked SIGCHLD and inherits the caller's mask. */
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execvp(argv[0], argv);
    dprintf(STDERR_FILENO, "exec %s: %s\n", argv[0], strerror(errno));
    _exit(127);
  }
  char line[512] = "";
  if (out[1] >= 0) {
    close(out[1]);
    error_line(out[0], line, sizeof(line));
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      return criu_host->error(err, errno, "wait for %s", argv[0]);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
    return 0;
  if (log_path != NULL) {
    int fd = open(log_path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0)
      error_line(fd, line, sizeof(line));
  }
  char how[64];
  if (WIFEXITED(status))
    snprintf(how, sizeof(how), "exit status %d", WEXITSTATUS(status));
  else
    snprintf(how, sizeof(how), "killed by signal %d", WTERMSIG(status));
  return criu_host->error(err, 0, "%s %s failed (%s)%s%s%s%s", argv[0], argv[1], how,
                          line[0] ? ": " : "", line, log_path != NULL ? "; log " : "",
                          log_path != NULL ? log_path : "");
}
