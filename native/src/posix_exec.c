// posix-exec-native: the POSIX calls node-init needs and Node does not offer.
//
// Every function returns an errno value (0 = success) instead of throwing, so the TypeScript side
// (src/native.ts) decides how each failure is reported. The typed boundary is ../index.d.ts.
//
// Why each piece exists:
// - setgroups/setresgid/setresuid go through glibc, which applies them to every thread of the process
//   (a raw syscall would leave libuv's and V8's threads as root).
// - execve happens here, not through process.execve, because the new program must start clean: Node
//   ignores SIGPIPE and SIGXFSZ (ignored dispositions survive exec), marks fds 0-2 close-on-exec, may
//   leave stdio non-blocking, and owns a dozen fds the service must not see. Only the fds node-init
//   itself inherited are passed on.
// - The stdio blocking mode is recorded when this module loads, before node-init can change it.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <node_api.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#define MAX_KEEP_FDS 1024

// O_NONBLOCK of fds 0-2 when this module loaded, before Node or node-init could change it.
static int stdio_status_flags[3] = {-1, -1, -1};

// ---- fd bookkeeping ------------------------------------------------------------------------------

struct linux_dirent64 {
  uint64_t d_ino;
  int64_t d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[];
};

static int parse_fd_name(const char *name) {
  if (name[0] < '0' || name[0] > '9') return -1;
  long value = 0;
  for (const char *p = name; *p; p++) {
    if (*p < '0' || *p > '9') return -1;
    value = value * 10 + (*p - '0');
    if (value > INT32_MAX) return -1;
  }
  return (int)value;
}

// Calls visit(fd) for every open fd >= 3 except the directory handle itself. Uses getdents64 on a
// stack buffer: no malloc, so it is also safe in a child forked from a multithreaded process.
static void for_each_open_fd(void (*visit)(int fd)) {
  int dir = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return;
  char buf[4096];
  for (;;) {
    long n = syscall(SYS_getdents64, dir, buf, sizeof buf);
    if (n <= 0) break;
    for (long off = 0; off < n;) {
      struct linux_dirent64 *entry = (struct linux_dirent64 *)(buf + off);
      off += entry->d_reclen;
      int fd = parse_fd_name(entry->d_name);
      if (fd >= 3 && fd != dir) visit(fd);
    }
  }
  close(dir);
}

// The fds >= 3 the program keeps: those node-init inherited (listed by bin/node-init before Node
// started, since Node marks its inherited fds 0..15 close-on-exec). Everything else gets FD_CLOEXEC.
static int keep_fds[MAX_KEEP_FDS];
static int keep_count = 0;

static void mark_for_exec(int fd) {
  int keep = 0;
  for (int i = 0; i < keep_count && !keep; i++) keep = keep_fds[i] == fd;
  int fd_flags = fcntl(fd, F_GETFD);
  if (fd_flags < 0) return;
  int wanted = keep ? (fd_flags & ~FD_CLOEXEC) : (fd_flags | FD_CLOEXEC);
  if (wanted != fd_flags) fcntl(fd, F_SETFD, wanted);
}

static void record_start_state(void) {
  for (int fd = 0; fd < 3; fd++) stdio_status_flags[fd] = fcntl(fd, F_GETFL);
}

// ---- the clean process a service starts in -------------------------------------------------------

// Async-signal-safe: used right before execve, in node-init itself (exec mode) or in a forked child.
static void prepare_process_for_exec(void) {
  struct sigaction dfl;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  for (int sig = 1; sig < NSIG; sig++) {
    if (sig != SIGKILL && sig != SIGSTOP) sigaction(sig, &dfl, NULL);  // glibc's own 32/33 fail harmlessly
  }
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);

  for (int fd = 0; fd < 3; fd++) {
    int fd_flags = fcntl(fd, F_GETFD);
    if (fd_flags >= 0 && (fd_flags & FD_CLOEXEC)) fcntl(fd, F_SETFD, fd_flags & ~FD_CLOEXEC);
    int status = fcntl(fd, F_GETFL);
    if (status >= 0 && stdio_status_flags[fd] >= 0 && (status & O_NONBLOCK) != (stdio_status_flags[fd] & O_NONBLOCK)) {
      fcntl(fd, F_SETFL, (status & ~O_NONBLOCK) | (stdio_status_flags[fd] & O_NONBLOCK));
    }
  }
  for_each_open_fd(mark_for_exec);
}

