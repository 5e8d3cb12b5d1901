// Signal names as node-init's TypeScript writes them (src/signals.ts): SIGTERM, SIGRTMIN+3, "signal N".
#pragma once
#include <stddef.h>

// The name of `sig`, in `buffer` when it has to be built.
const char *signal_name(int sig, char *buffer, size_t size);
