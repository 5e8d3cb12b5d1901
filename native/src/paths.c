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
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "napi_util.h"

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

// Opens `name` in `dir` (O_PATH, not following a symlink), creating it as a directory when asked and
// missing. *made is set when this call created it: it is then handed to uid:gid, and only if what was
// opened is still the root-owned directory just made (someone else's directory that appeared meanwhile
// is left as it is and checked like any existing one).
static int open_component(int dir, const char *name, const resolve_options *o, int *made) {
  *made = 0;
  int fd = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (fd >= 0 || errno != ENOENT || !o->create) return fd;
  if (mkdirat(dir, name, o->mode) != 0) {
    if (errno != EEXIST) return -1;
    return openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  }
  fd = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  struct stat st;
  if (fd >= 0 && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == 0) {
    if (fchownat(fd, "", o->uid, o->gid, AT_EMPTY_PATH) != 0) {
      int e = errno;
      close(fd);
      errno = e;
      return -1;
    }
    *made = 1;
  }
  return fd;
}

static resolution resolve(const char *path, const resolve_options *o) {
  resolution r = {-1, 0, OK, 0, 0, -1};
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
//   -> { fd, errno, reason, at, created, wayOwner }
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
  return result;
}
