// --chown's walk: gives a tree to uid:gid as root, while the tree may belong to the very user who would
// like to turn that against the system.
//
// - Every entry is looked at once by name (statx, not following a symlink); nothing more is done when
//   its owner and group are already right.
// - In a directory that someone besides root can write (the user's own, a group-writable or sticky
//   one), an entry to change is opened (O_PATH, O_NOFOLLOW), checked again on that fd and changed
//   through it (fchownat(fd, "", AT_EMPTY_PATH)): whatever is renamed, linked or swapped meanwhile, the
//   inode changed is the one that passed the checks. In a directory only root can write (root-owned,
//   no group or other write bit, which ACLs would show in the group bits), nobody else can rename,
//   link or remove an entry between the check and the change, so the change is made by name
//   (AT_SYMLINK_NOFOLLOW): 2 syscalls instead of 5. That is why a directory itself is given away only
//   after its own entries were done.
// - Only entries on PATH's own mount (mount id and device) are changed or entered: another filesystem
//   or a bind mount below PATH, a directory or a single file, is skipped and counted.
// - Anything but a directory with more than one link (one could be a link to a file, socket or FIFO
//   outside PATH) and device nodes are skipped and counted, unless the caller allows hard links.
// - Each directory inode is walked once: a directory renamed while its parent is read can be listed
//   twice, and a second walk would go on changing entries by name after the first gave it away.
// - No recursion, and a bounded number of open fds whatever the depth or breadth: each thread keeps an
//   explicit stack on the heap and at most `window` directory fds open; a directory below the window is
//   reopened through its child's ".." (or, if that moved, by name from an open ancestor) and used only
//   if it is the same inode.
// - Any failure other than an entry that vanished stops the whole walk and is reported with the entry.
//
// A few threads (one per core, at most 4) share the work, since a chown's cost is the kernel's and
// spreads over cores: a thread about to descend into a directory queues it instead while a small queue
// has room, and the others take from that queue. A thread reading a large directory queues batches of
// its names the same way, and gives the directory itself away only once every batch is done. The
// threads exist only inside this call, before node-init drops its privileges.
#include "paths.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "dirent64.h"
#include "napi_util.h"

#ifndef STATX_MNT_ID
#define STATX_MNT_ID 0x00001000U
#endif
#define STATX_WANTED (STATX_TYPE | STATX_MODE | STATX_NLINK | STATX_UID | STATX_GID | STATX_INO | STATX_MNT_ID)

#define MAX_THREADS 4
#define MAX_WINDOW 32
#define DIRENT_BUFFER 32768
#define BATCH 512  // names of one directory handed to another thread at once
#define GONE (-2)  // a frame's directory could not be reopened: its remaining children are left alone

typedef struct {
  uid_t uid;
  gid_t gid;
  uint32_t dev_major, dev_minor;
  uint64_t mount;
  int allow_hardlinks;
} walk_config;

typedef struct {
  int64_t seen, changed, symlinks, hardlinks, mounts, devices, vanished;
} counters;

// How a directory is treated, from its statx when it was opened.
typedef struct {
  uint64_t ino;
  int by_name;  // only root can write it: its entries are changed by name
  int change;   // its own owner differs: changed once its entries are done
} directory;

// Work for a thread: a directory tree to walk, or a batch of names in one directory to visit.
typedef struct {
  int fd;            // the checked directory (O_RDONLY); for a batch, a dup of the one the names are in
  directory dir;     // for a batch, only by_name counts
  char *path;        // relative to PATH, for the report of a failure
  char *names;       // a batch: `count` NUL-terminated names; NULL for a tree
  size_t count;
  int *outstanding;  // a batch: its reader's count of batches not done yet
} task;

// The directory inodes already taken by a walk (open addressing; a slot holds ino + 1, 0 is free).
typedef struct {
  uint64_t *slots;
  size_t capacity, count;
} inode_set;

typedef struct {
  const walk_config *config;
  pthread_mutex_t lock;
  inode_set claimed;  // under lock
  pthread_cond_t wake;
  task *queue;
  int queued, capacity;
  int threads;
  int busy;       // threads walking a task
  int stop;       // set on the first failure
  int err;
  char *err_path;
  int window;
} pool;

