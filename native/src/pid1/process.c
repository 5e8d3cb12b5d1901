// See process.h.
#include "process.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
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

#ifndef SYS_close_range
#define SYS_close_range 436
#endif

// Closes fds first..last (inclusive); nothing when the range is empty.
static void close_span(int first, int last) {
  if (first > last) return;
  if (syscall(SYS_close_range, (unsigned)first, (unsigned)last, 0) == 0) return;
  // Linux before 5.9: each open fd in the span, as /proc lists them, or every number up to the limit.
  DIR *dir = opendir("/proc/self/fd");
  if (dir != NULL) {
    int self = dirfd(dir);
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
      int fd = atoi(entry->d_name);
      if (entry->d_name[0] != '.' && fd >= first && fd <= last && fd != self) close(fd);
    }
    closedir(dir);
    return;
  }
  struct rlimit limit;
  long top = getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY ? (long)limit.rlim_cur : 1048576;
  for (long fd = first; fd <= last && fd < top; fd++) close((int)fd);
}

void close_fds_from(int first) { close_span(first, INT_MAX); }

void close_all_but(int keep_a, int keep_b) {
  int low = keep_a < keep_b ? keep_a : keep_b, high = keep_a < keep_b ? keep_b : keep_a;
  close_span(3, low - 1);
  close_span(low + 1, high - 1);
  close_span(high + 1, INT_MAX);
}
