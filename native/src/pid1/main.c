// node-init's PID 1 program, the life of PID 1 top to bottom.
//
// 1. From its first instruction every signal is blocked: a signal sent to PID 1 before it has a handler
//    would be dropped by the kernel (default action), a blocked one waits. (Node, as PID 1, reset the mask
//    and dispositions while it booted and lost a `docker stop` that came early.) Before that instruction
//    nothing can help, for any init: from the moment the exec resets the dispositions (/proc/PID/exe
//    already names the new program) to the first sigprocmask, the kernel drops a default-action signal
//    sent to a namespace's PID 1, the mask being whatever the runtime passed. Measured here: a SIGTERM
//    sent as soon as /proc/PID/exe changed was lost 78 times in 100, dynamic or static build alike;
//    sent once /proc/PID/status shows SigBlk, 0 in 100 (test/pid1.test.ts waits for the same).
// 2. Nothing to plan: `node-init -- COMMAND` or `node-init COMMAND`, with no option and no NODE_INIT_*
//    variable, is the plain init of `docker run --init`: PID 1 supervises at once, without Node.
// 3. Anything else (a user to switch to, setup steps, any option) is planned by node-init's TypeScript,
//    run by Node as a short-lived child (planner.c), which reports a plan (plan.h) and exits.
// 4. PID 1 applies the plan to itself: umask, the privilege drop (drop.c), no_new_privs, the parent-death
//    signal; then execs the service in its own place, or supervises it (supervise.c). No Node process
//    and no root process remain.
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <malloc.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "drop.h"
#include "log.h"
#include "plan.h"
#include "planner.h"
#include "service.h"
#include "supervise.h"

extern char **environ;

// Where the command starts in argv when there is nothing to plan, else 0.
static int plain_command(int argc, char **argv) {
  for (char **entry = environ; *entry; entry++) {
    if (strncmp(*entry, "NODE_INIT_", 10) == 0) return 0;
  }
  int first = argc > 1 && strcmp(argv[1], "--") == 0 ? 2 : 1;
  if (first >= argc || argv[first][0] == '\0') return 0;  // no command, or an empty one: the planner says so
  if (first == 1 && argv[1][0] == '-' && argv[1][1] != '\0') return 0;  // an option ("-" alone is a command)
  return first;
}

// The service's environment: PID 1's own without node-init's NODE_INIT_* settings, with the plan's
// variables (HOME, USER, LOGNAME after a switch) in place of the same names, or added at the end.
static char **service_environment(const plan *p) {
  size_t count = 0;
  while (environ[count]) count++;
  char **env = calloc(count + p->nenv + 1, sizeof *env);
  if (env == NULL) return NULL;
  size_t n = 0;
  for (size_t i = 0; i < count; i++) {
    if (strncmp(environ[i], "NODE_INIT_", 10) != 0) env[n++] = environ[i];
  }
  for (size_t j = 0; j < p->nenv; j++) {
    size_t name = (size_t)(strchr(p->env[j], '=') - p->env[j]) + 1;
    size_t i = 0;
    while (i < n && strncmp(env[i], p->env[j], name) != 0) i++;
    env[i] = p->env[j];
    if (i == n) {
      n++;
      continue;
    }
    // Any later copy of the same name goes: some programs read the last one.
    size_t kept = i + 1;
    for (size_t k = i + 1; k < n; k++) {
      if (strncmp(env[k], p->env[j], name) != 0) env[kept++] = env[k];
    }
    n = kept;
  }
  env[n] = NULL;
  return env;
}

// After the drop: the kernel clears the parent-death signal whenever credentials change. A parent that
// died before this leaves the signal pending, for the service.
static void arm_parent_death_signal(int sig, pid_t parent_at_start) {
  prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0);
  if (getppid() != parent_at_start) kill(getpid(), sig);
}

// Planning touched tens of kB of stack (path buffers, the planner's start) that PID 1 never needs again
// while it supervises for days: given back to the kernel, as is the heap's free top. Nothing lives below
// this frame's stack pointer (signals are blocked, there is no handler), so those pages read as zeros if
// a later call goes that deep again.
static void give_back_planning_memory(void) {
  char here;
  uintptr_t below = ((uintptr_t)&here - 16384) & ~(uintptr_t)4095;  // a margin for this call's own frames
  FILE *maps = fopen("/proc/self/maps", "re");
  char line[512];
  uintptr_t start = 0, end = 0;
  while (maps && fgets(line, sizeof line, maps)) {
    if (strstr(line, "[stack]") && sscanf(line, "%lx-%lx", &start, &end) == 2) break;
    start = 0;
  }
  if (maps) fclose(maps);
  if (start != 0 && below > start && below < end) madvise((void *)start, below - start, MADV_DONTNEED);
  malloc_trim(0);
}

static int run_plan(const plan *p, pid_t parent_at_start) {
  log_setup((log_level)p->log_level, p->log_pretty);
  if (p->umask >= 0) umask((mode_t)p->umask);
  if (p->switch_user) {
    int failed = drop_privileges(p);
    if (failed) return failed;
    if (p->switched_line) log_verbatim(p->switched_line);
  }
  if (p->no_new_privs) {
    int failed = forbid_new_privileges();
    if (failed) return failed;
  }
  if (p->pdeathsig) arm_parent_death_signal(p->pdeathsig, parent_at_start);
  char **env = service_environment(p);
  if (env == NULL) {
    log_line(LOG_ERROR, "out of memory; nothing was started");
    return 125;
  }
  environ = env;
  if (p->exec_mode) {
    int stop = take_pending_signals();
    if (stop) return 128 + stop;
    if (log_enabled(LOG_INFO)) {
      char argv[8192];
      log_record(LOG_INFO, (log_field[]){{"argv", log_json_strings(argv, sizeof argv, p->argv), 1}}, 1, "exec");
    }
    return exec_service(p->argv);
  }
  supervise_settings settings;
  default_supervise_settings(&settings);
  settings.grace_ms = p->grace_ms;
  settings.single_child = p->single_child;
  for (size_t i = 0; i < p->nrewrite; i++) {
    if (p->rewrite[i].from > 0 && p->rewrite[i].from < 65) settings.rewrite[p->rewrite[i].from] = p->rewrite[i].to;
  }
  for (size_t i = 0; i < p->nexit_map; i++) settings.exit_map[p->exit_map[i].from] = p->exit_map[i].to;
  return supervise(p->argv, &settings);
}

int main(int argc, char **argv) {
  sigset_t all, original;
  sigfillset(&all);
  sigprocmask(SIG_SETMASK, &all, &original);
  // An ignored SIGCHLD (a caller's choice survives exec) would have the kernel reap every child itself:
  // PID 1 would never learn the service's exit code.
  signal(SIGCHLD, SIG_DFL);
  pid_t parent_at_start = getppid();
  log_setup(LOG_WARN, isatty(STDERR_FILENO));
  int first = plain_command(argc, argv);
  if (first > 0) {
    supervise_settings defaults;
    default_supervise_settings(&defaults);
    return supervise(argv + first, &defaults);
  }
  plan p;
  char *data = NULL;
  int code = run_planner(argc, argv, &original, &p, &data);
  if (code >= 0) return code;
  give_back_planning_memory();
  return run_plan(&p, parent_at_start);
}
