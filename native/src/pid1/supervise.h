// Supervise mode, the life of PID 1 once the service runs: forward every signal, reap every child, and
// when the service has ended stop what is left (TERM, then KILL after the grace period).
#pragma once
#include <stddef.h>

typedef struct {
  int grace_ms;       // between TERM and KILL for what is left once the service has ended
  int single_child;   // --single-child: no session of its own; signals go to the child only
  int rewrite[65];    // --rewrite, by received signal: what is sent instead (0 drops it); -1 unchanged
  int exit_map[256];  // --exit-code-map, by the service's code: node-init's exit code; -1 unchanged
} supervise_settings;

// What --rewrite, --exit-code-map and the rest leave alone: the plain init's settings.
void default_supervise_settings(supervise_settings *settings);
// Runs `argv` as the service to the end; returns node-init's exit code. Every signal must be blocked.
int supervise(char **argv, const supervise_settings *settings);
