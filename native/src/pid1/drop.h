// The drop, in the one order that works: supplementary groups and gid while still root, the uid last;
// with --cap-add the bounding set limited first and the listed capabilities kept across the uid change.
// Then the proof, from what the kernel reports. PID 1 is single-threaded: no other thread keeps root.
#pragma once
#include "plan.h"

// Becomes the plan's user for good. 0, or one log line and node-init's exit code (125).
int drop_privileges(const plan *p);
// no_new_privs, verified. 0, or one log line and 125.
int forbid_new_privileges(void);
