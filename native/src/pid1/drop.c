// See drop.h.
#include "drop.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"

// With --cap-add: drops every capability but `keep` from the bounding set, so no execve (setuid-root or
// file-capability binaries included) can bring another back. Needs CAP_SETPCAP: before the uid change.
// Without --cap-add the bounding set stays as the runtime gave it, as with gosu: a setuid-root program
// the image holds still runs as root for the service; --no-new-privs is what forbids that.
static int limit_bounding_set(uint64_t keep) {
  for (int cap = 0; cap < 64 && prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++) {
    if (!(keep & (UINT64_C(1) << cap)) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0) return -1;
  }
  return 0;
}

// Permitted, effective and inheritable become exactly `caps` (raw capset, version 3), then the ambient
// set too: ambient capabilities are what a non-root program keeps across execve. Also empties the
// inheritable set a caller may have handed down (old Docker versions did, CVE-2022-24769).
static int set_capabilities(uint64_t caps) {
  struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct data[2];
  for (int i = 0; i < 2; i++) {
    uint32_t word = (uint32_t)(caps >> (32 * i));
    data[i].effective = word;
    data[i].permitted = word;
    data[i].inheritable = word;
  }
  if (syscall(SYS_capset, &header, data) != 0) return -1;
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0) return -1;
  for (int cap = 0; cap < 64; cap++) {
    if ((caps & (UINT64_C(1) << cap)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) != 0) return -1;
  }
  return 0;
}

// The value after "Name:\t" in /proc/self/status (copied into `out`), or NULL.
static char *status_field(const char *status, const char *name, char *out, size_t size) {
  size_t length = strlen(name);
  out[0] = '\0';
  for (const char *line = status; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
    if (strncmp(line, name, length) == 0 && line[length] == ':') {
      const char *value = line + length + 1;
      while (*value == '\t' || *value == ' ') value++;
      size_t n = strcspn(value, "\n");
      if (n >= size) n = size - 1;
      memcpy(out, value, n);
      out[n] = '\0';
      return out;
    }
  }
  return NULL;
}

static int read_status(char *buffer, size_t size) {
  FILE *file = fopen("/proc/self/status", "re");
  if (file == NULL) return -1;
  size_t n = fread(buffer, 1, size - 1, file);
  fclose(file);
  buffer[n] = '\0';
  return 0;
}

static int all_ids_are(const char *field, unsigned id) {
  unsigned ids[4];
  return sscanf(field, "%u %u %u %u", &ids[0], &ids[1], &ids[2], &ids[3]) == 4 && ids[0] == id && ids[1] == id && ids[2] == id && ids[3] == id;
}

static int listed(gid_t gid, const gid_t *groups, size_t count) {
  for (size_t i = 0; i < count; i++) {
    if (groups[i] == gid) return 1;
  }
  return 0;
}

// The kernel's supplementary groups and the plan's are the same set.
static int same_groups(const char *field, const gid_t *groups, size_t count) {
  static gid_t held[65536];  // NGROUPS_MAX
  size_t n = 0;
  for (const char *p = field; *p && n < sizeof held / sizeof *held;) {
    char *end;
    unsigned long gid = strtoul(p, &end, 10);
    if (end == p) return 0;
    held[n++] = (gid_t)gid;
    p = end;
    while (*p == ' ') p++;
  }
  for (size_t i = 0; i < n; i++) {
    if (!listed(held[i], groups, count)) return 0;
  }
  for (size_t i = 0; i < count; i++) {
    if (!listed(groups[i], held, n)) return 0;
  }
  return 1;
}

// Every difference between what the kernel reports and the plan; "" when the drop is exact.
static void mismatches(const plan *p, char *problems, size_t size) {
  // Static: up to 65536 groups make a long Groups line; pages not touched cost nothing.
  static char status[1 << 20], field[1 << 20];
  problems[0] = '\0';
  size_t n = 0;
#define PROBLEM(...) n += (size_t)snprintf(problems + n, n < size ? size - n : 0, __VA_ARGS__)
  if (read_status(status, sizeof status) != 0) {
    PROBLEM("/proc/self/status cannot be read");
    return;
  }
  if (!status_field(status, "Uid", field, sizeof field) || !all_ids_are(field, p->uid)) PROBLEM("uids %s; ", field);
  if (!status_field(status, "Gid", field, sizeof field) || !all_ids_are(field, p->gid)) PROBLEM("gids %s; ", field);
  if (!status_field(status, "Groups", field, sizeof field) || !same_groups(field, p->groups, p->ngroups)) PROBLEM("groups %.200s; ", field);
  if (p->uid != 0) {
    const char *sets[] = {"CapEff", "CapPrm", "CapInh", "CapAmb"};
    for (size_t i = 0; i < 4; i++) {
      if (!status_field(status, sets[i], field, sizeof field) || strtoull(field, NULL, 16) != p->caps) PROBLEM("%s %s instead of %llx; ", sets[i], field, (unsigned long long)p->caps);
    }
    if (p->caps != 0 && (!status_field(status, "CapBnd", field, sizeof field) || strtoull(field, NULL, 16) != p->caps)) PROBLEM("CapBnd %s; ", field);
    errno = 0;
    if (setuid(0) == 0) PROBLEM("setuid(0) succeeded after the drop; ");
    else if (errno != EPERM) PROBLEM("setuid(0) failed with errno %d instead of EPERM; ", errno);
  }
#undef PROBLEM
}

int drop_privileges(const plan *p) {
  const char *step = "setgroups";
  int ok = setgroups(p->ngroups, p->groups) == 0 && (step = "setresgid", setresgid(p->gid, p->gid, p->gid) == 0);
  if (ok && p->caps != 0) {
    // While still root (CAP_SETPCAP): no later execve can bring back a capability that was not listed.
    ok = (step = "limiting the bounding set", limit_bounding_set(p->caps) == 0) && (step = "PR_SET_KEEPCAPS", prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) == 0);
  }
  ok = ok && (step = "setresuid", setresuid(p->uid, p->uid, p->uid) == 0);
  if (ok && p->uid != 0) {
    // The uid change emptied the permitted set (or, with KEEPCAPS, left root's): keep the listed ones.
    ok = (step = "setting the capabilities", set_capabilities(p->caps) == 0);
    if (ok && p->caps != 0) ok = (step = "PR_SET_KEEPCAPS", prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) == 0);
  }
  if (!ok) {
    log_line(LOG_ERROR, "cannot switch to uid %u gid %u: %s failed (errno %d); nothing was started", (unsigned)p->uid, (unsigned)p->gid, step, errno);
    return 125;
  }
  char problems[2048];
  mismatches(p, problems, sizeof problems);
  if (problems[0]) {
    size_t length = strlen(problems);
    if (length >= 2) problems[length - 2] = '\0';  // the last "; "
    log_line(LOG_ERROR, "the privilege drop to %u:%u did not hold: %s; nothing was started", (unsigned)p->uid, (unsigned)p->gid, problems);
    return 125;
  }
  return 0;
}

int forbid_new_privileges(void) {
  char status[8192], field[64];
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    log_line(LOG_ERROR, "cannot set no_new_privs: errno %d; nothing was started", errno);
    return 125;
  }
  if (read_status(status, sizeof status) != 0 || !status_field(status, "NoNewPrivs", field, sizeof field) || strcmp(field, "1") != 0) {
    log_line(LOG_ERROR, "no_new_privs did not hold: /proc/self/status shows NoNewPrivs 0 after setting it; nothing was started");
    return 125;
  }
  return 0;
}
