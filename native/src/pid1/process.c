// See process.h.
#include "process.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

void reset_signal_dispositions(void) {
  struct sigaction dfl;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  for (int sig = 1; sig < NSIG; sig++) {
    if (sig != SIGKILL && sig != SIGSTOP) sigaction(sig, &dfl, NULL);  // glibc's own 32/33 fail harmlessly
  }
}

void clear_signal_mask(void) {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
}

bool leads_session(void) { return getsid(0) == getpid(); }

// Used when the terminal belongs to a session node-init does not lead (started from someone's shell):
// TIOCSTI works only on the caller's controlling terminal (or with CAP_SYS_ADMIN), so the service can
// then no longer push input into a terminal that a more privileged process reads (gosu issue #37).
int leave_controlling_terminal(void) {
  for (int fd = 0; fd < 3; fd++) {
    if (ioctl(fd, TIOCNOTTY) == 0) return 0;  // ENOTTY: not a terminal, or not the controlling one
  }
  // With stdio redirected the controlling terminal is still there, reachable as /dev/tty.
  int tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (tty < 0) return errno == ENXIO ? 0 : errno;  // ENXIO: no controlling terminal
  int rc = ioctl(tty, TIOCNOTTY) == 0 ? 0 : errno;
  close(tty);
  return rc;
}

int give_up_own_terminal(void) {
  if (!leads_session() || !isatty(STDIN_FILENO) || tcgetsid(STDIN_FILENO) != getpid()) return ENOTTY;
  struct sigaction ignore, old_hup;
  memset(&ignore, 0, sizeof ignore);
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGHUP, &ignore, &old_hup);
  int rc = ioctl(STDIN_FILENO, TIOCNOTTY) == 0 ? 0 : errno;
  sigaction(SIGHUP, &old_hup, NULL);
  return rc;
}