// ---- N-API plumbing ------------------------------------------------------------------------------

#define CHECK(call)                                  \
  do {                                               \
    if ((call) != napi_ok) return throw_bad_args(env); \
  } while (0)

static napi_value throw_bad_args(napi_env env) {
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (!pending) napi_throw_type_error(env, NULL, "posix-exec-native: bad arguments");
  return NULL;
}

static napi_value make_int(napi_env env, int64_t value) {
  napi_value result;
  napi_create_int64(env, value, &result);
  return result;
}

static napi_value make_int_array(napi_env env, const int64_t *values, size_t count) {
  napi_value array;
  napi_create_array_with_length(env, count, &array);
  for (size_t i = 0; i < count; i++) napi_set_element(env, array, (uint32_t)i, make_int(env, values[i]));
  return array;
}

static int get_id(napi_env env, napi_value value, uint32_t *out) {
  int64_t id;
  if (napi_get_value_int64(env, value, &id) != napi_ok || id < 0 || id > INT32_MAX) return 0;
  *out = (uint32_t)id;
  return 1;
}

static char *get_string(napi_env env, napi_value value) {
  size_t length;
  if (napi_get_value_string_utf8(env, value, NULL, 0, &length) != napi_ok) return NULL;
  char *text = malloc(length + 1);
  if (text == NULL) return NULL;
  napi_get_value_string_utf8(env, value, text, length + 1, &length);
  if (strlen(text) != length) {  // an embedded NUL would silently cut the string
    free(text);
    return NULL;
  }
  return text;
}

static void free_string_array(char **strings) {
  if (strings == NULL) return;
  for (char **p = strings; *p; p++) free(*p);
  free(strings);
}

// NULL-terminated copy of a JS string array, or NULL when it is not one.
static char **get_string_array(napi_env env, napi_value value) {
  uint32_t count;
  if (napi_get_array_length(env, value, &count) != napi_ok) return NULL;
  char **strings = calloc((size_t)count + 1, sizeof *strings);
  if (strings == NULL) return NULL;
  for (uint32_t i = 0; i < count; i++) {
    napi_value element;
    if (napi_get_element(env, value, i, &element) != napi_ok || (strings[i] = get_string(env, element)) == NULL) {
      free_string_array(strings);
      return NULL;
    }
  }
  return strings;
}

static napi_value get_args(napi_env env, napi_callback_info info, size_t expected, napi_value *args) {
  size_t argc = expected;
  if (napi_get_cb_info(env, info, &argc, args, NULL, NULL) != napi_ok || argc != expected) return NULL;
  return args[0];
}

// ---- identity ------------------------------------------------------------------------------------

static napi_value js_getresuid(napi_env env, napi_callback_info info) {
  (void)info;
  uid_t r, e, s;
  getresuid(&r, &e, &s);
  int64_t ids[3] = {r, e, s};
  return make_int_array(env, ids, 3);
}

static napi_value js_getresgid(napi_env env, napi_callback_info info) {
  (void)info;
  gid_t r, e, s;
  getresgid(&r, &e, &s);
  int64_t ids[3] = {r, e, s};
  return make_int_array(env, ids, 3);
}

static napi_value js_setgroups(napi_env env, napi_callback_info info) {
  napi_value args[1];
  if (!get_args(env, info, 1, args)) return throw_bad_args(env);
  uint32_t count;
  CHECK(napi_get_array_length(env, args[0], &count));
  gid_t *groups = calloc(count ? count : 1, sizeof *groups);
  if (groups == NULL) return make_int(env, ENOMEM);
  for (uint32_t i = 0; i < count; i++) {
    napi_value element;
    uint32_t gid;
    if (napi_get_element(env, args[0], i, &element) != napi_ok || !get_id(env, element, &gid)) {
      free(groups);
      return throw_bad_args(env);
    }
    groups[i] = gid;
  }
  int rc = setgroups(count, groups) == 0 ? 0 : errno;
  free(groups);
  return make_int(env, rc);
}

