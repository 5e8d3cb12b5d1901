// Root acting on paths the service may control, safely: every path is walked from "/" one component
// at a time with O_NOFOLLOW, and every change is made through a file descriptor, never a path string,
// so a symlink or a rename planted by a process racing node-init cannot redirect root's chown or chmod
// outside the path the user named.
#include "paths.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "dirent64.h"
#include "napi_util.h"

// ---- resolvePath -------------------------------------------------------------------------------

enum { OK = 0, SYMLINK, NOT_ROOT_OWNED, MISSING, NOT_DIRECTORY, FAILED };
static const char *const REASONS[] = {"", "symlink", "not-root-owned", "missing", "not-directory", "failed"};

typedef struct {
  int fd;       // O_PATH fd of the final component, or -1
  int err;      // errno of the failing call (FAILED), else 0
  int reason;   // one of the enum above
  size_t at;    // length of the path prefix that failed
  int created;  // directories made (create mode)
} resolution;

// Walks `path` (absolute) from "/". Directories on the way must not be symlinks and must be owned by
// root; the final component must not be a symlink. With create, missing directories are made with
// `mode` and handed to uid:gid. Returns an O_PATH fd to the final component.
static resolution resolve(const char *path, int create, mode_t mode, uid_t uid, gid_t gid) {
  resolution r = {-1, 0, OK, 0, 0};
  int dir = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return (resolution){-1, errno, FAILED, 1, 0};
  const char *p = path;
  while (*p == '/') p++;
  if (*p == '\0') {  // "/" itself
    r.fd = dir;
    return r;
  }
  char name[4096];
  for (;;) {
    const char *end = strchr(p, '/');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    if (len >= sizeof name) return close(dir), (resolution){-1, ENAMETOOLONG, FAILED, (size_t)(p - path) + len, r.created};
    memcpy(name, p, len);
    name[len] = '\0';
    const char *rest = p + len;
    while (*rest == '/') rest++;
    int last = *rest == '\0';
    r.at = (size_t)(p - path) + len;

    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {  // refused: the path must be plain
      close(dir);
      return (resolution){-1, EINVAL, FAILED, r.at, r.created};
    }
    struct stat st;
    if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno != ENOENT || !create) {
        int e = errno;
        close(dir);
        return (resolution){-1, e, e == ENOENT ? MISSING : FAILED, r.at, r.created};
      }
      if (mkdirat(dir, name, mode) != 0 && errno != EEXIST) {
        int e = errno;
        close(dir);
        return (resolution){-1, e, FAILED, r.at, r.created};
      }
      int made = openat(dir, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (made < 0 || fchownat(made, "", uid, gid, AT_EMPTY_PATH) != 0 || fstat(made, &st) != 0) {
        int e = errno;
        if (made >= 0) close(made);
        close(dir);
        return (resolution){-1, e, FAILED, r.at, r.created};
      }
      r.created++;
      close(dir);
      dir = made;
      if (last) break;
      p = rest;
      continue;
    }
    if (S_ISLNK(st.st_mode)) {
      close(dir);
      return (resolution){-1, 0, SYMLINK, r.at, r.created};
    }
    int flags = O_PATH | O_NOFOLLOW | O_CLOEXEC | (last ? 0 : O_DIRECTORY);
    int next = openat(dir, name, flags);
    int e = errno;
    close(dir);
    if (next < 0) return (resolution){-1, e, e == ELOOP ? SYMLINK : e == ENOTDIR ? NOT_DIRECTORY : FAILED, r.at, r.created};
    if (fstat(next, &st) != 0) {
      e = errno;
      close(next);
      return (resolution){-1, e, FAILED, r.at, r.created};
    }
    if (last) {
      r.fd = next;
      return r;
    }
    if (st.st_uid != 0) {
      close(next);
      return (resolution){-1, 0, NOT_ROOT_OWNED, r.at, r.created};
    }
    dir = next;
    p = rest;
  }
  r.fd = dir;
  return r;
}

