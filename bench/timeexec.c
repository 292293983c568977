/* timeexec: run one command, print "<wall ns> <ru_maxrss KiB> <wait status>" on stdout.
 *
 *   timeexec TIMEOUT_SECONDS PROG [ARG...]
 *
 * Used by bench/bench.py.  It exists because the peak RSS that wait4() reports for a child
 * includes the memory image the child had before exec: a child forked (or vforked) from
 * python would report python's RSS.  This helper is tiny (built -static when possible), forks
 * (not vfork, which would share and report our own image), points the child's stdin/stdout at
 * /dev/null (stderr is inherited), and reports the wall time of fork+exec+wait and the
 * ru_maxrss wait4() returns: the command and every descendant it reaped itself.
 * After TIMEOUT_SECONDS the child (only the one we started) is sent SIGKILL. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile pid_t child;

static void on_alarm(int sig) {
  (void)sig;
  if (child > 0)
    kill(child, SIGKILL);
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: timeexec TIMEOUT PROG [ARG...]\n");
    return 2;
  }
  unsigned timeout = (unsigned)strtoul(argv[1], NULL, 10);
  int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (devnull < 0) {
    perror("timeexec: /dev/null");
    return 2;
  }
  struct sigaction sa = {.sa_handler = on_alarm};
  sigaction(SIGALRM, &sa, NULL);

  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  pid_t pid = fork();
  if (pid < 0) {
    perror("timeexec: fork");
    return 2;
  }
  if (pid == 0) {
    dup2(devnull, 0);
    dup2(devnull, 1);
    execv(argv[2], argv + 2);
    fprintf(stderr, "timeexec: exec %s: %m\n", argv[2]);
    _exit(127);
  }
  child = pid;
  if (timeout)
    alarm(timeout);
  int status;
  struct rusage ru;
  pid_t r;
  do
    r = wait4(pid, &status, 0, &ru);
  while (r < 0 && errno == EINTR);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  alarm(0);
  if (r < 0) {
    perror("timeexec: wait4");
    return 2;
  }
  long long ns = (long long)(t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
  printf("%lld %ld %d\n", ns, ru.ru_maxrss, status);
  return 0;
}