typedef struct {
  int fd;         // open directory, -1 closed (below the window), GONE
  directory dir;
  size_t name;    // offset of its name in `names` (frame 0, the task's root, has none)
  size_t pending; // where its subdirectories start in `pending`
} frame;

typedef struct {
  size_t name;
  uint64_t ino;
} subdir;

typedef struct {
  pool *pool;
  counters count;
  const char *task_path;
  frame *frames;
  size_t depth, frames_cap;
  subdir *pending;
  size_t npending, pending_cap;
  char *names;
  size_t names_len, names_cap;
  char *buffer;
  // Names of the directory being read, gathered for a batch.
  char *batch;
  size_t batch_len, batch_cap, batch_count;
  int outstanding;         // batches of this thread's directory still queued or running elsewhere
  const char *batch_path;  // while visiting a batch: its directory's path
} worker;

// ---- small helpers ------------------------------------------------------------------------------

static int stat_at(int dir, const char *name, int flags, struct statx *st) {
  if (syscall(SYS_statx, dir, name, flags | AT_NO_AUTOMOUNT, STATX_WANTED, st) != 0) return -1;
  if (!(st->stx_mask & STATX_MNT_ID)) {  // Linux < 5.8: a bind mount could not be told apart
    errno = ENOSYS;
    return -1;
  }
  return 0;
}

static int on_our_mount(const walk_config *w, const struct statx *st) {
  return st->stx_mnt_id == w->mount && st->stx_dev_major == w->dev_major && st->stx_dev_minor == w->dev_minor;
}

static int needs_change(const walk_config *w, const struct statx *st) { return st->stx_uid != w->uid || st->stx_gid != w->gid; }

static int is_shared_file(const walk_config *w, const struct statx *st) { return !S_ISDIR(st->stx_mode) && st->stx_nlink > 1 && !w->allow_hardlinks; }

static int is_device(const struct statx *st) { return S_ISCHR(st->stx_mode) || S_ISBLK(st->stx_mode); }

static directory directory_of(const walk_config *w, const struct statx *st) {
  return (directory){st->stx_ino, st->stx_uid == 0 && !(st->stx_mode & (S_IWGRP | S_IWOTH)), needs_change(w, st)};
}

static int grow(void **array, size_t *capacity, size_t needed, size_t size) {
  if (needed <= *capacity) return 1;
  size_t wanted = *capacity ? *capacity : 64;
  while (wanted < needed) wanted *= 2;
  void *larger = realloc(*array, wanted * size);
  if (larger == NULL) return 0;
  *array = larger;
  *capacity = wanted;
  return 1;
}

// "task path/frame names.../name" (name may be NULL: the directory on top of the stack itself), or
// "batch directory/name".
static char *join_path(const char *directory, const char *name) {
  char *path = malloc(strlen(directory) + strlen(name) + 2);
  if (path != NULL) stpcpy(stpcpy(stpcpy(path, directory), *directory ? "/" : ""), name);
  return path;
}

static char *entry_path(const worker *self, const char *name) {
  if (self->batch_path != NULL) return join_path(self->batch_path, name);
  size_t length = strlen(self->task_path) + (name ? strlen(name) + 1 : 0) + 1;
  for (size_t i = 1; i < self->depth; i++) length += strlen(self->names + self->frames[i].name) + 1;
  char *path = malloc(length);
  if (path == NULL) return NULL;
  char *end = stpcpy(path, self->task_path);
  for (size_t i = 1; i < self->depth; i++) end = stpcpy(stpcpy(end, end == path ? "" : "/"), self->names + self->frames[i].name);
  if (name) stpcpy(stpcpy(end, end == path ? "" : "/"), name);
  return path;
}

static int stopped(pool *p) { return __atomic_load_n(&p->stop, __ATOMIC_RELAXED); }