// resolvePath(path, create, mode, uid, gid) -> { fd, errno, reason, at, created }
napi_value js_resolve_path(napi_env env, napi_callback_info info) {
  napi_value args[5];
  bool create;
  uint32_t mode, uid, gid;
  if (!get_args(env, info, 5, args) || napi_get_value_bool(env, args[1], &create) != napi_ok || napi_get_value_uint32(env, args[2], &mode) != napi_ok ||
      !get_id(env, args[3], &uid) || !get_id(env, args[4], &gid)) {
    return throw_bad_args(env);
  }
  char *path = get_string(env, args[0]);
  if (path == NULL || path[0] != '/') {
    free(path);
    return throw_bad_args(env);
  }
  resolution r = resolve(path, create, (mode_t)mode, uid, gid);
  free(path);
  napi_value result;
  napi_create_object(env, &result);
  napi_set_named_property(env, result, "fd", make_int(env, r.fd));
  napi_set_named_property(env, result, "errno", make_int(env, r.err));
  napi_value reason;
  napi_create_string_utf8(env, REASONS[r.reason], NAPI_AUTO_LENGTH, &reason);
  napi_set_named_property(env, result, "reason", reason);
  napi_set_named_property(env, result, "at", make_int(env, (int64_t)r.at));
  napi_set_named_property(env, result, "created", make_int(env, r.created));
  return result;
}

// ---- chownTree ---------------------------------------------------------------------------------
//
// Directories are shared between a few threads (one per core, at most 4): the cost of a chown is the
// filesystem's, in the kernel, and it spreads over cores. The threads exist only inside this call,
// before node-init drops its privileges.

typedef struct {
  uid_t uid;
  gid_t gid;
  dev_t dev;
  uint64_t mount;  // mount id of PATH (0: unknown): a bind mount of the same filesystem has the same dev
  int allow_hardlinks;
  // With fs.protected_hardlinks=1 a non-root process can only hard-link files it owns, so an entry
  // swapped between the check and the change cannot become a link to a file root must not give away:
  // a change by name (AT_SYMLINK_NOFOLLOW) is then safe. Without it, each change goes through an O_PATH
  // fd of the checked inode (3 more syscalls an entry).
  int by_name;
} walk_config;

typedef struct {
  int64_t seen, changed, symlinks, hardlinks, mounts, vanished;
  int err;  // first hard failure
} counters;

#define MAX_THREADS 4
#define QUEUE_LIMIT 256  // directories waiting for a thread; beyond it a thread goes depth-first itself

typedef struct {
  const walk_config *config;
  pthread_mutex_t lock;
  pthread_cond_t wake;
  int queue[QUEUE_LIMIT];
  int queued;
  int busy;  // threads working on a directory
} pool;

typedef struct {
  pool *pool;
  counters count;
} worker;

static void note_error(counters *c, int err) {
  if (!c->err) c->err = err;
}

static int needs_change(const walk_config *w, const struct stat *st) { return st->st_uid != w->uid || st->st_gid != w->gid; }

// The mount id of an open fd (statx STATX_MNT_ID, Linux 5.8+), or 0 when the kernel cannot tell.
static uint64_t mount_id(int fd) {
  struct statx stx;
  if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) != 0 || !(stx.stx_mask & STATX_MNT_ID)) return 0;
  return stx.stx_mnt_id;
}

