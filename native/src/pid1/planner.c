// See planner.h.
//
// - `node` is one only root could have put there when node-init runs as root: the first on PATH in a
//   directory nobody else can write, else the one node-init was built with. A PATH directory the service
//   can write (ENV PATH=/app/node_modules/.bin:$PATH) never supplies it. node-init's bundle and addon are
//   checked the same way: root runs them.
// - Variables meant for the service's Node runtime (NODE_* but NODE_INIT_*, UV_*), the loader (LD_*),
//   iconv (GCONV_PATH) and OpenSSL (OPENSSL_*, SSL_CERT_*) would apply to the planner, as root:
//   NODE_OPTIONS=--require would run code in it. The planner's environment goes without them; PID 1
//   keeps its own, whole, for the service.
// - The addon the planner loads is the one checked here, by its real path (NODE_INIT_ADDON): not
//   whatever require() would find up the node_modules chain or in $HOME/.node_modules.
// - The planner gets fds 0-2 and the plan pipe (fd 3) only: the fds PID 1 inherited stay with PID 1 for
//   the service, with their flags (Node would have made 0-15 close-on-exec and blocking).
#include "planner.h"

#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "process.h"
#include "log.h"
#include "signals.h"
#include "trust.h"

extern char **environ;

#ifndef NODE_INIT_BUILD_NODE
#define NODE_INIT_BUILD_NODE "/usr/local/bin/node"
#endif

static int is_executable_file(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

// The node binary to run, as a real path in `out`; 0 (after a log line) when there is none to trust.
static int find_node(int as_root, char *out, size_t size) {
  char candidate[PATH_MAX], why[PATH_MAX + 64], first_refusal[PATH_MAX + 64] = "";
  const char *path = getenv("PATH");
  for (const char *entry = path ? path : ""; path; entry++) {
    const char *end = strchrnul(entry, ':');
    int length = (int)(end - entry);
    // Only absolute entries: an empty or relative one means the working directory, anyone's.
    if (length > 0 && entry[0] == '/' && snprintf(candidate, sizeof candidate, "%.*s/node", length, entry) < (int)sizeof candidate &&
        is_executable_file(candidate)) {
      if (!as_root) return snprintf(out, size, "%s", candidate) < (int)size;
      if (only_root_can_write(candidate, out, size, why, sizeof why)) return 1;
      if (!first_refusal[0]) snprintf(first_refusal, sizeof first_refusal, "%s", why);
    }
    if (*end == '\0') break;
    entry = end;
  }
  if (is_executable_file(NODE_INIT_BUILD_NODE) && (!as_root || only_root_can_write(NODE_INIT_BUILD_NODE, out, size, why, sizeof why))) {
    if (!as_root) snprintf(out, size, "%s", NODE_INIT_BUILD_NODE);
    return 1;
  }
  if (first_refusal[0]) {
    log_line(LOG_ERROR, "no node binary that only root can write was found (on PATH, %s; nor %s): node-init runs it as root; install node where only root can write", first_refusal,
             NODE_INIT_BUILD_NODE);
  } else {
    log_line(LOG_ERROR, "node was not found on PATH nor at %s; node-init's options need it (only `node-init -- COMMAND` runs without it)", NODE_INIT_BUILD_NODE);
  }
  return 0;
}

// What would change how root's Node, or the libraries it loads, behave: the variables meant for the
// service's Node runtime and for the dynamic loader, iconv and OpenSSL (ENV LD_LIBRARY_PATH=/app/lib
// would have root load libraries from a directory the service can write).
static int changes_the_planner(const char *entry) {
  static const char *const prefixes[] = {"NODE_", "UV_", "LD_", "OPENSSL_", "GCONV_PATH=", "SSL_CERT_"};
  if (strncmp(entry, "NODE_INIT_", 10) == 0) return 0;
  for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++) {
    if (strncmp(entry, prefixes[i], strlen(prefixes[i])) == 0) return 1;
  }
  return 0;
}