// The first failure stops every thread.
static void fail(worker *self, int err, const char *name) {
  pool *p = self->pool;
  char *path = entry_path(self, name);
  pthread_mutex_lock(&p->lock);
  if (!p->err) {
    p->err = err;
    p->err_path = path;
    path = NULL;
  }
  __atomic_store_n(&p->stop, 1, __ATOMIC_RELAXED);
  pthread_cond_broadcast(&p->wake);
  pthread_mutex_unlock(&p->lock);
  free(path);
}

// Adds `ino` to the set: 1 when it was not there, 0 when it was, -1 when out of memory.
static int claim(inode_set *set, uint64_t ino) {
  if ((set->count + 1) * 2 > set->capacity) {
    size_t capacity = set->capacity ? set->capacity * 2 : 1024;
    uint64_t *slots = calloc(capacity, sizeof(uint64_t));
    if (slots == NULL) return -1;
    for (size_t i = 0; i < set->capacity; i++) {
      if (!set->slots[i]) continue;
      size_t at = (size_t)(set->slots[i] * UINT64_C(0x9E3779B97F4A7C15)) & (capacity - 1);
      while (slots[at]) at = (at + 1) & (capacity - 1);
      slots[at] = set->slots[i];
    }
    free(set->slots);
    set->slots = slots;
    set->capacity = capacity;
  }
  uint64_t key = ino + 1;
  size_t at = (size_t)(key * UINT64_C(0x9E3779B97F4A7C15)) & (set->capacity - 1);
  for (; set->slots[at]; at = (at + 1) & (set->capacity - 1)) {
    if (set->slots[at] == key) return 0;
  }
  set->slots[at] = key;
  set->count++;
  return 1;
}

static int claim_directory(pool *p, uint64_t ino) {
  pthread_mutex_lock(&p->lock);
  int claimed = claim(&p->claimed, ino);
  pthread_mutex_unlock(&p->lock);
  return claimed;
}

// ---- one entry ----------------------------------------------------------------------------------

// A non-directory whose owner differs: checked again on an O_PATH fd of the inode, changed through it.
static void change_entry(worker *self, int dir, const char *name, const struct statx *seen) {
  const walk_config *w = self->pool->config;
  counters *c = &self->count;
  int fd = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) c->vanished++;
    else fail(self, errno, name);
    return;
  }
  struct statx st;
  if (stat_at(fd, "", AT_EMPTY_PATH, &st) != 0) {
    fail(self, errno, name);
  } else if (st.stx_ino != seen->stx_ino || (st.stx_mode & S_IFMT) != (seen->stx_mode & S_IFMT) || !on_our_mount(w, &st)) {
    c->vanished++;  // replaced since it was looked at: the new entry is not the one that was checked
  } else if (is_shared_file(w, &st)) {
    c->hardlinks++;
  } else if (needs_change(w, &st)) {
    if (fchownat(fd, "", w->uid, w->gid, AT_EMPTY_PATH) == 0) c->changed++;
    else fail(self, errno, name);
  }
  close(fd);
}

// Opens a subdirectory seen as `ino`, checks it is still that directory on our mount and claims it (a
// directory already claimed is skipped). Returns the fd, or -1 (vanished, skipped or failed).
static int open_subdir(worker *self, int dir, const char *name, uint64_t ino, directory *out) {
  const walk_config *w = self->pool->config;
  int fd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP) self->count.vanished++;  // removed, or swapped for another kind of entry
    else fail(self, errno, name);
    return -1;
  }
  struct statx st;
  if (stat_at(fd, "", AT_EMPTY_PATH, &st) != 0) {
    fail(self, errno, name);
  } else if (st.stx_ino != ino || !on_our_mount(w, &st)) {
    self->count.vanished++;
  } else {
    int claimed = claim_directory(self->pool, st.stx_ino);
    if (claimed > 0) {
      *out = directory_of(w, &st);
      return fd;
    }
    if (claimed < 0) fail(self, ENOMEM, name);
  }
  close(fd);
  return -1;
}

// An entry in a directory only root can write: nobody else can swap it after the check.
static void change_by_name(worker *self, int dir, const char *name) {
  const walk_config *w = self->pool->config;
  if (fchownat(dir, name, w->uid, w->gid, AT_SYMLINK_NOFOLLOW) == 0) self->count.changed++;
  else if (errno == ENOENT) self->count.vanished++;  // root itself removed it meanwhile
  else fail(self, errno, name);
}

