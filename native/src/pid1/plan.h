// The plan: what node-init's TypeScript (the planner) decided, as PID 1 receives it over a private
// pipe. A small typed message set: NUL-separated "key\0value\0" records, ending with "end\0". Whatever
// is missing or malformed makes the whole plan invalid: PID 1 never acts on half a plan.
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct {
  int from, to;
} int_pair;

typedef struct {
  int exec_mode;          // replace PID 1 with the service (gosu style), else supervise it
  char **argv;            // the command, NULL-terminated
  int switch_user;        // uid, gid and groups below are the service's
  uid_t uid;
  gid_t gid;
  gid_t *groups;
  size_t ngroups;
  const char *switched_line;  // the planner's "switched to user" log line, written once the drop held
  uint64_t caps;          // --cap-add, kept across the switch
  int no_new_privs;
  int umask;              // -1: unchanged
  int pdeathsig;          // 0: none
  int single_child;
  int_pair *rewrite;
  size_t nrewrite;
  int grace_ms;
  int_pair *exit_map;
  size_t nexit_map;
  int log_level;          // 20 debug … 50 error, 60 silent
  int log_pretty;
  char **env;             // NAME=VALUE the service gets on top of PID 1's environment (HOME, USER…)
  size_t nenv;
} plan;

// Parses `size` bytes (kept: the plan points into them). Returns 0 when they are one whole valid plan.
int parse_plan(char *data, size_t size, plan *out);
