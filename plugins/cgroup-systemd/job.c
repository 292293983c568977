/* SPDX-License-Identifier: Apache-2.0 */
/* Waiting for a systemd job: the JobRemoved signal for our job's path, within
 * JOB_TIMEOUT_USEC. runc #2313: runc took a queued start job for a started unit; the result
 * must be "done". The match is installed before the call that queues the job, so that a job
 * finishing before its reply is read is not missed. */
#include <string.h>
#include <time.h>

#include "helpers.h"
#include "sd.h"

static uint64_t now_usec(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static void remember(struct job_wait *w, const char *path, const char *result) {
  const size_t max = sizeof(w->pending) / sizeof(w->pending[0]);
  if (w->n_pending == max) { /* the oldest go: ours is the newest job */
    free(w->pending[0]);
    memmove(w->pending, w->pending + 1, (max - 1) * sizeof(w->pending[0]));
    w->n_pending--;
  }
  char *entry = NULL;
  if (asprintf(&entry, "%s\t%s", path, result) >= 0)
    w->pending[w->n_pending++] = entry;
}

static int on_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
  struct job_wait *w = userdata;
  uint32_t id;
  const char *path, *unit, *result;
  (void)ret_error;
  if (sd_bus_message_read(m, "uoss", &id, &path, &unit, &result) < 0)
    return 0;
  if (w->job == NULL)
    remember(w, path, result);
  else if (w->result == NULL && strcmp(path, w->job) == 0)
    w->result = strdup(result);
  return 0;
}

int job_watch(struct bus_conn *c, struct job_wait *w, struct berth_error *err) {
  /* A direct connection has no sender names; on a bus, only systemd's signals count. */
  int r = sd_bus_match_signal(c->bus, &w->slot, c->direct ? NULL : "org.freedesktop.systemd1",
                              "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager",
                              "JobRemoved", on_job_removed, w);
  if (r < 0)
    return cg_error(err, -r, "watch systemd's jobs (AddMatch for JobRemoved)");
  return 0;
}

static void take_pending(struct job_wait *w) {
  size_t len = strlen(w->job);
  for (size_t i = 0; i < w->n_pending && w->result == NULL; i++)
    if (strncmp(w->pending[i], w->job, len) == 0 && w->pending[i][len] == '\t')
      w->result = strdup(w->pending[i] + len + 1);
}

int job_await(struct bus_conn *c, struct job_wait *w, const char *job, const char *what,
              struct berth_error *err) {
  free(w->job);
  w->job = strdup(job);
  if (w->job == NULL)
    return cg_error(err, ENOMEM, "%s", what);
  take_pending(w);
  uint64_t deadline = now_usec() + JOB_TIMEOUT_USEC;
  while (w->result == NULL) {
    int r = sd_bus_process(c->bus, NULL);
    if (r < 0)
      return cg_error(err, -r, "%s: waiting for job %s", what, job);
    if (r > 0)
      continue;
    uint64_t now = now_usec();
    if (now >= deadline)
      return cg_error(err, ETIMEDOUT, "%s: systemd did not finish job %s within %d s", what, job,
                      (int)(JOB_TIMEOUT_USEC / 1000000));
    r = sd_bus_wait(c->bus, deadline - now);
    if (r < 0 && r != -EINTR)
      return cg_error(err, -r, "%s: waiting for job %s", what, job);
  }
  return 0;
}

void job_wait_clear(struct job_wait *w) {
  sd_bus_slot_unref(w->slot);
  free(w->job);
  free(w->result);
  for (size_t i = 0; i < w->n_pending; i++)
    free(w->pending[i]);
  memset(w, 0, sizeof(*w));
}