// One entry of `dir`: a subdirectory is listed in `pending` for later (so only one fd per level is
// ever open), anything else is changed if it must be. In a batch (`listed`: the name was listed as
// no directory), a directory found there replaced the entry listed.
static void visit_entry(worker *self, int dir, int by_name, const char *name, int listed) {
  const walk_config *w = self->pool->config;
  counters *c = &self->count;
  struct statx st;
  if (stat_at(dir, name, AT_SYMLINK_NOFOLLOW, &st) != 0) {
    if (errno == ENOENT) c->vanished++;
    else fail(self, errno, name);
    return;
  }
  c->seen++;
  if (S_ISLNK(st.stx_mode)) c->symlinks++;
  if (!on_our_mount(w, &st)) {
    c->mounts++;
  } else if (S_ISDIR(st.stx_mode)) {
    if (listed) {
      c->vanished++;
      return;
    }
    size_t length = strlen(name) + 1;
    if (!grow((void **)&self->names, &self->names_cap, self->names_len + length, 1) ||
        !grow((void **)&self->pending, &self->pending_cap, self->npending + 1, sizeof(subdir))) {
      fail(self, ENOMEM, name);
      return;
    }
    memcpy(self->names + self->names_len, name, length);
    self->pending[self->npending++] = (subdir){self->names_len, st.stx_ino};
    self->names_len += length;
  } else if (!needs_change(w, &st)) {
    return;
  } else if (is_device(&st)) {
    c->devices++;
  } else if (is_shared_file(w, &st)) {
    c->hardlinks++;
  } else if (by_name) {
    change_by_name(self, dir, name);
  } else {
    change_entry(self, dir, name, &st);
  }
}

// ---- batches --------------------------------------------------------------------------------------

static void push_task(pool *p, task t) {
  p->queue[p->queued] = t;
  __atomic_store_n(&p->queued, p->queued + 1, __ATOMIC_RELAXED);
  // Every waiter: one waiting for its batches must not be the only one woken for a directory.
  pthread_cond_broadcast(&p->wake);
}

// Visits a batch taken from the queue, then tells its reader.
static void run_batch(worker *self, task t) {
  self->batch_path = t.path;
  const char *name = t.names;
  for (size_t i = 0; i < t.count && !stopped(self->pool); i++, name += strlen(name) + 1) visit_entry(self, t.fd, t.dir.by_name, name, 1);
  self->batch_path = NULL;
  close(t.fd);
  free(t.names);
  free(t.path);
  pthread_mutex_lock(&self->pool->lock);
  (*t.outstanding)--;
  pthread_cond_broadcast(&self->pool->wake);
  pthread_mutex_unlock(&self->pool->lock);
}

// Queues the gathered names for another thread, or visits them here when the queue is full.
static void flush_batch(worker *self, int dir, int by_name) {
  pool *p = self->pool;
  if (self->batch_count == 0 || stopped(p)) {
    self->batch_len = self->batch_count = 0;
    return;
  }
  if (__atomic_load_n(&p->queued, __ATOMIC_RELAXED) < p->capacity) {
    int copy = fcntl(dir, F_DUPFD_CLOEXEC, 0);
    char *path = copy >= 0 ? entry_path(self, NULL) : NULL;
    int taken = 0;
    if (path != NULL) {
      pthread_mutex_lock(&p->lock);
      if ((taken = p->queued < p->capacity)) {
        push_task(p, (task){copy, {0, by_name, 0}, path, self->batch, self->batch_count, &self->outstanding});
        self->outstanding++;
      }
      pthread_mutex_unlock(&p->lock);
    }
    if (taken) {
      self->batch = NULL;
      self->batch_len = self->batch_cap = self->batch_count = 0;
      return;
    }
    if (copy >= 0) close(copy);
    free(path);
  }
  const char *name = self->batch;
  for (size_t i = 0; i < self->batch_count && !stopped(p); i++, name += strlen(name) + 1) visit_entry(self, dir, by_name, name, 1);
  self->batch_len = self->batch_count = 0;
}

