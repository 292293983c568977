/* SPDX-License-Identifier: Apache-2.0 */
/* `berth events`: runc's event stream. --stats prints one stats event; otherwise a stats
 * event every --interval and an "oom" event as soon as the kernel reports an OOM kill in
 * the container's memory cgroup (oom_watch.c; else when the OOM-kill count has grown at the
 * next tick), until the container stops. */
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cgroup.h"
#include "cli.h"
#include "json_util.h"
#include "log.h"
#include "oom_watch.h"
#include "rdt.h"

/* Go-style duration: "5s", "250ms", "1m", "2" (seconds). -1 when invalid, or not a finite
 * number of milliseconds that poll(2) can wait (at most INT_MAX). */
static long long parse_interval_ms(const char *text) {
  char *end = NULL;
  double n = strtod(text, &end);
  double scale = -1;
  if (end == text)
    return -1;
  if (*end == '\0' || strcmp(end, "s") == 0)
    scale = 1000;
  else if (strcmp(end, "ms") == 0)
    scale = 1;
  else if (strcmp(end, "m") == 0)
    scale = 60000;
  double ms = n * scale;
  /* Also false for NaN: the comparison is made before any conversion to an integer. */
  if (scale < 0 || !(ms >= 0 && ms <= INT_MAX))
    return -1;
  return (long long)ms;
}

static void emit(const char *type, const char *id, json_object *data) {
  json_object *e = json_object_new_object();
  json_object_object_add(e, "type", json_object_new_string(type));
  json_object_object_add(e, "id", json_object_new_string(id));
  if (data != NULL)
    json_object_object_add(e, "data", json_object_get(data));
  printf("%s\n", json_object_to_json_string_ext(e, JSON_C_TO_STRING_PLAIN |
                                                       JSON_C_TO_STRING_NOSLASHESCAPE));
  fflush(stdout);
  json_object_put(e);
}

static int read_stats(struct berth_container *c, json_object **out, struct berth_error *err) {
  _cleanup_free_ char *text = NULL;
  int r = berth_cgroup_stats(&c->cg, &text, err);
  if (r < 0)
    return r;
  *out = json_tokener_parse(text != NULL ? text : "{}");
  if (*out == NULL)
    return berth_error(err, 0, "events: the cgroup plugin's stats are not JSON");
  /* runc puts the resctrl group's numbers beside the cgroup's, as "intel_rdt". */
  _cleanup_free_ char *rdt_text = NULL;
  if ((r = berth_rdt_stats(&c->rdt, &rdt_text, err)) < 0)
    return r;
  json_object *rdt = rdt_text != NULL ? json_tokener_parse(rdt_text) : NULL;
  if (rdt_text != NULL && !json_object_is_type(rdt, json_type_object)) {
    json_object_put(rdt);
    return berth_error(err, 0, "events: the RDT plugin's stats are not a JSON object");
  }
  if (rdt != NULL)
    json_object_object_add(*out, "intel_rdt", rdt);
  return 0;
}

/* The OOM-kill counter wherever the plugin reports it (v2: memory.events). */
static long long oom_kills(json_object *stats) {
  json_object *v = json_path(stats, "memory_events", "oom_kill", NULL);
  if (v == NULL)
    v = json_path(stats, "memory", "oom_kill", NULL);
  return v != NULL ? json_object_get_int64(v) : 0;
}

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Until the next tick, report OOM kills as the watch sees them. */
static void wait_tick(struct berth_container *c, struct berth_oom_watch *w, long long interval_ms) {
  long long deadline = now_ms() + interval_ms;
  for (long long left = interval_ms; left > 0; left = deadline - now_ms()) {
    struct pollfd p = {.fd = w->fd, .events = POLLIN};
    int n = poll(&p, w->fd >= 0 ? 1 : 0, left > INT_MAX ? INT_MAX : (int)left);
    if (n <= 0)
      continue;
    bool gone = false;
    for (int kills = berth_oom_watch_check(w, &gone); kills > 0; kills--)
      emit("oom", c->id, NULL);
    if (gone) {
      /* The cgroup went with the container: the next look ends the stream. */
      berth_oom_watch_close(w);
      return;
    }
  }
}

static int stream_with(struct berth_container *c, struct berth_oom_watch *watch,
                       long long interval_ms, bool once, long long *seen_ooms,
                       struct berth_error *err) {
  for (;;) {
    _cleanup_json_ json_object *stats = NULL;
    if (read_stats(c, &stats, err) < 0) {
      /* The container stopped since the last look, and its cgroup went with it (a systemd
       * scope goes with its last process): the stream is over, as when we see it stop. */
      if (!once && berth_container_status(c) == BERTH_STOPPED) {
        berth_error_clear(err);
        return 0;
      }
      return -1;
    }
    /* Without a watch, an OOM kill is seen as the counter's growth between two ticks. */
    long long ooms = oom_kills(stats);
    if (watch->fd < 0 && *seen_ooms >= 0 && ooms > *seen_ooms)
      emit("oom", c->id, NULL);
    *seen_ooms = ooms;
    emit("stats", c->id, stats);
    if (once || berth_container_status(c) == BERTH_STOPPED)
      return 0;
    wait_tick(c, watch, interval_ms);
  }
}

static int stream(struct berth_container *c, long long interval_ms, bool once,
                  struct berth_error *err) {
  long long seen_ooms = -1;
  struct berth_oom_watch watch = BERTH_OOM_WATCH_INIT;
  if (!once) {
    _cleanup_error_ struct berth_error watch_err = {0};
    if (berth_oom_watch_open(c->pid, &watch, &watch_err) < 0)
      berth_log(BERTH_LOG_DEBUG, "events %s: OOM kills at each tick only: %s", c->id,
                watch_err.msg);
  }
  int r = stream_with(c, &watch, interval_ms, once, &seen_ooms, err);
  berth_oom_watch_close(&watch);
  return r;
}

const struct option cli_events_options[] = {{"stats", no_argument, NULL, 's'},
                                            {"interval", required_argument, NULL, 'i'},
                                            {NULL, 0, NULL, 0}};

int cmd_events(struct berth_globals *g, int argc, char **argv) {
  bool once = false;
  long long interval = 5000;
  int c;
  while ((c = getopt_long(argc, argv, "", cli_events_options, NULL)) != -1) {
    if (c == 's')
      once = true;
    else if (c == 'i' && (interval = parse_interval_ms(optarg)) > 0)
      continue;
    else
      return cli_usage("events: invalid option or interval");
  }
  const char *id = cli_one_id(argc, argv, "events");
  if (id == NULL)
    return 1;
  _cleanup_error_ struct berth_error err = {0};
  _cleanup_close_ int root_fd = -1;
  _cleanup_container_ struct berth_container *container = NULL;
  if (cli_load(g, id, &root_fd, &container, &err) < 0)
    return cli_fail(&err);
  if (container->cg.plugin == NULL) {
    berth_error(&err, 0, "events %s: the container has no cgroup (cgroup driver \"none\")", id);
    return cli_fail(&err);
  }
  if (once && berth_container_status(container) == BERTH_STOPPED) {
    berth_error(&err, 0, "events %s: the container is stopped", id);
    return cli_fail(&err);
  }
  return stream(container, interval, once, &err) < 0 ? cli_fail(&err) : 0;
}
