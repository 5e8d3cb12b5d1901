// The service in the forwarding benchmark: writes "r" once ready, then one "t" to stdout for each
// SIGTERM it receives; exits on SIGUSR2. Signals are taken with sigwaitinfo, so no handler latency.
#include <signal.h>
#include <unistd.h>

int main(void) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR2);
  sigprocmask(SIG_BLOCK, &set, NULL);
  if (write(1, "r", 1) != 1) return 1;
  for (;;) {
    int sig = sigwaitinfo(&set, NULL);
    if (sig == SIGUSR2) return 0;
    if (sig == SIGTERM && write(1, "t", 1) != 1) return 1;
  }
}