// Before its directory is given away, every batch of it must be done: helps with queued batches (of
// any directory) meanwhile. After a failure, its batches still queued are dropped.
static void wait_batches(worker *self) {
  pool *p = self->pool;
  pthread_mutex_lock(&p->lock);
  while (self->outstanding > 0) {
    int found = -1;
    for (int i = p->queued - 1; i >= 0 && found < 0; i--) {
      if (p->queue[i].names != NULL && (!p->stop || p->queue[i].outstanding == &self->outstanding)) found = i;
    }
    if (found < 0) {
      pthread_cond_wait(&p->wake, &p->lock);
      continue;
    }
    task t = p->queue[found];
    memmove(&p->queue[found], &p->queue[found + 1], sizeof(task) * (size_t)(p->queued - found - 1));
    __atomic_store_n(&p->queued, p->queued - 1, __ATOMIC_RELAXED);
    pthread_mutex_unlock(&p->lock);
    if (p->stop) t.count = 0;  // dropped: only released
    run_batch(self, t);
    pthread_mutex_lock(&p->lock);
  }
  pthread_mutex_unlock(&p->lock);
}

// Reads the directory on top of the stack and visits every entry; with other threads to share the
// work, names listed as no directory go in batches.
static void read_directory(worker *self) {
  frame *top = &self->frames[self->depth - 1];
  int dir = top->fd, by_name = top->dir.by_name;
  int batching = self->pool->threads > 1;
  for (;;) {
    if (stopped(self->pool)) break;
    long n = syscall(SYS_getdents64, dir, self->buffer, DIRENT_BUFFER);
    if (n < 0) fail(self, errno, NULL);
    if (n <= 0) break;
    for (long off = 0; off < n;) {
      struct linux_dirent64 *entry = (struct linux_dirent64 *)(self->buffer + off);
      off += entry->d_reclen;
      const char *name = entry->d_name;
      if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'))) continue;
      if (!batching || entry->d_type == DT_DIR || entry->d_type == DT_UNKNOWN) {
        visit_entry(self, dir, by_name, name, 0);
        continue;
      }
      size_t length = strlen(name) + 1;
      if (!grow((void **)&self->batch, &self->batch_cap, self->batch_len + length, 1)) {
        fail(self, ENOMEM, name);
        break;
      }
      memcpy(self->batch + self->batch_len, name, length);
      self->batch_len += length;
      if (++self->batch_count == BATCH) flush_batch(self, dir, by_name);
    }
  }
  flush_batch(self, dir, by_name);
  wait_batches(self);
}

// The top directory's own entries are done: now it can be given away (its subdirectories are opened
// later by name and checked by inode, so a swap then is seen).
static void finish_directory(worker *self) {
  frame *top = &self->frames[self->depth - 1];
  if (!top->dir.change || stopped(self->pool)) return;
  const walk_config *w = self->pool->config;
  if (fchown(top->fd, w->uid, w->gid) == 0) self->count.changed++;
  else fail(self, errno, NULL);
  top->dir.change = 0;
}

// ---- the stack of directories ---------------------------------------------------------------------

// Opens `name` in `dir` again, only if it is still the directory `ino` on our mount (no change made).
// Fails with ENOENT when something else is there now.
static int reopen_checked(const walk_config *w, int dir, const char *name, uint64_t ino) {
  int fd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return -1;
  struct statx st;
  int err = stat_at(fd, "", AT_EMPTY_PATH, &st) != 0 ? errno : (st.stx_ino != ino || !on_our_mount(w, &st)) ? ENOENT : 0;
  if (err == 0) return fd;
  close(fd);
  errno = err;
  return -1;
}

// Moved away or replaced: what is left of it is not ours to walk. Any other failure stops the walk.
static int is_gone(int err) { return err == ENOENT || err == ENOTDIR || err == ELOOP; }