// Changes one non-directory entry; without protected hard links, through an O_PATH fd of the very inode
// that was checked, so a swap between the check and the change cannot redirect it.
static void chown_entry(const walk_config *w, counters *c, int dir, const char *name, const struct stat *seen) {
  if (S_ISREG(seen->st_mode) && seen->st_nlink > 1 && !w->allow_hardlinks) {
    c->hardlinks++;
    return;
  }
  if (w->by_name) {
    if (fchownat(dir, name, w->uid, w->gid, AT_SYMLINK_NOFOLLOW) == 0) c->changed++;
    else if (errno == ENOENT) c->vanished++;
    else note_error(c, errno);
    return;
  }
  int fd = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) {
    if (fd >= 0) close(fd);
    c->vanished++;
    return;
  }
  if (st.st_ino != seen->st_ino || st.st_dev != w->dev || S_ISDIR(st.st_mode)) {
    c->vanished++;  // replaced meanwhile: left alone
  } else if (S_ISREG(st.st_mode) && st.st_nlink > 1 && !w->allow_hardlinks) {
    c->hardlinks++;
  } else if (needs_change(w, &st)) {
    if (fchownat(fd, "", w->uid, w->gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) == 0) c->changed++;
    else note_error(c, errno);
  }
  close(fd);
}

static void walk_directory(worker *self, int dir);

// A subdirectory to walk: to the queue for another thread, or walked here when the queue is full.
static void hand_over(worker *self, int child) {
  pool *p = self->pool;
  pthread_mutex_lock(&p->lock);
  if (p->queued < QUEUE_LIMIT) {
    p->queue[p->queued++] = child;
    pthread_cond_signal(&p->wake);
    pthread_mutex_unlock(&p->lock);
    return;
  }
  pthread_mutex_unlock(&p->lock);
  walk_directory(self, child);
  close(child);
}

static void walk_directory(worker *self, int dir) {
  const walk_config *w = self->pool->config;
  counters *c = &self->count;
  char buf[32768];
  for (;;) {
    long n = syscall(SYS_getdents64, dir, buf, sizeof buf);
    if (n < 0) note_error(c, errno);
    if (n <= 0) return;
    for (long off = 0; off < n;) {
      struct linux_dirent64 *entry = (struct linux_dirent64 *)(buf + off);
      off += entry->d_reclen;
      const char *name = entry->d_name;
      if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'))) continue;
      struct stat st;
      if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
        c->vanished++;
        continue;
      }
      c->seen++;
      if (S_ISLNK(st.st_mode)) c->symlinks++;
      if (!S_ISDIR(st.st_mode)) {
        if (needs_change(w, &st)) chown_entry(w, c, dir, name, &st);
        continue;
      }
      if (st.st_dev != w->dev) {  // another filesystem mounted here: not ours to change
        c->mounts++;
        continue;
      }
      int child = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      struct stat now;
      if (child < 0 || fstat(child, &now) != 0 || now.st_ino != st.st_ino || now.st_dev != w->dev) {
        if (child >= 0) close(child);
        c->vanished++;  // swapped for a symlink or something else meanwhile: not followed
        continue;
      }
      if (w->mount != 0 && mount_id(child) != w->mount) {  // a bind mount: its own tree, not PATH's
        close(child);
        c->mounts++;
        continue;
      }
      if (needs_change(w, &now)) {
        if (fchown(child, w->uid, w->gid) == 0) c->changed++;
        else note_error(c, errno);
      }
      hand_over(self, child);
    }
  }
}

static void *run_worker(void *arg) {
  worker *self = arg;
  pool *p = self->pool;
  pthread_mutex_lock(&p->lock);
  for (;;) {
    while (p->queued == 0 && p->busy > 0) pthread_cond_wait(&p->wake, &p->lock);
    if (p->queued == 0) break;  // nothing queued and nobody who could queue more: done
    int dir = p->queue[--p->queued];
    p->busy++;
    pthread_mutex_unlock(&p->lock);
    walk_directory(self, dir);
    close(dir);
    pthread_mutex_lock(&p->lock);
    if (--p->busy == 0 && p->queued == 0) pthread_cond_broadcast(&p->wake);
  }
  pthread_mutex_unlock(&p->lock);
  return NULL;
}