// The planner's environment: PID 1's without the runtime variables, with the plan's fd.
static char **planner_environment(const char *addon) {
  size_t count = 0;
  while (environ[count]) count++;
  char **env = calloc(count + 3, sizeof *env);
  if (env == NULL) return NULL;
  size_t n = 0;
  for (size_t i = 0; i < count; i++) {
    if (!changes_the_planner(environ[i]) && strncmp(environ[i], "NODE_INIT_PLAN_FD=", 18) != 0 && strncmp(environ[i], "NODE_INIT_ADDON=", 16) != 0) env[n++] = environ[i];
  }
  env[n++] = "NODE_INIT_PLAN_FD=3";
  if (asprintf(&env[n], "NODE_INIT_ADDON=%s", addon) < 0) {
    free(env);
    return NULL;
  }
  return env;
}

// In the forked child: fd 3 becomes the plan's write end, nothing else above 2 stays open, then Node.
static void exec_planner(const char *node, char **args, char **env, int plan_fd, const sigset_t *original_mask) {
  if (plan_fd == 3) {
    fcntl(3, F_SETFD, 0);
  } else if (dup2(plan_fd, 3) != 3) {
    _exit(125);
  }
  close_fds_from(4);
  reset_signal_dispositions();
  sigprocmask(SIG_SETMASK, original_mask, NULL);
  execve(node, args, env);
  log_line(LOG_ERROR, "cannot run %s: errno %d", node, errno);
  _exit(125);
}

