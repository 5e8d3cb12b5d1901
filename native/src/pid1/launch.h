// Everything but the plain case goes to node-init's TypeScript (the bundle), run by Node in this
// process's place, as the shell launcher did.
#pragma once
#include <signal.h>

// Execs Node with the bundle and node-init's arguments; returns only on failure (an exit code, after
// one log line). `original_mask`: the signal mask node-init was started with, given back to Node.
int launch_node(int argc, char **argv, const sigset_t *original_mask);
