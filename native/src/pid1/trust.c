// See trust.h.
#include "trust.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int check(const char *path, int directory, char *why, size_t why_size) {
  struct stat st;
  if (lstat(path, &st) != 0) {
    snprintf(why, why_size, "%s: errno %d", path, errno);
    return 0;
  }
  if (st.st_uid != 0) {
    snprintf(why, why_size, "%s belongs to uid %u", path, (unsigned)st.st_uid);
    return 0;
  }
  int writable = (st.st_mode & (S_IWGRP | S_IWOTH)) != 0;
  if (writable && !(directory && (st.st_mode & S_ISVTX))) {
    snprintf(why, why_size, "%s can be written by group or others", path);
    return 0;
  }
  return 1;
}

int only_root_can_write(const char *path, char *real, size_t real_size, char *why, size_t why_size) {
  char resolved[PATH_MAX];
  if (realpath(path, resolved) == NULL) {
    snprintf(why, why_size, "%s: errno %d", path, errno);
    return 0;
  }
  snprintf(real, real_size, "%s", resolved);
  if (!check("/", 1, why, why_size)) return 0;
  char prefix[PATH_MAX];
  for (char *slash = strchr(resolved + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
    snprintf(prefix, sizeof prefix, "%.*s", (int)(slash - resolved), resolved);
    if (!check(prefix, 1, why, why_size)) return 0;
  }
  return check(resolved, 0, why, why_size);
}
