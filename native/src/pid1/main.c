// node-init's PID 1 program, the life of PID 1 top to bottom.
//
// 1. From its first instruction every signal is blocked: a signal sent to PID 1 before it has a handler
//    would be dropped by the kernel (default action), a blocked one waits. (Node, as PID 1, reset the mask
//    and dispositions while it booted and lost a `docker stop` that came early.) Before that instruction
//    nothing can help, for any init: from the moment the exec resets the dispositions (/proc/PID/exe
//    already names the new program) to the first sigprocmask, the kernel drops a default-action signal
//    sent to a namespace's PID 1, the mask being whatever the runtime passed. Measured here: a SIGTERM
//    sent as soon as /proc/PID/exe changed was lost 78 times in 100, dynamic or static build alike;
//    sent once /proc/PID/status shows SigBlk, 0 in 100 (test/pid1.test.ts waits for the same).
// 2. Nothing to plan: `node-init -- COMMAND` or `node-init COMMAND`, with no option and no NODE_INIT_*
//    variable, is the plain init of `docker run --init`: PID 1 supervises at once, without Node.
// 3. Anything else (a user to switch to, setup steps, any option) is node-init's TypeScript, run by Node
//    in this process's place (launch.c).
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "launch.h"
#include "log.h"
#include "supervise.h"

extern char **environ;

// Where the command starts in argv when there is nothing to plan, else 0.
static int plain_command(int argc, char **argv) {
  for (char **entry = environ; *entry; entry++) {
    if (strncmp(*entry, "NODE_INIT_", 10) == 0) return 0;
  }
  int first = argc > 1 && strcmp(argv[1], "--") == 0 ? 2 : 1;
  if (first >= argc || argv[first][0] == '\0') return 0;  // no command, or an empty one: the planner says so
  if (first == 1 && argv[1][0] == '-' && argv[1][1] != '\0') return 0;  // an option ("-" alone is a command)
  return first;
}

int main(int argc, char **argv) {
  sigset_t all, original;
  sigfillset(&all);
  sigprocmask(SIG_SETMASK, &all, &original);
  log_setup(LOG_WARN, isatty(STDERR_FILENO));
  int first = plain_command(argc, argv);
  if (first > 0) {
    const supervise_settings defaults = {5000};
    return supervise(argv + first, &defaults);
  }
  return launch_node(argc, argv, &original);
}
