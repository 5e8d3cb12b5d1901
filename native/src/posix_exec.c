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
// - A service must not share a controlling terminal it was not given as session leader: through it,
//   ioctl(TIOCSTI) types commands into the shell that started node-init (gosu issue #37).
// - Capabilities and no_new_privs are per thread: they are set on the calling (main) thread, the one
//   that execs in exec mode and forks in supervise mode.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <node_api.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <poll.h>
#include <pthread.h>
#include <termios.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dirent64.h"
#include "napi_util.h"
#include "paths.h"
#include "process.h"

// O_NONBLOCK of fds 0-2 when this module loaded, before Node or node-init could change it.
static int stdio_status_flags[3] = {-1, -1, -1};

// ---- fd bookkeeping ------------------------------------------------------------------------------

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
// A bitmap allocated before any fork: the child only reads it.
static uint8_t *keep_fds = NULL;
static size_t keep_limit = 0;  // fds below this have a bit

static void mark_for_exec(int fd) {
  int keep = (size_t)fd < keep_limit && (keep_fds[fd / 8] & (1u << (fd % 8)));
  int fd_flags = fcntl(fd, F_GETFD);
  if (fd_flags < 0) return;
  int wanted = keep ? (fd_flags & ~FD_CLOEXEC) : (fd_flags | FD_CLOEXEC);
  if (wanted != fd_flags) fcntl(fd, F_SETFD, wanted);
}

static void record_start_state(void) {
  for (int fd = 0; fd < 3; fd++) stdio_status_flags[fd] = fcntl(fd, F_GETFL);
}

// ---- the clean process a service starts in -------------------------------------------------------

