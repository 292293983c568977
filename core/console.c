/* SPDX-License-Identifier: Apache-2.0 */
#include "console.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "cleanup.h"
#include "json_util.h"
#include "mounts.h"
#include "parse.h"
#include "safe_path.h"

int berth_console_connect(const char *path, struct berth_error *err) {
  struct stat st;
  if (stat(path, &st) < 0)
    return berth_error(err, errno, "console socket %s", path);
  if (!S_ISSOCK(st.st_mode))
    return berth_error(err, 0, "console socket %s is not a socket", path);
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  if (strlen(path) >= sizeof(addr.sun_path))
    return berth_error(err, ENAMETOOLONG, "console socket %s", path);
  strcpy(addr.sun_path, path);
  _cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
    return berth_error(err, errno, "connect to console socket %s", path);
  return take_fd(&fd);
}

static int send_fd(int sock, int fd, const char *name) {
  char control[CMSG_SPACE(sizeof(int))] = {0};
  struct iovec iov = {.iov_base = (void *)name, .iov_len = strlen(name)};
  struct msghdr msg = {
      .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof(control)};
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &fd, sizeof(int));
  return sendmsg(sock, &msg, MSG_NOSIGNAL) < 0 ? -errno : 0;
}

/* berth proxies the terminal itself (run or exec in the foreground): clear ONLCR, as runc's
 * recvtty does, so that "\n" reaches our stdout as the program wrote it rather than as "\r\n"
 * (a piped `run -t` gives the program's bytes). Takes fd; closes it on error. */
static int clear_onlcr(int fd, struct berth_error *err) {
  struct termios t;
  if (tcgetattr(fd, &t) == 0) {
    t.c_oflag &= ~(tcflag_t)ONLCR;
    if (tcsetattr(fd, TCSANOW, &t) == 0)
      return fd;
  }
  int r = berth_error(err, errno, "clear ONLCR on the container's terminal");
  close(fd);
  return r;
}

int berth_console_receive(int sock, bool nowait, struct berth_error *err) {
  char name[256], control[CMSG_SPACE(sizeof(int))];
  struct iovec iov = {.iov_base = name, .iov_len = sizeof(name)};
  struct msghdr msg = {
      .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof(control)};
  ssize_t n;
  while ((n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC | (nowait ? MSG_DONTWAIT : 0))) < 0 &&
         errno == EINTR)
    ;
  if (n < 0 && nowait && (errno == EAGAIN || errno == EWOULDBLOCK))
    return -EAGAIN;
  if (n < 0)
    return berth_error(err, errno, "receive the container's terminal");
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  if (c == NULL || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(sizeof(int)))
    return berth_error(err, 0, "receive the container's terminal: no fd in the message");
  int fd;
  memcpy(&fd, CMSG_DATA(c), sizeof(int));
  return clear_onlcr(fd, err);
}

static int open_pty(int *slave, struct berth_error *err) {
  _cleanup_close_ int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0)
    return berth_error(err, errno, "process.terminal: open /dev/ptmx");
  int unlock = 0, n = 0;
  if (ioctl(master, TIOCSPTLCK, &unlock) < 0 || ioctl(master, TIOCGPTN, &n) < 0)
    return berth_error(err, errno, "process.terminal: unlock the pty");
  /* TIOCGPTPEER opens the slave through the master's devpts, whatever /dev/pts holds. */
  *slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (*slave < 0)
    return berth_error(err, errno, "process.terminal: open the pty's slave");
  return take_fd(&master);
}

static int size_pty(json_object *process, int master, struct berth_error *err) {
  json_object *size = json_get(process, "consoleSize");
  if (size == NULL)
    return 0;
  int64_t rows, cols;
  int r = berth_json_int(size, "height", "process.consoleSize", 0, USHRT_MAX, 0, &rows, err);
  if (r < 0 ||
      (r = berth_json_int(size, "width", "process.consoleSize", 0, USHRT_MAX, 0, &cols, err)) < 0)
    return r;
  struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
  if (ioctl(master, TIOCSWINSZ, &ws) < 0)
    return berth_error(err, errno, "process.consoleSize");
  return 0;
}

/* /dev/console is the container's own pty, never the host's console. The pty is bound from
 * its fd; the target is never followed through a symlink and must be a file or a device node:
 * an image's /dev/console -> /proc/sys/kernel/core_pattern would otherwise put the pty over
 * that file, a mount on /proc that readonlyPaths would then miss (runc CVE-2025-52565). */
static int bind_console(int slave, struct berth_error *err) {
  _cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  _cleanup_close_ int target =
      berth_safe_open(root, "/dev/console", BERTH_SAFE_MKFILE | BERTH_SAFE_NOFOLLOW, err);
  struct stat st;
  if (target < 0)
    return berth_error_prefix(err, "bind the pty onto /dev/console");
  if (fstat(target, &st) < 0)
    return berth_error(err, errno, "stat /dev/console");
  if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode))
    return berth_error(err, EPERM, "/dev/console is neither a file nor a device node");
  if (berth_bind_fd(slave, target, 0) < 0)
    return berth_error(err, errno, "bind the pty onto /dev/console");
  return 0;
}

int berth_console_setup(json_object *process, int console_fd, bool dev_console,
                        struct berth_error *err) {
  _cleanup_close_ int slave = -1;
  _cleanup_close_ int master = open_pty(&slave, err);
  if (master < 0)
    return master;
  int r = size_pty(process, master, err);
  if (r == 0 && dev_console)
    r = bind_console(slave, err);
  if (r < 0)
    return r;
  r = send_fd(console_fd, master, "/dev/ptmx");
  if (r < 0)
    return berth_error(err, -r, "send the terminal over the console socket");
  if (setsid() < 0 && errno != EPERM)
    return berth_error(err, errno, "setsid");
  for (int std = 0; std < 3; std++)
    if (dup2(slave, std) < 0)
      return berth_error(err, errno, "make the terminal stdio");
  if (ioctl(0, TIOCSCTTY, 0) < 0)
    return berth_error(err, errno, "make the terminal the controlling terminal");
  return 0;
}