// Frame i's directory is needed again (its child, frame i + 1, is done): through the child's "..",
// else by name from the nearest open ancestor (frame 0 always is). GONE if it is no longer there.
static void reopen_frame(worker *self, size_t i, int child_fd) {
  const walk_config *w = self->pool->config;
  frame *f = self->frames;
  if (child_fd >= 0) {
    if ((f[i].fd = reopen_checked(w, child_fd, "..", f[i].dir.ino)) >= 0) return;
    if (!is_gone(errno)) {
      fail(self, errno, NULL);
      f[i].fd = GONE;
      return;
    }
  }
  size_t j = i - 1;
  while (f[j].fd < 0) j--;
  for (size_t k = j + 1; k <= i; k++) {
    f[k].fd = reopen_checked(w, f[k - 1].fd, self->names + f[k].name, f[k].dir.ino);
    int err = errno;
    if (k - 1 != j && (int)(i - (k - 1)) >= self->pool->window) {  // keep only the window open
      close(f[k - 1].fd);
      f[k - 1].fd = -1;
    }
    if (f[k].fd < 0) {
      if (!is_gone(err)) fail(self, err, NULL);
      for (size_t gone = k; gone <= i; gone++) f[gone].fd = GONE;
      return;
    }
  }
}

static int push_frame(worker *self, int fd, directory dir, size_t name) {
  if (!grow((void **)&self->frames, &self->frames_cap, self->depth + 1, sizeof(frame))) return 0;
  self->frames[self->depth++] = (frame){fd, dir, name, self->npending};
  // Beyond the window, the deepest-but-`window` directory is closed (frame 0 stays open).
  size_t below = self->depth - 1;
  if (below > (size_t)self->pool->window) {
    frame *old = &self->frames[below - self->pool->window];
    if (old->fd >= 0) close(old->fd);
    old->fd = -1;
  }
  return 1;
}

// Queues a checked subdirectory for another thread while the small queue has room (so a thread that
// finishes finds work at once); returns 0 when it is full (the caller walks the directory itself).
static int hand_over(worker *self, int fd, directory dir, const char *name) {
  pool *p = self->pool;
  if (p->threads < 2 || __atomic_load_n(&p->queued, __ATOMIC_RELAXED) >= p->capacity) return 0;
  char *path = entry_path(self, name);
  if (path == NULL) return 0;
  pthread_mutex_lock(&p->lock);
  int taken = p->queued < p->capacity;
  if (taken) push_task(p, (task){fd, dir, path, NULL, 0, NULL});
  pthread_mutex_unlock(&p->lock);
  if (!taken) free(path);
  return taken;
}

// Walks one task's tree depth first.
static void walk_task(worker *self, task t) {
  self->task_path = t.path;
  self->depth = 0;
  self->npending = 0;
  self->names_len = 0;
  if (!push_frame(self, t.fd, t.dir, 0)) {
    close(t.fd);
    fail(self, ENOMEM, NULL);
    return;
  }
  read_directory(self);
  finish_directory(self);
  while (self->depth > 0) {
    frame *top = &self->frames[self->depth - 1];
    if (self->npending > top->pending && !stopped(self->pool)) {
      subdir next = self->pending[--self->npending];
      const char *name = self->names + next.name;
      if (top->fd == GONE) {
        self->count.vanished++;
        self->names_len = next.name;
        continue;
      }
      directory dir;
      int fd = open_subdir(self, top->fd, name, next.ino, &dir);
      if (fd >= 0 && !hand_over(self, fd, dir, name)) {
        if (push_frame(self, fd, dir, next.name)) {
          read_directory(self);
          finish_directory(self);
          continue;
        }
        close(fd);
        fail(self, ENOMEM, name);
      }
      self->names_len = next.name;
      continue;
    }
    // Done with the top directory: back to its parent.
    self->npending = top->pending;
    if (self->depth > 1 && self->frames[self->depth - 2].fd == -1 && !stopped(self->pool)) reopen_frame(self, self->depth - 2, top->fd);
    if (top->fd >= 0) close(top->fd);
    self->names_len = top->name;
    self->depth--;
  }
  // After a failure, directories below the window may still be closed: nothing else to release.
  for (size_t i = 0; i < self->depth; i++) {
    if (self->frames[i].fd >= 0) close(self->frames[i].fd);
  }
  self->depth = 0;
}