// Reads the whole plan while the planner runs. A stopping signal (TERM, INT, QUIT) ends the planner and
// node-init: returns that signal. Other signals stay pending, for the service. Returns 0 at the pipe's end.
static int read_plan(int fd, char **data, size_t *size) {
  sigset_t stopping;
  sigemptyset(&stopping);
  sigaddset(&stopping, SIGTERM);
  sigaddset(&stopping, SIGINT);
  sigaddset(&stopping, SIGQUIT);
  int signals = signalfd(-1, &stopping, SFD_CLOEXEC);
  size_t capacity = 4096;
  *size = 0;
  *data = malloc(capacity);
  struct pollfd fds[2] = {{fd, POLLIN, 0}, {signals, POLLIN, 0}};
  for (;;) {
    if (poll(fds, signals >= 0 ? 2 : 1, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (signals >= 0 && (fds[1].revents & POLLIN)) {
      struct signalfd_siginfo info;
      if (read(signals, &info, sizeof info) == (ssize_t)sizeof info) {
        close(signals);
        return (int)info.ssi_signo;
      }
    }
    if (fds[0].revents == 0) continue;
    if (*data && *size == capacity) {
      char *larger = realloc(*data, capacity *= 2);
      if (larger == NULL) {
        free(*data);
        *data = NULL;
      } else {
        *data = larger;
      }
    }
    if (*data == NULL) break;  // out of memory: the caller ends the planner
    ssize_t n = read(fd, *data + *size, capacity - *size);
    if (n > 0) {
      *size += (size_t)n;
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  if (signals >= 0) close(signals);
  return 0;
}

int run_planner(int argc, char **argv, const sigset_t *original_mask, plan *out, char **data) {
  int as_root = geteuid() == 0;
  // The package: this program is <package>/bin/node-init (however it was invoked: a symlink on PATH…).
  char self[PATH_MAX], package[PATH_MAX], bundle[PATH_MAX], addon[PATH_MAX], node[PATH_MAX], why[PATH_MAX + 64];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) {
    log_line(LOG_ERROR, "cannot find node-init's own files: /proc/self/exe: errno %d (is /proc mounted?)", errno);
    return 125;
  }
  self[n] = '\0';
  snprintf(package, sizeof package, "%s", self);
  for (int up = 0; up < 2; up++) {  // <package>/bin/node-init → <package>
    char *slash = strrchr(package, '/');
    if (slash) *slash = '\0';
  }
  if (strlen(package) > PATH_MAX - 128) {
    log_line(LOG_ERROR, "node-init's own path is too long: %s", self);
    return 125;
  }
  snprintf(bundle, sizeof bundle, "%.*s/dist/node-init.js", PATH_MAX - 128, package);
  snprintf(addon, sizeof addon, "%.*s/node_modules/posix-exec-native/build/Release/posix_exec.node", PATH_MAX - 128, package);
  // Node gets both by the real paths checked here: nothing can be swapped in by a symlink meanwhile
  // (only root can write any directory on them, when root).
  char bundle_real[PATH_MAX], addon_real[PATH_MAX];
  const char *own[] = {bundle, addon};
  char *real_of[] = {bundle_real, addon_real};
  for (size_t i = 0; i < 2; i++) {
    if (access(own[i], F_OK) != 0) {
      log_line(LOG_ERROR, "node-init's %s %s is missing; build it (npm run build, or npm rebuild posix-exec-native)", i == 0 ? "bundle" : "addon", own[i]);
      return 125;
    }
    if (as_root ? !only_root_can_write(own[i], real_of[i], PATH_MAX, why, sizeof why) : realpath(own[i], real_of[i]) == NULL) {
      if (as_root) {
        log_line(LOG_ERROR, "refusing to run %s as root: %s; install node-init where only root can write (npm install -g, or COPY it as root)", own[i], why);
      } else {
        log_line(LOG_ERROR, "cannot resolve %s: errno %d", own[i], errno);
      }
      return 125;
    }
  }
  if (!find_node(as_root, node, sizeof node)) return 125;

  char **args = calloc((size_t)argc + 4, sizeof *args);
  char **env = planner_environment(addon_real);
  int pipe_fds[2];
  if (args == NULL || env == NULL) {
    log_line(LOG_ERROR, "out of memory");
    return 125;
  }
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
    log_line(LOG_ERROR, "cannot start the planner: pipe: errno %d", errno);
    return 125;
  }
  // One V8 worker thread instead of one per core: the planner runs little JavaScript.
  args[0] = "node";
  args[1] = "--v8-pool-size=1";
  args[2] = "--";
  args[3] = bundle_real;
  for (int i = 1; i < argc; i++) args[3 + i] = argv[i];
  pid_t planner = fork();
  if (planner == 0) exec_planner(node, args, env, pipe_fds[1], original_mask);
  int fork_errno = errno;
  close(pipe_fds[1]);
  free(args);
  free(env);
  if (planner < 0) {
    log_line(LOG_ERROR, "cannot start the planner: fork: errno %d", fork_errno);
    return 125;
  }
  size_t size = 0;
  int stopped_by = read_plan(pipe_fds[0], data, &size);
  close(pipe_fds[0]);
  if (stopped_by == 0 && *data == NULL) {
    kill(planner, SIGKILL);  // it may be blocked writing the rest
    waitpid(planner, NULL, 0);
    log_line(LOG_ERROR, "out of memory reading the plan; nothing was started");
    return 125;
  }
  if (stopped_by != 0) {
    // Setup steps are idempotent: the next start completes what this one began.
    kill(planner, SIGKILL);
    waitpid(planner, NULL, 0);
    char name[32];
    log_line(LOG_INFO, "%s while planning: the service was not started", signal_name(stopped_by, name, sizeof name));
    return 128 + stopped_by;
  }
  int status;
  while (waitpid(planner, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFSIGNALED(status)) {
    char name[32];
    log_line(LOG_ERROR, "node-init's planner (%s) died of %s; nothing was started", node, signal_name(WTERMSIG(status), name, sizeof name));
    return 125;
  }
  if (WEXITSTATUS(status) != 0) return WEXITSTATUS(status);  // it said why, in one line
  if (size == 0) return 0;  // --help, --version: nothing to run
  if (*data == NULL || parse_plan(*data, size, out) != 0) {
    log_line(LOG_ERROR, "node-init's planner sent a plan this PID 1 cannot read (%zu bytes): are bin/node-init and dist/ from the same build?", size);
    return 125;
  }
  return -1;
}
