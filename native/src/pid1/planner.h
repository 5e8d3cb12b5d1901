// Everything but the plain case is planned by node-init's TypeScript (the bundle), run by Node as a
// short-lived child of PID 1: it parses, resolves the user, runs the setup steps as root, and reports a
// plan over a private pipe (plan.h). PID 1 keeps every signal, its environment and its fds meanwhile.
#pragma once
#include <signal.h>

#include "plan.h"

// Runs the planner to its end. Returns -1 with the plan in *out (pointing into *data), or node-init's
// exit code: the planner's own (it logged why; 0 after --help), 125 (one log line), or 128+N when
// SIGTERM, SIGINT or SIGQUIT arrived while it planned (the planner is then killed, nothing started).
// `original_mask`: the mask node-init was started with, given to Node.
int run_planner(int argc, char **argv, const sigset_t *original_mask, plan *out, char **data);
