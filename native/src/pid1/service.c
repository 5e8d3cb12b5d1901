// See service.h. PID 1 is single-threaded, so the child may allocate and call anything before execve.
#include "service.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "process.h"
#include "log.h"
#include "signals.h"

extern char **environ;

// What execvp(3) uses when PATH is unset.
#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// Why the child could not become the service, sent to PID 1 through a close-on-exec pipe.
typedef struct {
  enum { NOT_FOUND = 1, NOT_EXECUTABLE, EXEC_FAILED, SETUP_FAILED, TERMINAL_FAILED } kind;
  int err;
  char path[PATH_MAX];
} failure;

static void fill(failure *f, int kind, int err, const char *path) {
  memset(f, 0, sizeof *f);
  f->kind = kind;
  f->err = err;
  snprintf(f->path, sizeof f->path, "%s", path);
}

static void report(int fd, int kind, int err, const char *path) {
  failure f;
  fill(&f, kind, err, path);
  ssize_t ignored = write(fd, &f, sizeof f);
  (void)ignored;
  _exit(127);
}

// The lookup node-init's TypeScript did (a name with a "/" as it is; otherwise the first regular,
// executable file on the service's PATH, directories skipped), then execve. Returns only on failure,
// described in *f.
static void exec_command(char **argv, failure *f) {
  const char *name = argv[0];
  if (strchr(name, '/')) {
    execve(name, argv, environ);
    fill(f, EXEC_FAILED, errno, name);
    return;
  }
  const char *path = getenv("PATH");
  if (path == NULL) path = DEFAULT_PATH;
  char candidate[PATH_MAX], denied[PATH_MAX] = "";
  for (const char *entry = path;; entry++) {
    const char *end = strchrnul(entry, ':');
    int length = (int)(end - entry);
    if (snprintf(candidate, sizeof candidate, "%.*s/%s", length ? length : 1, length ? entry : ".", name) < (int)sizeof candidate) {
      struct stat st;
      if (stat(candidate, &st) == 0 && !S_ISDIR(st.st_mode)) {
        if (S_ISREG(st.st_mode) && access(candidate, X_OK) == 0) {
          execve(candidate, argv, environ);
          fill(f, EXEC_FAILED, errno, candidate);
          return;
        }
        if (!denied[0]) snprintf(denied, sizeof denied, "%s", candidate);
      }
    }
    if (*end == '\0') break;
    entry = end;
  }
  fill(f, denied[0] ? NOT_EXECUTABLE : NOT_FOUND, 0, denied);
}

// What shells and tini say for an execve that failed (as src/exec/exec.ts does).
static const char *exec_error_text(int err) {
  switch (err) {
    case ENOENT: return "no such file, or its interpreter is missing";
    case EACCES: return "permission denied";
    case ENOEXEC: return "not an executable format";
    case EISDIR: return "is a directory";
    case ETXTBSY: return "text file busy";
    case E2BIG: return "E2BIG";
    case ENOMEM: return "ENOMEM";
    case ELOOP: return "ELOOP";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case ENOTDIR: return "ENOTDIR";
    case EPERM: return "EPERM";
    default: return NULL;
  }
}

static int report_failure(const char *name, const failure *f) {
  switch (f->kind) {
    case NOT_FOUND:
      log_line(LOG_ERROR, "%s: command not found", name);
      return 127;
    case NOT_EXECUTABLE:
      log_line(LOG_ERROR, "%s: permission denied (%s is not an executable file for this user)", name, f->path);
      return 126;
    case EXEC_FAILED: {
      const char *text = exec_error_text(f->err);
      if (text) log_line(LOG_ERROR, "%s: cannot execute: %s", name, text);
      else log_line(LOG_ERROR, "%s: cannot execute: errno %d", name, f->err);
      return f->err == ENOENT ? 127 : 126;
    }
    case TERMINAL_FAILED:
      log_line(LOG_ERROR, "the service could not leave node-init's controlling terminal (errno %d); it was not started", f->err);
      return 125;
    default:
      log_line(LOG_ERROR, "the service could not be started (%s: errno %d)", f->path, f->err);
      return 125;
  }
}

