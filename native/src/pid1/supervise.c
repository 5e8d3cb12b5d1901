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

#include "process.h"
#include "log.h"
#include "service.h"
#include "signals.h"

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

void default_supervise_settings(supervise_settings *settings) {
  memset(settings, 0, sizeof *settings);
  settings->grace_ms = 5000;
  for (int i = 0; i < 65; i++) settings->rewrite[i] = -1;
  for (int i = 0; i < 256; i++) settings->exit_map[i] = -1;
}

static int rewritten(const supervise_settings *settings, int sig) {
  return sig > 0 && sig < 65 && settings->rewrite[sig] >= 0 ? settings->rewrite[sig] : sig;
}

static void forward(const supervise_settings *settings, pid_t target, int received) {
  int sig = rewritten(settings, received);
  char a[32], b[32], to[32];
  if (sig == 0) {
    if (log_enabled(LOG_DEBUG)) log_line(LOG_DEBUG, "dropped %s", signal_name(received, a, sizeof a));
    return;
  }
  if (sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) {
    // Job control as in dumb-init: stop the service (its group, or with --single-child the child), then
    // node-init itself; SIGCONT (forwarded like any signal) resumes both.
    send(target, SIGSTOP);
    raise(SIGSTOP);
    return;
  }
  int delivered = send(target, sig);
  if (log_enabled(LOG_DEBUG)) {
    if (sig != received) snprintf(to, sizeof to, " as %s", signal_name(sig, b, sizeof b));
    else to[0] = '\0';
    log_line(LOG_DEBUG, "forwarded %s%s to %d%s", signal_name(received, a, sizeof a), to, (int)target, delivered ? "" : " (gone)");
  }
}

static void describe_end(int status, char *out, size_t size) {
  char name[32];
  if (WIFEXITED(status)) snprintf(out, size, "exit code %d", WEXITSTATUS(status));
  else snprintf(out, size, "signal %s", signal_name(WTERMSIG(status), name, sizeof name));
}

// give_up_own_terminal() for PID 1, whose signals are blocked: the kernel's SIGHUP and SIGCONT to its own
// group then stay pending instead of being ignored, and would reach the service as if sent to PID 1.
// Those that were not pending before are taken back (one sent from outside in the same instant with them).
static int give_up_terminal_quietly(void) {
  sigset_t before, hup_cont;
  sigpending(&before);
  int rc = give_up_own_terminal();
  if (rc != 0) return rc;
  sigemptyset(&hup_cont);
  if (!sigismember(&before, SIGHUP)) sigaddset(&hup_cont, SIGHUP);
  if (!sigismember(&before, SIGCONT)) sigaddset(&hup_cont, SIGCONT);
  struct timespec now = {0, 0};
  while (sigtimedwait(&hup_cont, NULL, &now) > 0) {
  }
  return 0;
}

int supervise(char **argv, const supervise_settings *settings) {
  int is_pid1 = getpid() == 1;
  // Orphans of the service must come back to node-init to be reaped, even when it is not PID 1.
  if (!is_pid1) prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  int new_session = !settings->single_child;
  service_spec spec = {argv, new_session, new_session && give_up_terminal_quietly() == 0};
  int exit_code = 0;
  pid_t child = start_service(&spec, &exit_code);
  if (child < 0) return exit_code;
  pid_t target = new_session ? -child : child;
  if (log_enabled(LOG_INFO)) {
    char pid[16], command[4096];
    snprintf(pid, sizeof pid, "%d", (int)child);
    log_field fields[] = {{"pid", pid, 1}, {"argv", log_json_strings(command, sizeof command, argv), 1},
                          {"newSession", new_session ? "true" : "false", 1}, {"terminal", spec.take_terminal ? "true" : "false", 1}};
    log_record(LOG_INFO, fields, 4, "started the service");
  }

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
    if (sig > 0 && sig != SIGCHLD) forward(settings, target, sig);
    int status, service_ended = 0;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
      if (pid != child && !log_enabled(LOG_INFO)) continue;  // no line to build: reaping stays cheap
      char how[48], number[16];
      describe_end(status, how, sizeof how);
      snprintf(number, sizeof number, "%d", (int)pid);
      if (pid != child) {
        log_record(LOG_INFO, (log_field[]){{"pid", number, 1}}, 1, "reaped %d (%s)", (int)pid, how);
        continue;
      }
      service_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      char code[16];
      snprintf(code, sizeof code, "%d", service_code);
      log_record(LOG_INFO, (log_field[]){{"pid", number, 1}, {"exitCode", code, 1}}, 2, "the service ended (%s)", how);
      deadline = now_ms() + settings->grace_ms;
      service_ended = 1;
    }
    int none_left = pid < 0 && errno == ECHILD;
    int term = rewritten(settings, SIGTERM);
    if (service_ended && !none_left && term != 0) {
      char name[32];
      int n = signal_everyone_left(is_pid1, term);
      log_line(LOG_INFO, "sent %s to %d remaining process(es)", signal_name(term, name, sizeof name), n);
    }
    if (service_code >= 0 && none_left) break;
    if (deadline >= 0 && !killed && now_ms() >= deadline) {
      killed = 1;
      int n = signal_everyone_left(is_pid1, SIGKILL);
      if (n > 0) log_line(LOG_WARN, "grace period of %d ms over: sent SIGKILL to %d process(es) still running", settings->grace_ms, n);
    }
  }
  return settings->exit_map[service_code] >= 0 ? settings->exit_map[service_code] : service_code;
}
