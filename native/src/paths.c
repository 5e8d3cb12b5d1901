// Reaching a path as root without letting anyone else redirect it: the path is walked from "/" one
// component at a time with O_NOFOLLOW, and the caller gets an O_PATH fd of the final component, so every
// later check and change is made on that very inode, never through a path string.
//
// A directory on the way decides what its entries are. So each one must be owned by root (or by one
// uid the caller trusts, see resolve_options.trusted) and, if group or others may write it, have the
// sticky bit, under which nobody else can rename or remove root's entries (like /tmp). With `strict`
// even a sticky writable directory is refused (--config: nobody else may add a file next to it).
#include "paths.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "dirent64.h"
#include "napi_util.h"

#ifndef STATX_MNT_ID
#define STATX_MNT_ID 0x00001000U
#endif

enum { OK = 0, SYMLINK, NOT_ROOT_OWNED, WRITABLE, MISSING, NOT_DIRECTORY, FAILED };
static const char *const REASONS[] = {"", "symlink", "not-root-owned", "writable", "missing", "not-directory", "failed"};

// trusted: -1 root only; a uid: root or that uid; ANY_ONE_UID: root or one other uid, whichever comes
// first (reported in way_owner), for --user-from, whose user is only known at the end of the walk.
#define ANY_ONE_UID (-2)

typedef struct {
  int create;  // make missing directories (mode, then handed to uid:gid); the final one must be a directory
  mode_t mode;
  uid_t uid;
  gid_t gid;
  int64_t trusted;
  int strict;
} resolve_options;

typedef struct {
  int fd;             // O_PATH fd of the final component, or -1
  int err;            // errno of the failing call (FAILED), else 0
  int reason;         // one of the enum above
  size_t at;          // length of the path prefix where the walk stopped
  int created;        // directories made (create)
  int64_t way_owner;  // NOT_ROOT_OWNED: the owner found; else the non-root owner accepted on the way, or -1
  int mount_root;     // the final component is the root of a mount (it cannot be renamed or replaced)
} resolution;

static resolution stop(resolution r, int dir, int reason, int err) {
  if (dir >= 0) close(dir);
  r.fd = -1;
  r.reason = reason;
  r.err = err;
  return r;
}

// Why a directory on the way cannot be trusted (OK if it can); may fix r->way_owner.
static int check_way(const struct stat *st, const resolve_options *o, resolution *r) {
  if (st->st_uid != 0) {
    int trusted = (o->trusted >= 0 && st->st_uid == (uid_t)o->trusted) ||
                  (o->trusted == ANY_ONE_UID && (r->way_owner < 0 || r->way_owner == (int64_t)st->st_uid));
    r->way_owner = st->st_uid;
    if (!trusted) return NOT_ROOT_OWNED;
  }
  if ((st->st_mode & (S_IWGRP | S_IWOTH)) && (o->strict || !(st->st_mode & S_ISVTX))) return WRITABLE;
  return OK;
}

// True when the directory `fd` (opened O_RDONLY) holds nothing but "." and "..".
static int is_empty_directory(int fd) {
  char buf[256];
  long n;
  while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
    for (long off = 0; off < n;) {
      struct linux_dirent64 *entry = (struct linux_dirent64 *)(buf + off);
      off += entry->d_reclen;
      const char *name = entry->d_name;
      if (!(name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0')))) return 0;
    }
  }
  return n == 0;
}

// Opens `name` in `dir` (not following a symlink), creating it as a directory when asked and missing.
// *made is set when this call created it: it is then handed to uid:gid, but only if what is there now
// is still an empty root-owned directory. Where the user may write `dir`, it could have renamed one of
// root's directories over the new one meanwhile: that one, or someone else's, is left as it is and
// checked like any existing one.
static int open_component(int dir, const char *name, const resolve_options *o, int *made) {
  *made = 0;
  int fd = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (fd >= 0 || errno != ENOENT || !o->create) return fd;
  if (mkdirat(dir, name, o->mode) != 0) {
    if (errno != EEXIST) return -1;
    return openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  }
  fd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return errno == ENOTDIR || errno == ELOOP ? openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC) : -1;
  struct stat st;
  if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == 0 && is_empty_directory(fd)) {
    if (fchown(fd, o->uid, o->gid) != 0) {
      int e = errno;
      close(fd);
      errno = e;
      return -1;
    }
    *made = 1;
  }
  return fd;
}

