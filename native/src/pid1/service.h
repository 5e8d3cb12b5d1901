// Starting the service from PID 1: fork, a clean start, the PATH lookup, exec.
#pragma once
#include <sys/types.h>

typedef struct {
  char **argv;        // the command; argv[0] is looked up on the environment's PATH
  int new_session;    // the service leads a session of its own (signals then go to its whole group)
  int take_terminal;  // with new_session: fd 0, given up by node-init, becomes its controlling terminal
                      // without: the service leaves a terminal of a session node-init does not lead
} service_spec;

// Starts the service and returns its pid. When it cannot be started, logs one line and returns -1 with
// node-init's exit code in *exit_code (127 not found, 126 cannot execute, 125 node-init's own failure).
// Before the service can look, PID 1 has left its working directory (it never keeps a mount busy) and
// closed every fd it passed on: the service starts in PID 1's former working directory with them.
pid_t start_service(const service_spec *spec, int *exit_code);
// Exec mode, right before the exec: the signals that arrived since the plan. A stop (TERM, INT, QUIT):
// returns it, and node-init ends with 128+N; others are logged and dropped. 0 when no stop came.
int take_pending_signals(void);
// Exec mode: the service replaces PID 1 (same pid), with a clean signal state and no terminal of a
// session PID 1 does not lead. Returns only on failure: node-init's exit code, after one log line.
int exec_service(char **argv);