static void *run_worker(void *arg) {
  worker *self = arg;
  pool *p = self->pool;
  pthread_mutex_lock(&p->lock);
  for (;;) {
    while (p->queued == 0 && p->busy > 0 && !p->stop) pthread_cond_wait(&p->wake, &p->lock);
    if (p->queued == 0 || p->stop) break;  // nothing queued and nobody who could queue more: done
    task t = p->queue[p->queued - 1];
    __atomic_store_n(&p->queued, p->queued - 1, __ATOMIC_RELAXED);
    p->busy++;
    pthread_mutex_unlock(&p->lock);
    if (t.names != NULL) {
      run_batch(self, t);
    } else {
      walk_task(self, t);
      free(t.path);
    }
    pthread_mutex_lock(&p->lock);
    if (--p->busy == 0 && p->queued == 0) pthread_cond_broadcast(&p->wake);
  }
  pthread_cond_broadcast(&p->wake);
  pthread_mutex_unlock(&p->lock);
  return NULL;
}

// ---- the fd budget --------------------------------------------------------------------------------

static long open_fd_count(void) {
  int dir = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return -1;
  char buf[4096];
  long count = 0, n;
  while ((n = syscall(SYS_getdents64, dir, buf, sizeof buf)) > 0) {
    for (long off = 0; off < n;) {
      struct linux_dirent64 *entry = (struct linux_dirent64 *)(buf + off);
      off += entry->d_reclen;
      if (entry->d_name[0] != '.') count++;
    }
  }
  close(dir);
  return count;
}

// Threads and window so that every fd the walk may hold fits under RLIMIT_NOFILE with room to spare
// for Node: per thread its window, the task's root, one entry and one reopened parent; plus the queue.
static int plan_threads(int *threads, int *window, int *capacity) {
  struct rlimit limit;
  long open_now = open_fd_count();
  if (open_now < 0) open_now = 64;  // no /proc: a generous guess (Node holds about 20)
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  long spare = (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur > 1 << 20 ? 1 << 20 : (long)limit.rlim_cur) - open_now - 16;
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  *threads = cores < 1 ? 1 : cores > MAX_THREADS ? MAX_THREADS : (int)cores;
  *window = MAX_WINDOW;
  for (;;) {
    *capacity = 2 * *threads;
    if ((long)*threads * (*window + 3) + *capacity <= spare) return 1;
    if (*window > 4) *window /= 2;
    else if (*threads > 1) (*threads)--;
    else if (*window > 1) (*window)--;
    else return 0;
  }
}

// ---- the call -------------------------------------------------------------------------------------

static void add(counters *total, const counters *c) {
  total->seen += c->seen;
  total->changed += c->changed;
  total->symlinks += c->symlinks;
  total->hardlinks += c->hardlinks;
  total->mounts += c->mounts;
  total->devices += c->devices;
  total->vanished += c->vanished;
}

typedef struct {
  counters count;
  int err;
  char *path;  // the entry that failed, relative to PATH ("" for PATH itself)
} chown_result;

typedef struct {
  int threads, window, capacity;
} plan;

