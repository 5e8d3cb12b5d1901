// See signals.h.
#include "signals.h"

#include <signal.h>
#include <stdio.h>

static const char *const NAMES[32] = {
    NULL,       "SIGHUP",  "SIGINT",    "SIGQUIT", "SIGILL",    "SIGTRAP", "SIGABRT",   "SIGBUS",    "SIGFPE",  "SIGKILL",  "SIGUSR1",
    "SIGSEGV",  "SIGUSR2", "SIGPIPE",   "SIGALRM", "SIGTERM",   "SIGSTKFLT", "SIGCHLD", "SIGCONT",   "SIGSTOP", "SIGTSTP", "SIGTTIN",
    "SIGTTOU",  "SIGURG",  "SIGXCPU",   "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH",  "SIGIO",     "SIGPWR",  "SIGSYS",
};

const char *signal_name(int sig, char *buffer, size_t size) {
  if (sig > 0 && sig < 32) return NAMES[sig];
  if (sig == SIGRTMIN) return "SIGRTMIN";
  if (sig > SIGRTMIN && sig <= SIGRTMAX) snprintf(buffer, size, "SIGRTMIN+%d", sig - SIGRTMIN);
  else snprintf(buffer, size, "signal %d", sig);
  return buffer;
}
