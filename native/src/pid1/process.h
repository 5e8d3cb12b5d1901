// The process-level pieces of PID 1: the clean signal state a service (or the planner) starts with, and
// the controlling terminal. All async-signal-safe: they run in forked children too.
#pragma once
#include <stdbool.h>

// Every signal disposition to its default (an ignored one would survive execve).
void reset_signal_dispositions(void);
// An empty signal mask (a blocked one would survive execve).
void clear_signal_mask(void);
// True when this process leads its session (PID 1 of `docker run -it`, for instance).
bool leads_session(void);
// Leaves the controlling terminal of a session this process does not lead: a non-leader's TIOCNOTTY
// signals nobody. Returns errno; 0 also when there was none.
int leave_controlling_terminal(void);
// As the session leader that owns the terminal on fd 0, gives it up so that a child's new session can
// take it (SIGHUP to our own group meanwhile is ignored). Returns errno; ENOTTY when not that leader.
int give_up_own_terminal(void);
// Closes every fd >= first (close_range, or what /proc/self/fd lists, or every number up to the limit).
void close_fds_from(int first);
// Closes every fd >= 3 but keep_a and keep_b.
void close_all_but(int keep_a, int keep_b);
