// See supervise.h. Signals stay blocked from PID 1's first instruction and are taken with sigwaitinfo:
// none is lost (the kernel drops a default-action signal sent to PID 1 only when it is not blocked),
// there is no handler to race with, and nothing wakes PID 1 while nothing happens.
//
// Stopping follows the runtime's clock: SIGTERM is forwarded like any signal, and node-init never kills
// the service on a timer of its own (docker stop -t, Kubernetes' terminationGracePeriodSeconds decide).
// Once the service has ended, what is left gets SIGTERM, then SIGKILL after the grace period.
#include "supervise.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../process.h"
#include "log.h"
#include "service.h"

static int send(pid_t pid, int sig) { return kill(pid, sig) == 0; }

// The parent pid of `pid` from /proc/PID/stat (after the command name, which may hold spaces), or -1.
static pid_t parent_of(const char *pid) {
  char path[64], text[512];
  snprintf(path, sizeof path, "/proc/%s/stat", pid);
  FILE *file = fopen(path, "re");
  if (file == NULL) return -1;
  size_t n = fread(text, 1, sizeof text - 1, file);
  fclose(file);
  text[n] = '\0';
  const char *after = strrchr(text, ')');
  int parent;
  return after && sscanf(after, ") %*c %d", &parent) == 1 ? parent : -1;
}

// Signals every descendant of PID 1 (when it is not PID 1 of its namespace, kill(-1) would reach far
// more); returns how many got it.
static int signal_descendants(int sig) {
  pid_t *pids = NULL, *parents = NULL;
  size_t count = 0, capacity = 0;
  DIR *proc = opendir("/proc");
  struct dirent *entry;
  while (proc && (entry = readdir(proc)) != NULL) {
    if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
    pid_t parent = parent_of(entry->d_name);
    if (parent < 0) continue;  // gone meanwhile
    if (count == capacity) {
      capacity = capacity ? capacity * 2 : 256;
      pid_t *p = realloc(pids, capacity * sizeof *p), *q = p ? realloc(parents, capacity * sizeof *q) : NULL;
      if (p) pids = p;
      if (!p || !q) break;
      parents = q;
    }
    pids[count] = atoi(entry->d_name);
    parents[count++] = parent;
  }
  if (proc) closedir(proc);
  // Breadth first from PID 1: a process is a descendant when its parent already is one.
  pid_t *found = malloc((count + 1) * sizeof *found);
  size_t total = 0, signalled = 0;
  if (found) found[total++] = getpid();
  for (size_t at = 0; found && at < total; at++) {
    for (size_t i = 0; i < count; i++) {
      if (parents[i] == found[at]) found[total++] = pids[i];
    }
  }
  for (size_t i = 1; found && i < total; i++) signalled += send(found[i], sig);
  free(found);
  free(pids);
  free(parents);
  return (int)signalled;
}

static int signal_everyone_left(int is_pid1, int sig) {
  if (is_pid1) return send(-1, sig);  // the whole PID namespace but PID 1
  return signal_descendants(sig);
}

static long now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

int supervise(char **argv, const supervise_settings *settings) {
  int is_pid1 = getpid() == 1;
  // Orphans of the service must come back to node-init to be reaped, even when it is not PID 1.
  if (!is_pid1) prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  service_spec spec = {argv, 1, give_up_own_terminal() == 0};
  int exit_code = 0;
  pid_t child = start_service(&spec, &exit_code);
  if (child < 0) return exit_code;
  pid_t target = spec.new_session ? -child : child;

  sigset_t all;
  sigfillset(&all);
  int service_code = -1;
  long deadline = -1;
  int killed = 0;
  for (;;) {
    siginfo_t info;
    int sig;
    if (deadline >= 0 && !killed) {
      long left = deadline - now_ms();
      struct timespec wait = {left > 0 ? left / 1000 : 0, left > 0 ? (left % 1000) * 1000000L : 0};
      sig = sigtimedwait(&all, &info, &wait);
    } else {
      sig = sigwaitinfo(&all, &info);
    }
    if (sig > 0 && sig != SIGCHLD) {
      if (sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) {
        // Job control as in dumb-init: stop the service's group, then node-init itself; SIGCONT
        // (forwarded like any signal) resumes both.
        send(target, SIGSTOP);
        raise(SIGSTOP);
      } else {
        send(target, sig);
      }
    }
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
      if (pid != child) continue;
      service_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      deadline = now_ms() + settings->grace_ms;
      signal_everyone_left(is_pid1, SIGTERM);
    }
    if (service_code >= 0 && pid < 0 && errno == ECHILD) break;
    if (deadline >= 0 && !killed && now_ms() >= deadline) {
      killed = 1;
      int n = signal_everyone_left(is_pid1, SIGKILL);
      if (n > 0) log_line(LOG_WARN, "grace period of %d ms over: sent SIGKILL to %d process(es) still running", settings->grace_ms, n);
    }
  }
  return service_code;
}