// Walks the directory `dir` (an O_RDONLY fd, closed here) with a few threads; adds into *total.
static void walk_tree(const walk_config *config, int dir, counters *total) {
  pool p = {.config = config, .queued = 1, .busy = 0};
  p.queue[0] = dir;
  pthread_mutex_init(&p.lock, NULL);
  pthread_cond_init(&p.wake, NULL);
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  int count = cores < 1 ? 1 : cores > MAX_THREADS ? MAX_THREADS : (int)cores;
  worker workers[MAX_THREADS];
  pthread_t threads[MAX_THREADS];
  int started[MAX_THREADS] = {0};
  for (int i = 0; i < count; i++) workers[i] = (worker){&p, {0}};
  for (int i = 1; i < count; i++) started[i] = pthread_create(&threads[i], NULL, run_worker, &workers[i]) == 0;
  run_worker(&workers[0]);
  for (int i = 1; i < count; i++) {
    if (started[i]) pthread_join(threads[i], NULL);
  }
  for (int i = 0; i < count; i++) {
    counters *c = &workers[i].count;
    total->seen += c->seen;
    total->changed += c->changed;
    total->symlinks += c->symlinks;
    total->hardlinks += c->hardlinks;
    total->mounts += c->mounts;
    total->vanished += c->vanished;
    if (c->err) note_error(total, c->err);
  }
  pthread_mutex_destroy(&p.lock);
  pthread_cond_destroy(&p.wake);
}

static int protected_hardlinks(void) {
  char value = '0';
  int fd = open("/proc/sys/fs/protected_hardlinks", O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    if (read(fd, &value, 1) != 1) value = '0';
    close(fd);
  }
  return value == '1';
}

// chownTree(fd, uid, gid, allowHardlinks) -> { errno, seen, changed, symlinks, hardlinks, mounts, vanished }
// fd: an O_PATH fd from resolvePath; the tree below it (same filesystem only) is walked by fds.
napi_value js_chown_tree(napi_env env, napi_callback_info info) {
  napi_value args[4];
  int32_t fd;
  uint32_t uid, gid;
  bool allow_hardlinks;
  if (!get_args(env, info, 4, args) || napi_get_value_int32(env, args[0], &fd) != napi_ok || !get_id(env, args[1], &uid) || !get_id(env, args[2], &gid) ||
      napi_get_value_bool(env, args[3], &allow_hardlinks) != napi_ok) {
    return throw_bad_args(env);
  }
  walk_config w = {uid, gid, 0, 0, allow_hardlinks, protected_hardlinks()};
  counters total = {0};
  struct stat st;
  if (fstat(fd, &st) != 0) {
    note_error(&total, errno);
  } else {
    w.dev = st.st_dev;
    w.mount = mount_id(fd);
    total.seen = 1;
    if (S_ISDIR(st.st_mode)) {
      int dir = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (dir < 0) {
        note_error(&total, errno);
      } else {
        if (needs_change(&w, &st)) {
          if (fchown(dir, uid, gid) == 0) total.changed++;
          else note_error(&total, errno);
        }
        walk_tree(&w, dir, &total);
      }
    } else if (S_ISREG(st.st_mode) && st.st_nlink > 1 && !allow_hardlinks && needs_change(&w, &st)) {
      total.hardlinks++;
    } else if (needs_change(&w, &st)) {
      if (fchownat(fd, "", uid, gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) == 0) total.changed++;
      else note_error(&total, errno);
    }
  }
  napi_value result;
  napi_create_object(env, &result);
  napi_set_named_property(env, result, "errno", make_int(env, total.err));
  napi_set_named_property(env, result, "seen", make_int(env, total.seen));
  napi_set_named_property(env, result, "changed", make_int(env, total.changed));
  napi_set_named_property(env, result, "symlinks", make_int(env, total.symlinks));
  napi_set_named_property(env, result, "hardlinks", make_int(env, total.hardlinks));
  napi_set_named_property(env, result, "mounts", make_int(env, total.mounts));
  napi_set_named_property(env, result, "vanished", make_int(env, total.vanished));
  return result;
}
