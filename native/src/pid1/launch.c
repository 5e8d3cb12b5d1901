// See launch.h.
//
// - `node` is one only root could have put there when node-init runs as root: the first on PATH in a
//   directory nobody else can write, else the one node-init was built with. A PATH directory the service
//   can write (ENV PATH=/app/node_modules/.bin:$PATH) never supplies it. node-init's bundle and addon are
//   checked the same way: root runs them.
// - Variables meant for the service's Node runtime (NODE_* but NODE_INIT_*, UV_*, OPENSSL_CONF) would
//   apply to node-init's own Node: NODE_OPTIONS=--require would run code in it as root. They move to
//   NODE_INIT_SAVED_<NAME>; node-init gives them back to the service unchanged.
// - Node marks its inherited fds 0..15 close-on-exec as it starts, after which they cannot be told from
//   its own: the fds this process inherited are listed in NODE_INIT_INHERITED_FDS.
#include "launch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
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

static int is_runtime_variable(const char *entry) {
  if (strncmp(entry, "NODE_INIT_", 10) == 0) return 0;
  const char *equals = strchr(entry, '=');
  if (equals == NULL || equals == entry) return 0;
  for (const char *p = entry; p < equals; p++) {
    if (!(*p == '_' || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))) return 0;
  }
  size_t name = (size_t)(equals - entry);
  return strncmp(entry, "NODE_", 5) == 0 || strncmp(entry, "UV_", 3) == 0 || (name == 12 && strncmp(entry, "OPENSSL_CONF", 12) == 0);
}

// "3 5 7": the fds >= 3 this process inherited (not close-on-exec).
static char *inherited_fds(void) {
  size_t size = 64, length = 0;
  char *list = calloc(size, 1);
  DIR *dir = opendir("/proc/self/fd");
  struct dirent *entry;
  while (list && dir && (entry = readdir(dir)) != NULL) {
    int fd = atoi(entry->d_name);
    if (entry->d_name[0] == '.' || fd < 3 || fd == dirfd(dir)) continue;
    int flags = fcntl(fd, F_GETFD);
    if (flags < 0 || (flags & FD_CLOEXEC)) continue;
    if (length + 16 > size) {
      char *larger = realloc(list, size *= 2);
      if (larger == NULL) break;
      list = larger;
    }
    length += (size_t)snprintf(list + length, size - length, "%s%d", length ? " " : "", fd);
  }
  if (dir) closedir(dir);
  return list;
}

static char **node_environment(void) {
  size_t count = 0;
  while (environ[count]) count++;
  char **env = calloc(count + 2, sizeof *env);
  if (env == NULL) return NULL;
  size_t n = 0;
  for (size_t i = 0; i < count; i++) {
    if (strncmp(environ[i], "NODE_INIT_INHERITED_FDS=", 24) == 0) continue;
    if (!is_runtime_variable(environ[i])) {
      env[n++] = environ[i];
    } else if (asprintf(&env[n], "NODE_INIT_SAVED_%s", environ[i]) >= 0) {
      n++;
    }
  }
  char *fds = inherited_fds();
  if (fds && asprintf(&env[n], "NODE_INIT_INHERITED_FDS=%s", fds) >= 0) n++;
  free(fds);
  return env;
}

int launch_node(int argc, char **argv, const sigset_t *original_mask) {
  int as_root = geteuid() == 0;
  // The package: this program is <package>/bin/node-init (however it was invoked: a symlink on PATH…).
  char self[PATH_MAX], package[PATH_MAX], bundle[PATH_MAX], addon[PATH_MAX], node[PATH_MAX], real[PATH_MAX], why[PATH_MAX + 64];
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
  if (access(bundle, F_OK) != 0) {
    log_line(LOG_ERROR, "node-init's bundle %s is missing; build it (npm run build)", bundle);
    return 125;
  }
  if (as_root) {
    const char *own[] = {bundle, addon};
    for (size_t i = 0; i < 2; i++) {
      if (i == 1 && access(addon, F_OK) != 0) continue;  // Node reports a missing addon itself
      if (!only_root_can_write(own[i], real, sizeof real, why, sizeof why)) {
        log_line(LOG_ERROR, "refusing to run %s as root: %s; install node-init where only root can write (npm install -g, or COPY it as root)", own[i], why);
        return 125;
      }
    }
  }
  if (!find_node(as_root, node, sizeof node)) return 125;

  char **args = calloc((size_t)argc + 4, sizeof *args);
  char **env = node_environment();
  if (args == NULL || env == NULL) {
    log_line(LOG_ERROR, "out of memory");
    return 125;
  }
  // One V8 worker thread instead of one per core: node-init runs little JavaScript (4 threads, not 7).
  args[0] = "node";
  args[1] = "--v8-pool-size=1";
  args[2] = "--";
  args[3] = bundle;
  for (int i = 1; i < argc; i++) args[3 + i] = argv[i];
  sigprocmask(SIG_SETMASK, original_mask, NULL);
  execve(node, args, env);
  log_line(LOG_ERROR, "cannot run %s: errno %d", node, errno);
  return 125;
}