static void walk_tree(const walk_config *config, const plan *plan, task root, chown_result *result) {
  int threads = plan->threads, window = plan->window, capacity = plan->capacity;
  pool p = {.config = config, .capacity = capacity, .window = window, .threads = threads};
  p.queue = malloc(sizeof(task) * (size_t)capacity);
  worker workers[MAX_THREADS];
  memset(workers, 0, sizeof workers);
  int ready = p.queue != NULL;
  for (int i = 0; i < threads && ready; i++) {
    workers[i].pool = &p;
    ready = (workers[i].buffer = malloc(DIRENT_BUFFER)) != NULL;
  }
  if (!ready) {
    close(root.fd);
    free(root.path);
    result->err = ENOMEM;
  } else {
    p.queue[p.queued++] = root;
    claim(&p.claimed, root.dir.ino);
    pthread_mutex_init(&p.lock, NULL);
    pthread_cond_init(&p.wake, NULL);
    pthread_t ids[MAX_THREADS];
    int started[MAX_THREADS] = {0};
    for (int i = 1; i < threads; i++) started[i] = pthread_create(&ids[i], NULL, run_worker, &workers[i]) == 0;
    run_worker(&workers[0]);
    for (int i = 1; i < threads; i++) {
      if (started[i]) pthread_join(ids[i], NULL);
    }
    for (int i = 0; i < p.queued; i++) {  // left after a failure
      close(p.queue[i].fd);
      free(p.queue[i].path);
      free(p.queue[i].names);
    }
    pthread_mutex_destroy(&p.lock);
    pthread_cond_destroy(&p.wake);
    free(p.claimed.slots);
    result->err = p.err;
    result->path = p.err_path;
  }
  for (int i = 0; i < threads; i++) {
    add(&result->count, &workers[i].count);
    free(workers[i].buffer);
    free(workers[i].frames);
    free(workers[i].pending);
    free(workers[i].names);
    free(workers[i].batch);
  }
  free(p.queue);
}

// PATH itself (an O_PATH fd from resolvePath): a directory is walked, anything else changed alone.
static void chown_path(int fd, const walk_config *w, chown_result *result) {
  counters *c = &result->count;
  struct statx st;
  if (stat_at(fd, "", AT_EMPTY_PATH, &st) != 0) {
    result->err = errno;
    return;
  }
  c->seen = 1;
  if (!S_ISDIR(st.stx_mode)) {
    if (!needs_change(w, &st)) return;
    if (is_device(&st)) c->devices++;
    else if (is_shared_file(w, &st)) c->hardlinks++;
    else if (fchownat(fd, "", w->uid, w->gid, AT_EMPTY_PATH) == 0) c->changed++;
    else result->err = errno;
    return;
  }
  // Everything that can fail before a change is checked first: nothing is changed for a walk that
  // could not even start.
  plan plan;
  if (!plan_threads(&plan.threads, &plan.window, &plan.capacity)) {
    result->err = EMFILE;
    return;
  }
  int dir = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC);
  char *path = strdup("");
  if (dir < 0 || path == NULL) {
    result->err = dir < 0 ? errno : ENOMEM;
    if (dir >= 0) close(dir);
    free(path);
    return;
  }
  walk_tree(w, &plan, (task){dir, directory_of(w, &st), path, NULL, 0, NULL}, result);
}

// chownTree(fd, uid, gid, allowHardlinks)
//   -> { errno, path, seen, changed, symlinks, hardlinks, mounts, devices, vanished }
napi_value js_chown_tree(napi_env env, napi_callback_info info) {
  napi_value args[4];
  int32_t fd;
  uint32_t uid, gid;
  bool allow_hardlinks;
  if (!get_args(env, info, 4, args) || napi_get_value_int32(env, args[0], &fd) != napi_ok || !get_id(env, args[1], &uid) || !get_id(env, args[2], &gid) ||
      napi_get_value_bool(env, args[3], &allow_hardlinks) != napi_ok) {
    return throw_bad_args(env);
  }
  chown_result result = {{0}, 0, NULL};
  struct statx st;
  if (stat_at(fd, "", AT_EMPTY_PATH, &st) != 0) {
    result.err = errno;
  } else {
    walk_config w = {uid, gid, st.stx_dev_major, st.stx_dev_minor, st.stx_mnt_id, allow_hardlinks};
    chown_path(fd, &w, &result);
  }
  napi_value object, path;
  napi_create_object(env, &object);
  napi_set_named_property(env, object, "errno", make_int(env, result.err));
  napi_create_string_utf8(env, result.path ? result.path : "", NAPI_AUTO_LENGTH, &path);
  napi_set_named_property(env, object, "path", path);
  free(result.path);
  const counters *c = &result.count;
  const char *names[] = {"seen", "changed", "symlinks", "hardlinks", "mounts", "devices", "vanished"};
  const int64_t values[] = {c->seen, c->changed, c->symlinks, c->hardlinks, c->mounts, c->devices, c->vanished};
  for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) napi_set_named_property(env, object, names[i], make_int(env, values[i]));
  return object;
}