static void prepare_fds_for_exec(void) {
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

static void prepare_process_for_exec(void) {
  reset_signal_dispositions();
  prepare_fds_for_exec();
  clear_signal_mask();
}

// ---- N-API plumbing ------------------------------------------------------------------------------

#define CHECK(call)                                  \
  do {                                               \
    if ((call) != napi_ok) return throw_bad_args(env); \
  } while (0)

napi_value throw_bad_args(napi_env env) {
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (!pending) napi_throw_type_error(env, NULL, "posix-exec-native: bad arguments");
  return NULL;
}

napi_value make_int(napi_env env, int64_t value) {
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

int get_id(napi_env env, napi_value value, uint32_t *out) {
  int64_t id;
  if (napi_get_value_int64(env, value, &id) != napi_ok || id < 0 || id > INT32_MAX) return 0;
  *out = (uint32_t)id;
  return 1;
}

char *get_string(napi_env env, napi_value value) {
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

napi_value get_args(napi_env env, napi_callback_info info, size_t expected, napi_value *args) {
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

// Makes keep_fds the set of fds in a JS array (any number of them).
static int set_keep_fds(napi_env env, napi_value value) {
  uint32_t count;
  if (napi_get_array_length(env, value, &count) != napi_ok) return 0;
  int32_t highest = -1;
  int32_t *fds = malloc(sizeof(int32_t) * (count ? count : 1));
  if (fds == NULL) return 0;
  for (uint32_t i = 0; i < count; i++) {
    napi_value element;
    if (napi_get_element(env, value, i, &element) != napi_ok || napi_get_value_int32(env, element, &fds[i]) != napi_ok || fds[i] < 0) {
      free(fds);
      return 0;
    }
    if (fds[i] > highest) highest = fds[i];
  }
  size_t limit = (size_t)highest + 1;
  uint8_t *bits = calloc(limit / 8 + 1, 1);
  if (bits == NULL) {
    free(fds);
    return 0;
  }
  for (uint32_t i = 0; i < count; i++) bits[fds[i] / 8] |= (uint8_t)(1u << (fds[i] % 8));
  free(fds);
  free(keep_fds);
  keep_fds = bits;
  keep_limit = limit;
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

// giveUpForeignTerminal() -> errno. Exec mode, right before execve: leaves the controlling terminal
// unless node-init leads the session that owns it (node-init keeps its PID, so it cannot setsid() when
// it leads a process group, as under a job-control shell).
static napi_value js_give_up_foreign_terminal(napi_env env, napi_callback_info info) {
  (void)info;
  return make_int(env, leads_session() ? 0 : leave_controlling_terminal());
}

// ---- capabilities and no_new_privs ---------------------------------------------------------------

// A JS array of capability numbers as a 64-bit mask; 0 when an element is not a number from 0 to 63.
static int get_cap_mask(napi_env env, napi_value value, uint64_t *mask) {
  uint32_t count;
  if (napi_get_array_length(env, value, &count) != napi_ok) return 0;
  *mask = 0;
  for (uint32_t i = 0; i < count; i++) {
    napi_value element;
    int32_t cap;
    if (napi_get_element(env, value, i, &element) != napi_ok || napi_get_value_int32(env, element, &cap) != napi_ok || cap < 0 || cap > 63) return 0;
    *mask |= UINT64_C(1) << cap;
  }
  return 1;
}

// lastCapability() -> the highest capability number this kernel knows (PR_CAPBSET_READ fails past it).
static napi_value js_last_capability(napi_env env, napi_callback_info info) {
  (void)info;
  int cap = 0;
  while (cap < 63 && prctl(PR_CAPBSET_READ, cap + 1, 0, 0, 0) >= 0) cap++;
  return make_int(env, cap);
}

// limitBoundingSet(keep) -> errno. Drops every other capability from the bounding set, so no execve
// (setuid-root or file-capability binaries included) can bring one back. Needs CAP_SETPCAP: call it
// before the uid change.
static napi_value js_limit_bounding_set(napi_env env, napi_callback_info info) {
  napi_value args[1];
  uint64_t keep;
  if (!get_args(env, info, 1, args) || !get_cap_mask(env, args[0], &keep)) return throw_bad_args(env);
  for (int cap = 0; cap < 64 && prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++) {
    if (!(keep & (UINT64_C(1) << cap)) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0) return make_int(env, errno);
  }
  return make_int(env, 0);
}

// setKeepCapabilities(on) -> errno. PR_SET_KEEPCAPS: the permitted set survives the uid change away
// from 0 (which otherwise empties it), so that setCapabilities() has something to keep.
static napi_value js_set_keep_capabilities(napi_env env, napi_callback_info info) {
  napi_value args[1];
  bool on;
  if (!get_args(env, info, 1, args) || napi_get_value_bool(env, args[0], &on) != napi_ok) return throw_bad_args(env);
  return make_int(env, prctl(PR_SET_KEEPCAPS, on ? 1 : 0, 0, 0, 0) == 0 ? 0 : errno);
}

// setCapabilities(caps) -> errno. Permitted, effective and inheritable become exactly `caps` (raw
// capset, version 3: no libcap), then the ambient set too: ambient capabilities are what a non-root
// program keeps across execve without file capabilities.
static napi_value js_set_capabilities(napi_env env, napi_callback_info info) {
  napi_value args[1];
  uint64_t mask;
  if (!get_args(env, info, 1, args) || !get_cap_mask(env, args[0], &mask)) return throw_bad_args(env);
  struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct data[2];
  for (int i = 0; i < 2; i++) {
    uint32_t word = (uint32_t)(mask >> (32 * i));
    data[i].effective = word;
    data[i].permitted = word;
    data[i].inheritable = word;
  }
  if (syscall(SYS_capset, &header, data) != 0) return make_int(env, errno);
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0) return make_int(env, errno);
  for (int cap = 0; cap < 64; cap++) {
    if ((mask & (UINT64_C(1) << cap)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) != 0) return make_int(env, errno);
  }
  return make_int(env, 0);
}

// setNoNewPrivs() -> errno. From here on no execve can add privileges: setuid/setgid bits and file
// capabilities are ignored. Inherited by every child and kept across execve.
static napi_value js_set_no_new_privs(napi_env env, napi_callback_info info) {
  (void)info;
  return make_int(env, prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 ? 0 : errno);
}

// ---- supervise: spawn, signals, reaping ----------------------------------------------------------

// Blocks every signal in the calling thread (so a forked child cannot run node-init's handlers before
// it resets them) and returns the previous mask in *old.
static void block_all_signals(sigset_t *old) {
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, old);
}

// What a failed child reports through the pipe: which step failed, and its errno.
enum spawn_step { STEP_EXECVE = 0, STEP_TERMINAL = 1 };

static void report_and_exit(int pipe_fd, int step, int failure) {
  int message[2] = {step, failure};
  ssize_t ignored = write(pipe_fd, message, sizeof message);
  (void)ignored;
  _exit(127);
}

// spawn(path, argv, envp, keepFds, newSession, takeTerminal, giveUpForeignTerminal) -> [pid, errno,
// step]. The child gets the same clean start as exec mode; with newSession it calls setsid() and, with
// takeTerminal, makes fd 0 its controlling terminal; with giveUpForeignTerminal (no new session) it
// leaves the controlling terminal unless node-init leads the session that owns it. A failure in the
// child comes back as [step, errno] through a close-on-exec pipe.
static napi_value js_spawn(napi_env env, napi_callback_info info) {
  napi_value args[7];
  bool new_session, take_terminal, give_up_terminal;
  if (!get_args(env, info, 7, args) || !set_keep_fds(env, args[3]) || napi_get_value_bool(env, args[4], &new_session) != napi_ok ||
      napi_get_value_bool(env, args[5], &take_terminal) != napi_ok || napi_get_value_bool(env, args[6], &give_up_terminal) != napi_ok) {
    return throw_bad_args(env);
  }
  char *path = get_string(env, args[0]);
  char **argv = get_string_array(env, args[1]);
  char **envp = get_string_array(env, args[2]);
  int64_t result[3] = {-1, 0, STEP_EXECVE};
  int report[2] = {-1, -1};
  if (path == NULL || argv == NULL || envp == NULL) {
    free(path);
    free_string_array(argv);
    free_string_array(envp);
    return throw_bad_args(env);
  }
  if (pipe2(report, O_CLOEXEC) != 0) {
    result[1] = errno;
  } else {
    bool leave_terminal = give_up_terminal && !leads_session();
    sigset_t old_mask;
    block_all_signals(&old_mask);
    pid_t pid = fork();
    if (pid == 0) {
      reset_signal_dispositions();
      if (new_session) {
        setsid();
        if (take_terminal) ioctl(STDIN_FILENO, TIOCSCTTY, 0);  // fails harmlessly without a free terminal
      } else if (leave_terminal) {
        int failure = leave_controlling_terminal();
        if (failure != 0) report_and_exit(report[1], STEP_TERMINAL, failure);
      }
      prepare_fds_for_exec();
      clear_signal_mask();
      execve(path, argv, envp);
      report_and_exit(report[1], STEP_EXECVE, errno);
    }
    int fork_errno = errno;
    pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
    close(report[1]);
    if (pid < 0) {
      result[1] = fork_errno;
    } else {
      int failure[2] = {0, 0};
      ssize_t n;
      do n = read(report[0], failure, sizeof failure);
      while (n < 0 && errno == EINTR);
      if (n == (ssize_t)sizeof failure) {
        waitpid(pid, NULL, 0);
        result[1] = failure[1];
        result[2] = failure[0];
      } else {
        result[0] = pid;
      }
    }
    close(report[0]);
  }
  free(path);
  free_string_array(argv);
  free_string_array(envp);
  return make_int_array(env, result, 3);
}

// Signals reach node-init through a self-pipe: the handler runs in whichever thread the kernel picks
// (Node's threads do not block them) and only writes the signal number. The supervisor reads them in
// wait_events(), which blocks in poll(): no timer, no wake-up while nothing happens.
static int signal_pipe[2] = {-1, -1};

static void on_signal(int sig) {
  int saved_errno = errno;
  unsigned char byte = (unsigned char)sig;
  ssize_t ignored = write(signal_pipe[1], &byte, 1);
  (void)ignored;
  errno = saved_errno;
}

// installSignalHandlers(signals) -> errno. SIGCHLD is always included (it wakes wait_events to reap).
static napi_value js_install_signal_handlers(napi_env env, napi_callback_info info) {
  napi_value args[1];
  uint32_t count;
  if (!get_args(env, info, 1, args) || napi_get_array_length(env, args[0], &count) != napi_ok) return throw_bad_args(env);
  if (signal_pipe[0] < 0 && pipe2(signal_pipe, O_CLOEXEC | O_NONBLOCK) != 0) return make_int(env, errno);
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = on_signal;
  action.sa_flags = SA_RESTART;
  sigfillset(&action.sa_mask);
  if (sigaction(SIGCHLD, &action, NULL) != 0) return make_int(env, errno);
  for (uint32_t i = 0; i < count; i++) {
    napi_value element;
    int32_t sig;
    if (napi_get_element(env, args[0], i, &element) != napi_ok || napi_get_value_int32(env, element, &sig) != napi_ok) return throw_bad_args(env);
    if (sigaction(sig, &action, NULL) != 0) return make_int(env, errno);
  }
  return make_int(env, 0);
}

// waitEvents(timeoutMs) -> { signals: number[], exits: [pid, code, signal][] }. Blocks until a signal
// arrives or the timeout (-1: none) passes, then reaps every child that has exited (waitpid(-1)).
static napi_value js_wait_events(napi_env env, napi_callback_info info) {
  napi_value args[1];
  int32_t timeout;
  if (!get_args(env, info, 1, args) || napi_get_value_int32(env, args[0], &timeout) != napi_ok || signal_pipe[0] < 0) return throw_bad_args(env);
  struct pollfd pfd = {signal_pipe[0], POLLIN, 0};
  poll(&pfd, 1, timeout);  // EINTR (a handler ran on this thread) just means: look now

  napi_value result, signals, exits;
  napi_create_object(env, &result);
  napi_create_array(env, &signals);
  napi_create_array(env, &exits);
  uint32_t signal_count = 0, exit_count = 0;
  unsigned char buf[256];
  ssize_t n;
  while ((n = read(signal_pipe[0], buf, sizeof buf)) > 0) {
    for (ssize_t i = 0; i < n; i++) napi_set_element(env, signals, signal_count++, make_int(env, buf[i]));
  }
  int status;
  pid_t pid;
  while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
    int64_t entry[3] = {pid, WIFEXITED(status) ? WEXITSTATUS(status) : -1, WIFSIGNALED(status) ? WTERMSIG(status) : -1};
    napi_set_element(env, exits, exit_count++, make_int_array(env, entry, 3));
  }
  int64_t no_children = (pid < 0 && errno == ECHILD);
  napi_set_named_property(env, result, "signals", signals);
  napi_set_named_property(env, result, "exits", exits);
  napi_value none_left;
  napi_get_boolean(env, no_children, &none_left);
  napi_set_named_property(env, result, "noChildren", none_left);
  return result;
}

// detachTerminal() -> errno. Gives up the controlling terminal node-init owns as session leader, so the
// service's new session can take it; ENOTTY when node-init is not that leader (the terminal then stays
// with the session that owns it, out of the service's reach). As the leader this sends SIGHUP to
// node-init's own group: ignored meanwhile.
static napi_value js_detach_terminal(napi_env env, napi_callback_info info) {
  (void)info;
  return make_int(env, give_up_own_terminal());
}

static napi_value js_set_child_subreaper(napi_env env, napi_callback_info info) {
  (void)info;
  return make_int(env, prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0 ? 0 : errno);
}

static napi_value js_set_parent_death_signal(napi_env env, napi_callback_info info) {
  napi_value args[1];
  int32_t sig;
  if (!get_args(env, info, 1, args) || napi_get_value_int32(env, args[0], &sig) != napi_ok) return throw_bad_args(env);
  return make_int(env, prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0) == 0 ? 0 : errno);
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
      {"spawn", NULL, js_spawn, NULL, NULL, NULL, napi_enumerable, NULL},
      {"installSignalHandlers", NULL, js_install_signal_handlers, NULL, NULL, NULL, napi_enumerable, NULL},
      {"waitEvents", NULL, js_wait_events, NULL, NULL, NULL, napi_enumerable, NULL},
      {"detachTerminal", NULL, js_detach_terminal, NULL, NULL, NULL, napi_enumerable, NULL},
      {"giveUpForeignTerminal", NULL, js_give_up_foreign_terminal, NULL, NULL, NULL, napi_enumerable, NULL},
      {"lastCapability", NULL, js_last_capability, NULL, NULL, NULL, napi_enumerable, NULL},
      {"limitBoundingSet", NULL, js_limit_bounding_set, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setKeepCapabilities", NULL, js_set_keep_capabilities, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setCapabilities", NULL, js_set_capabilities, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setNoNewPrivs", NULL, js_set_no_new_privs, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setChildSubreaper", NULL, js_set_child_subreaper, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setParentDeathSignal", NULL, js_set_parent_death_signal, NULL, NULL, NULL, napi_enumerable, NULL},
      {"resolvePath", NULL, js_resolve_path, NULL, NULL, NULL, napi_enumerable, NULL},
      {"chownTree", NULL, js_chown_tree, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  napi_set_named_property(env, exports, "SIGRTMIN", make_int(env, SIGRTMIN));
  napi_set_named_property(env, exports, "SIGRTMAX", make_int(env, SIGRTMAX));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