// The mount id of an open fd (statx STATX_MNT_ID, Linux 5.8+), or 0 when the kernel cannot tell.
static uint64_t mount_id(int fd) {
  struct statx stx;
  if (syscall(SYS_statx, fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) != 0 || !(stx.stx_mask & STATX_MNT_ID)) return 0;
  return stx.stx_mnt_id;
}

static resolution resolve(const char *path, const resolve_options *o) {
  resolution r = {-1, 0, OK, 0, 0, -1, 0};
  int dir = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return stop(r, -1, FAILED, errno);
  struct stat st;
  if (fstat(dir, &st) != 0) return stop(r, dir, FAILED, errno);
  const char *p = path;
  while (*p == '/') p++;
  if (*p == '\0') {  // "/" itself
    r.fd = dir;
    return r;
  }
  char name[4096];
  int made = 0;
  for (;;) {
    // `dir` is a directory on the way: decide whether it can be trusted with what is below it. One
    // this walk just made is the user's, with the umask's mode, and was empty: whatever appears in
    // it meanwhile is checked as it is met.
    int why = made ? OK : check_way(&st, o, &r);
    if (why != OK) return stop(r, dir, why, 0);

    const char *end = strchr(p, '/');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    r.at = (size_t)(p - path) + len;
    if (len >= sizeof name) return stop(r, dir, FAILED, ENAMETOOLONG);
    memcpy(name, p, len);
    name[len] = '\0';
    const char *rest = p + len;
    while (*rest == '/') rest++;
    int last = *rest == '\0';
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) return stop(r, dir, FAILED, EINVAL);  // the path must be plain

    int next = open_component(dir, name, o, &made);
    if (next < 0) return stop(r, dir, errno == ENOENT ? MISSING : FAILED, errno);
    if (last) {
      uint64_t parent = mount_id(dir), own = mount_id(next);
      r.mount_root = parent != 0 && own != 0 && parent != own;
    }
    close(dir);
    dir = next;
    if (fstat(dir, &st) != 0) return stop(r, dir, FAILED, errno);
    if (S_ISLNK(st.st_mode)) return stop(r, dir, SYMLINK, 0);
    if ((!last || o->create) && !S_ISDIR(st.st_mode)) return stop(r, dir, NOT_DIRECTORY, 0);
    r.created += made;
    if (last) break;
    p = rest;
  }
  r.fd = dir;
  return r;
}

// resolvePath(path, create, mode, uid, gid, trusted, strict)
//   -> { fd, errno, reason, at, created, wayOwner, mountRoot }
napi_value js_resolve_path(napi_env env, napi_callback_info info) {
  napi_value args[7];
  bool create, strict;
  uint32_t mode, uid, gid;
  int64_t trusted;
  if (!get_args(env, info, 7, args) || napi_get_value_bool(env, args[1], &create) != napi_ok || napi_get_value_uint32(env, args[2], &mode) != napi_ok ||
      !get_id(env, args[3], &uid) || !get_id(env, args[4], &gid) || napi_get_value_int64(env, args[5], &trusted) != napi_ok || trusted < ANY_ONE_UID ||
      napi_get_value_bool(env, args[6], &strict) != napi_ok) {
    return throw_bad_args(env);
  }
  char *path = get_string(env, args[0]);
  if (path == NULL || path[0] != '/') {
    free(path);
    return throw_bad_args(env);
  }
  resolve_options o = {create, (mode_t)mode, uid, gid, trusted, strict};
  resolution r = resolve(path, &o);
  free(path);
  napi_value result, reason;
  napi_create_object(env, &result);
  napi_set_named_property(env, result, "fd", make_int(env, r.fd));
  napi_set_named_property(env, result, "errno", make_int(env, r.err));
  napi_create_string_utf8(env, REASONS[r.reason], NAPI_AUTO_LENGTH, &reason);
  napi_set_named_property(env, result, "reason", reason);
  napi_set_named_property(env, result, "at", make_int(env, (int64_t)r.at));
  napi_set_named_property(env, result, "created", make_int(env, r.created));
  napi_set_named_property(env, result, "wayOwner", make_int(env, r.way_owner));
  napi_set_named_property(env, result, "mountRoot", make_int(env, r.mount_root));
  return result;
}
