// See plan.h. The keys and their values are written by src/plan.ts.
#include "plan.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

static int number(const char *text, long low, long high, long *out) {
  if (*text < '0' || *text > '9') return 0;  // digits only: no sign, no space
  char *end;
  errno = 0;
  long value = strtol(text, &end, 10);
  if (*end != '\0' || errno != 0 || value < low || value > high) return 0;
  *out = value;
  return 1;
}

static int pair(const char *text, int_pair *out) {
  const char *colon = strchr(text, ':');
  if (colon == NULL) return 0;
  char from[16];
  size_t length = (size_t)(colon - text);
  if (length == 0 || length >= sizeof from) return 0;
  memcpy(from, text, length);
  from[length] = '\0';
  long a, b;
  if (!number(from, 0, 255, &a) || !number(colon + 1, 0, 255, &b)) return 0;
  *out = (int_pair){(int)a, (int)b};
  return 1;
}

// Room for one more element in a growable array holding `count` (capacity doubles): the array, moved
// or not, or NULL when out of memory.
static void *grow(void *array, size_t count, size_t size) {
  if (count != 0 && (count & (count - 1)) != 0) return array;  // 0, 1, 2, 4, 8…: full
  return realloc(array, (count ? count * 2 : 1) * size);
}
#define APPEND(array, count) (((array) = grow((array), (count), sizeof *(array))) != NULL && ((count)++, 1))

int parse_plan(char *data, size_t size, plan *out) {
  memset(out, 0, sizeof *out);
  out->umask = -1;
  out->grace_ms = 5000;
  out->log_level = 40;
  size_t nargv = 0;
  int has_mode = 0, has_uid = 0, has_gid = 0, ended = 0;
  char *p = data, *end = data + size;
  while (p < end && !ended) {
    char *key = p, *key_end = memchr(p, '\0', (size_t)(end - p));
    if (key_end == NULL) return -1;
    char *value = key_end + 1, *value_end = value < end ? memchr(value, '\0', (size_t)(end - value)) : NULL;
    if (value_end == NULL) return -1;
    p = value_end + 1;
    long n;
    if (strcmp(key, "end") == 0) {
      ended = 1;
    } else if (strcmp(key, "mode") == 0) {
      if (strcmp(value, "exec") != 0 && strcmp(value, "supervise") != 0) return -1;
      out->exec_mode = value[0] == 'e';
      has_mode = 1;
    } else if (strcmp(key, "arg") == 0) {
      if (!APPEND(out->argv, nargv)) return -1;
      out->argv[nargv - 1] = value;
    } else if (strcmp(key, "uid") == 0) {
      if (!number(value, 0, INT_MAX, &n)) return -1;
      out->uid = (uid_t)n;
      has_uid = 1;
    } else if (strcmp(key, "gid") == 0) {
      if (!number(value, 0, INT_MAX, &n)) return -1;
      out->gid = (gid_t)n;
      has_gid = 1;
    } else if (strcmp(key, "group") == 0) {
      if (!number(value, 0, INT_MAX, &n) || !APPEND(out->groups, out->ngroups)) return -1;
      out->groups[out->ngroups - 1] = (gid_t)n;
    } else if (strcmp(key, "switched-line") == 0) {
      out->switched_line = value;
    } else if (strcmp(key, "cap") == 0) {
      if (!number(value, 0, 63, &n)) return -1;
      out->caps |= UINT64_C(1) << n;
    } else if (strcmp(key, "no-new-privs") == 0) {
      if (strcmp(value, "1") != 0) return -1;
      out->no_new_privs = 1;
    } else if (strcmp(key, "umask") == 0) {
      char *digits_end;
      long mask = strtol(value, &digits_end, 8);
      if (*value < '0' || *value > '7' || *digits_end != '\0' || mask < 0 || mask > 0777) return -1;
      out->umask = (int)mask;
    } else if (strcmp(key, "pdeathsig") == 0) {
      if (!number(value, 1, 64, &n)) return -1;
      out->pdeathsig = (int)n;
    } else if (strcmp(key, "single-child") == 0) {
      if (strcmp(value, "1") != 0) return -1;
      out->single_child = 1;
    } else if (strcmp(key, "rewrite") == 0) {
      if (!APPEND(out->rewrite, out->nrewrite) || !pair(value, &out->rewrite[out->nrewrite - 1])) return -1;
    } else if (strcmp(key, "grace-ms") == 0) {
      if (!number(value, 0, INT_MAX, &n)) return -1;
      out->grace_ms = (int)n;
    } else if (strcmp(key, "exit-code-map") == 0) {
      if (!APPEND(out->exit_map, out->nexit_map) || !pair(value, &out->exit_map[out->nexit_map - 1])) return -1;
    } else if (strcmp(key, "log-level") == 0) {
      if (!number(value, 20, 60, &n)) return -1;
      out->log_level = (int)n;
    } else if (strcmp(key, "log-format") == 0) {
      if (strcmp(value, "pretty") != 0 && strcmp(value, "json") != 0) return -1;
      out->log_pretty = value[0] == 'p';
    } else if (strcmp(key, "env") == 0) {
      if (strchr(value, '=') == NULL || value[0] == '=' || !APPEND(out->env, out->nenv)) return -1;
      out->env[out->nenv - 1] = value;
    } else {
      return -1;  // a key this PID 1 does not know: a planner from another version
    }
  }
  if (!ended || p != end || !has_mode || nargv == 0 || has_uid != has_gid) return -1;
  // What only a switch of user uses, without one: a plan from a confused planner.
  if (!has_uid && (out->ngroups || out->caps || out->nenv || out->switched_line)) return -1;
  char **argv = realloc(out->argv, (nargv + 1) * sizeof(char *));
  if (argv == NULL) return -1;
  argv[nargv] = NULL;
  out->argv = argv;
  out->switch_user = has_uid;
  return 0;
}
