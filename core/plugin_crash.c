/* SPDX-License-Identifier: Apache-2.0 */
#include "plugin_crash.h"

#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

/* Every plugin dlopen()ed, refused ones too: a scan may open more than the loader keeps. */
#define MAX_WATCHED 64
#define MAX_SEGMENTS 4

struct segment {
  uintptr_t start, end;
};

/* Written at load, before any call into the plugin; only read by the handler. */
static struct {
  char path[4096];
  const void *plugin;
  struct segment code[MAX_SEGMENTS];
  size_t n_code;
} watched[MAX_WATCHED];
static volatile sig_atomic_t n_watched;

/* The marker: which watched plugin runs (-1: the core) and what for. Single-threaded (the ABI
 * forbids threads in plugins); volatile so that every store happens around the call. */
static volatile sig_atomic_t current_watch = -1;
static const char *volatile current_what;

static const struct {
  int sig;
  const char *name;
} crash_signals[] = {
    {SIGSEGV, "SIGSEGV"}, {SIGBUS, "SIGBUS"},   {SIGILL, "SIGILL"},
    {SIGFPE, "SIGFPE"},   {SIGABRT, "SIGABRT"},
};
#define N_SIGNALS (sizeof(crash_signals) / sizeof(crash_signals[0]))
/* What each signal did before: a crash that is not a plugin's goes there. */
static struct sigaction previous[N_SIGNALS];

/* The faulting instruction, or 0 where this architecture's context is not known here. */
static uintptr_t fault_pc(void *context) {
  const ucontext_t *uc = context;
#if defined(__x86_64__)
  return (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__i386__)
  return (uintptr_t)uc->uc_mcontext.gregs[REG_EIP];
#elif defined(__aarch64__)
  return (uintptr_t)uc->uc_mcontext.pc;
#else
  (void)uc;
  return 0;
#endif
}

static int plugin_at(uintptr_t pc) {
  for (int i = 0; pc != 0 && i < n_watched; i++)
    for (size_t s = 0; s < watched[i].n_code; s++)
      if (pc >= watched[i].code[s].start && pc < watched[i].code[s].end)
        return i;
  return -1;
}

/* Async-signal-safe: write(2) of strings that exist already, nothing else. */
static void say(const char *s) {
  size_t len = 0;
  while (s[len] != '\0')
    len++;
  while (len > 0) {
    ssize_t n = write(STDERR_FILENO, s, len);
    if (n <= 0)
      return;
    s += n;
    len -= (size_t)n;
  }
}

static void on_crash(int sig, siginfo_t *info, void *context) {
  int saved_errno = errno;
  size_t i = 0;
  while (i < N_SIGNALS - 1 && crash_signals[i].sig != sig)
    i++;
  int watch = plugin_at(fault_pc(context));
  const char *what = NULL;
  if (watch < 0)
    watch = current_watch;
  if (watch >= 0 && watch == current_watch)
    what = current_what;
  /* A signal that was sent (kill, raise, abort) comes back only if it is raised again; a fault
   * comes back by itself when the faulting instruction runs again on return. */
  bool sent = info == NULL || info->si_code <= 0;
  if (watch < 0) {
    sigaction(sig, &previous[i], NULL);
  } else {
    say("berth: plugin ");
    say(watched[watch].path);
    say(" crashed (");
    say(crash_signals[i].name);
    say(")");
    if (what != NULL) {
      say(" in ");
      say(what);
    }
    say("\n");
    /* The default action, not a sanitizer's handler: the status says the signal. */
    struct sigaction dfl = {.sa_handler = SIG_DFL};
    sigemptyset(&dfl.sa_mask);
    sigaction(sig, &dfl, NULL);
  }
  if (sent)
    raise(sig); /* blocked until this handler returns, then delivered */
  errno = saved_errno;
}

static void install_handlers(void) {
  struct sigaction sa = {.sa_sigaction = on_crash, .sa_flags = SA_SIGINFO | SA_ONSTACK};
  sigemptyset(&sa.sa_mask);
  for (size_t i = 0; i < N_SIGNALS; i++)
    sigaction(crash_signals[i].sig, &sa, &previous[i]);
}

struct code_search {
  const struct link_map *map;
  int watch;
};

static int find_code(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  struct code_search *s = data;
  if (info->dlpi_addr != s->map->l_addr || info->dlpi_name == NULL ||
      strcmp(info->dlpi_name, s->map->l_name) != 0)
    return 0;
  for (size_t i = 0; i < info->dlpi_phnum && watched[s->watch].n_code < MAX_SEGMENTS; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X))
      watched[s->watch].code[watched[s->watch].n_code++] =
          (struct segment){.start = info->dlpi_addr + ph->p_vaddr,
                           .end = info->dlpi_addr + ph->p_vaddr + ph->p_memsz};
  }
  return 1;
}

int berth_plugin_crash_watch(const char *path, void *handle) {
  if (n_watched == MAX_WATCHED)
    return -1;
  int watch = n_watched;
  snprintf(watched[watch].path, sizeof(watched[watch].path), "%s", path);
  watched[watch].plugin = NULL;
  watched[watch].n_code = 0;
  struct link_map *map = NULL;
  if (handle != NULL && dlinfo(handle, RTLD_DI_LINKMAP, &map) == 0 && map != NULL)
    dl_iterate_phdr(find_code, &(struct code_search){.map = map, .watch = watch});
  if (watch == 0)
    install_handlers();
  n_watched = watch + 1;
  return watch;
}

void berth_plugin_crash_bind(int watch, const void *plugin) {
  if (watch >= 0 && watch < n_watched)
    watched[watch].plugin = plugin;
}

struct berth_plugin_call berth_plugin_call_enter_watch(int watch, const char *what) {
  struct berth_plugin_call previous_call = {.watch = current_watch, .what = current_what};
  current_watch = -1; /* never a plugin with another's op */
  current_what = what;
  current_watch = watch;
  return previous_call;
}

struct berth_plugin_call berth_plugin_call_enter(const void *plugin, const char *what) {
  int watch = -1;
  for (int i = 0; plugin != NULL && i < n_watched; i++)
    if (watched[i].plugin == plugin)
      watch = i;
  return berth_plugin_call_enter_watch(watch, what);
}

struct berth_plugin_call berth_plugin_call_host(void) {
  return berth_plugin_call_enter_watch(-1, NULL);
}

void berth_plugin_call_leave(struct berth_plugin_call previous_call) {
  berth_plugin_call_enter_watch(previous_call.watch, previous_call.what);
}