pid_t start_service(const service_spec *spec, int *exit_code) {
  int here = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (chdir("/") != 0) log_line(LOG_WARN, "cannot leave the working directory for /: errno %d", errno);
  int go[2], outcome[2];
  if (pipe2(go, O_CLOEXEC) != 0 || pipe2(outcome, O_CLOEXEC) != 0) {
    log_line(LOG_ERROR, "cannot start the service: pipe: errno %d", errno);
    *exit_code = 125;
    return -1;
  }
  int leave_terminal = !spec->new_session && !leads_session();  // the child never leads PID 1's session
  pid_t pid = fork();
  if (pid == 0) {
    close(go[1]);
    close(outcome[0]);
    reset_signal_dispositions();
    if (spec->new_session) {
      setsid();
      if (spec->take_terminal) ioctl(STDIN_FILENO, TIOCSCTTY, 0);  // fails harmlessly without a free terminal
    } else if (leave_terminal) {
      // Through a terminal it shares with the session that started node-init, the service could push
      // input to that session's shell (TIOCSTI): it leaves it (as the session leader, node-init keeps it).
      int err = leave_controlling_terminal();
      if (err != 0) report(outcome[1], TERMINAL_FAILED, err, "");
    }
    if (here >= 0 && fchdir(here) != 0) report(outcome[1], SETUP_FAILED, errno, "fchdir");
    char ready;
    if (read(go[0], &ready, 1) != 1) _exit(125);  // PID 1 went away
    clear_signal_mask();
    failure f;
    exec_command(spec->argv, &f);
    report(outcome[1], f.kind, f.err, f.path);
  }
  int fork_errno = errno;
  if (here >= 0) close(here);
  close(go[0]);
  close(outcome[1]);
  if (pid < 0) {
    log_line(LOG_ERROR, "cannot start the service: fork: errno %d", fork_errno);
    *exit_code = 125;
    close(go[1]);
    close(outcome[0]);
    return -1;
  }
  // The fds PID 1 inherited now live on in the service only: PID 1 holds none (a pipe's write end
  // would keep its reader waiting).
  close_all_but(go[1], outcome[0]);
  ssize_t ignored = write(go[1], "g", 1);
  (void)ignored;
  close(go[1]);
  failure f;
  ssize_t n;
  do n = read(outcome[0], &f, sizeof f);
  while (n < 0 && errno == EINTR);
  close(outcome[0]);
  if (n != (ssize_t)sizeof f) return pid;  // the exec closed the pipe: the service runs
  waitpid(pid, NULL, 0);
  *exit_code = report_failure(spec->argv[0], &f);
  return -1;
}

// Exec mode unblocks every signal right before execve. A signal that arrived meanwhile (after the plan,
// during the drop) would then hit PID 1 with its default action: dropped by the kernel for a namespace's
// PID 1, or killing node-init before the service starts. A stop (TERM, INT, QUIT) ends node-init as it
// would have ended the planner; any other is said and dropped: there is no service yet to get it.
int take_pending_signals(void) {
  sigset_t all;
  sigfillset(&all);
  struct timespec now = {0, 0};
  siginfo_t info;
  int sig, stop = 0;
  char name[32];
  while ((sig = sigtimedwait(&all, &info, &now)) > 0) {
    if (sig == SIGTERM || sig == SIGINT || sig == SIGQUIT) {
      if (!stop) stop = sig;
    } else if (sig != SIGCHLD) {
      log_line(LOG_INFO, "%s arrived before the service started (exec mode): dropped", signal_name(sig, name, sizeof name));
    }
  }
  if (stop) log_line(LOG_INFO, "%s before the service started: it was not started", signal_name(stop, name, sizeof name));
  return stop;
}

int exec_service(char **argv) {
  if (!leads_session()) {
    int err = leave_controlling_terminal();
    if (err != 0) {
      log_line(LOG_ERROR, "cannot leave the controlling terminal of the session that started node-init (errno %d); nothing was started", err);
      return 125;
    }
  }
  reset_signal_dispositions();
  clear_signal_mask();
  failure f;
  exec_command(argv, &f);
  sigset_t all;  // back to PID 1's state for whatever follows (an exit)
  sigfillset(&all);
  sigprocmask(SIG_SETMASK, &all, NULL);
  return report_failure(argv[0], &f);
}
