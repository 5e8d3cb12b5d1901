// Supervise mode, the life of PID 1 once the service runs: forward every signal, reap every child, and
// when the service has ended stop what is left (TERM, then KILL after the grace period).
#pragma once

typedef struct {
  int grace_ms;  // between TERM and KILL for what is left once the service has ended
} supervise_settings;

// Runs `argv` as the service to the end; returns node-init's exit code. Every signal must be blocked.
int supervise(char **argv, const supervise_settings *settings);
