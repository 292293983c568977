/* SPDX-License-Identifier: Apache-2.0 */
/* pause/resume through the v1 freezer. */
#include <string.h>
#include <time.h>

#include "fs1.h"
#include "helpers.h"

static void sleep_us(long us) {
  struct timespec ts = {.tv_sec = us / 1000000, .tv_nsec = (us % 1000000) * 1000};
  while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
    ;
}

static int read_state(int fd, char **state) {
  _cleanup_free_ char *buf = NULL;
  int r = cgc_read_at(fd, "freezer.state", &buf);
  if (r < 0)
    return r;
  *state = strdup(cgc_trim(buf));
  return *state != NULL ? 0 : -ENOMEM;
}

int fs1_read_freezer_state(int fd, bool *frozen) {
  _cleanup_free_ char *state = NULL;
  int r = read_state(fd, &state);
  if (r < 0)
    return r;
  *frozen = strcmp(state, "FROZEN") == 0 || strcmp(state, "FREEZING") == 0;
  return 0;
}

static int freezer_dir(struct fs1_cgroup *cg, struct cgroup_dir **out, struct berth_error *err) {
  struct cgroup_dir *d = fs1_find_dir(cg, "freezer");
  if (d == NULL)
    return cg_error(err, ENODEV, "cannot toggle freezer: the container has no freezer cgroup");
  if (d->fd < 0)
    return cg_error(err, ENOENT, "cannot toggle freezer: cgroup %s does not exist", d->path);
  *out = d;
  return 0;
}

/* A v1 cgroup can stay FREEZING while tasks keep arriving (fork, exec joining it). Retry
 * like runc 1.1: up to 1000 writes, with an occasional thaw and sleep to let the newcomers
 * settle, then give up and leave it thawed rather than half frozen. */
static int freeze(struct cgroup_dir *d, struct berth_error *err) {
  for (int i = 0; i < 1000; i++) {
    if (i % 50 == 49) {
      cgc_write_at(d->fd, "freezer.state", "THAWED");
      sleep_us(10000);
    }
    int r = cgc_write_at(d->fd, "freezer.state", "FROZEN");
    if (r < 0) {
      cgc_write_at(d->fd, "freezer.state", "THAWED");
      return cg_error(err, -r, "write freezer.state=FROZEN in %s", d->path);
    }
    if (i % 25 == 24)
      sleep_us(10);
    _cleanup_free_ char *state = NULL;
    r = read_state(d->fd, &state);
    if (r < 0) {
      cgc_write_at(d->fd, "freezer.state", "THAWED");
      return cg_error(err, -r, "read freezer.state in %s", d->path);
    }
    if (strcmp(state, "FROZEN") == 0) {
      if (i > 1)
        log_debug("cgroup-v1: %s frozen after %d retries", d->path, i);
      return 0;
    }
    if (strcmp(state, "FREEZING") != 0) {
      cgc_write_at(d->fd, "freezer.state", "THAWED");
      return cg_error(err, EIO, "freeze %s: unexpected freezer.state %s", d->path, state);
    }
  }
  cgc_write_at(d->fd, "freezer.state", "THAWED");
  return cg_error(err, ETIMEDOUT, "freeze %s: still FREEZING after 1000 attempts, thawed it",
                  d->path);
}

int32_t fs1_freeze(struct fs1_cgroup *cg, int32_t frozen, struct berth_error *err) {
  struct cgroup_dir *d = NULL;
  int r = freezer_dir(cg, &d, err);
  if (r < 0)
    return r;
  if (frozen)
    return freeze(d, err);
  return fs1_write_entry(d, "freezer.state", "THAWED", err);
}

int32_t fs1_is_frozen(struct fs1_cgroup *cg, int32_t *frozen, struct berth_error *err) {
  struct cgroup_dir *d = fs1_find_dir(cg, "freezer");
  *frozen = 0;
  if (d == NULL || d->fd < 0)
    return 0; /* no freezer: never paused (runc: "undefined") */
  bool state = false;
  int r = fs1_read_freezer_state(d->fd, &state);
  if (r < 0)
    return cg_error(err, -r, "read freezer.state in %s", d->path);
  *frozen = state;
  return 0;
}