static napi_value set_three_ids(napi_env env, napi_callback_info info, int (*set)(uint32_t, uint32_t, uint32_t)) {
  napi_value args[3];
  uint32_t ids[3];
  if (!get_args(env, info, 3, args)) return throw_bad_args(env);
  for (int i = 0; i < 3; i++) {
    if (!get_id(env, args[i], &ids[i])) return throw_bad_args(env);
  }
  return make_int(env, set(ids[0], ids[1], ids[2]) == 0 ? 0 : errno);
}

static int do_setresgid(uint32_t r, uint32_t e, uint32_t s) { return setresgid(r, e, s); }
static int do_setresuid(uint32_t r, uint32_t e, uint32_t s) { return setresuid(r, e, s); }

static napi_value js_setresgid(napi_env env, napi_callback_info info) { return set_three_ids(env, info, do_setresgid); }
static napi_value js_setresuid(napi_env env, napi_callback_info info) { return set_three_ids(env, info, do_setresuid); }

// Used only to prove the drop is permanent: after it, setuid(0) must fail with EPERM.
static napi_value js_setuid(napi_env env, napi_callback_info info) {
  napi_value args[1];
  uint32_t uid;
  if (!get_args(env, info, 1, args) || !get_id(env, args[0], &uid)) return throw_bad_args(env);
  return make_int(env, setuid(uid) == 0 ? 0 : errno);
}

// ---- exec ----------------------------------------------------------------------------------------

// Copies a JS array of fds into keep_fds.
static int set_keep_fds(napi_env env, napi_value value) {
  uint32_t count;
  if (napi_get_array_length(env, value, &count) != napi_ok || count > MAX_KEEP_FDS) return 0;
  for (uint32_t i = 0; i < count; i++) {
    napi_value element;
    int32_t fd;
    if (napi_get_element(env, value, i, &element) != napi_ok || napi_get_value_int32(env, element, &fd) != napi_ok) return 0;
    keep_fds[i] = fd;
  }
  keep_count = (int)count;
  return 1;
}

// execve(path, argv, envp) after prepare_process_for_exec(); keepFds are the fds >= 3 to pass on.
// Returns only on failure, with errno.
static napi_value js_execve(napi_env env, napi_callback_info info) {
  napi_value args[4];
  if (!get_args(env, info, 4, args) || !set_keep_fds(env, args[3])) return throw_bad_args(env);
  char *path = get_string(env, args[0]);
  char **argv = get_string_array(env, args[1]);
  char **envp = get_string_array(env, args[2]);
  if (path == NULL || argv == NULL || envp == NULL) {
    free(path);
    free_string_array(argv);
    free_string_array(envp);
    return throw_bad_args(env);
  }
  prepare_process_for_exec();
  execve(path, argv, envp);
  int rc = errno;
  // node-init goes on only to report the failure: give back what Node relies on for writing it.
  signal(SIGPIPE, SIG_IGN);
  signal(SIGXFSZ, SIG_IGN);
  free(path);
  free_string_array(argv);
  free_string_array(envp);
  return make_int(env, rc);
}

// ---- module --------------------------------------------------------------------------------------

static napi_value init(napi_env env, napi_value exports) {
  record_start_state();
  napi_property_descriptor props[] = {
      {"getresuid", NULL, js_getresuid, NULL, NULL, NULL, napi_enumerable, NULL},
      {"getresgid", NULL, js_getresgid, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setgroups", NULL, js_setgroups, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setresgid", NULL, js_setresgid, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setresuid", NULL, js_setresuid, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setuid", NULL, js_setuid, NULL, NULL, NULL, napi_enumerable, NULL},
      {"execve", NULL, js_execve, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
