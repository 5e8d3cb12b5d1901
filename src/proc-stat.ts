// /proc/PID/stat, split after the command name (which may hold spaces and parentheses): index 0 is the
// state, 1 the parent pid, 2 the process group, 3 the session, 4 the controlling terminal (tty_nr).
import { readFileSync } from 'node:fs';

/** The fields after the command name, or undefined when the process is gone. */
export function procStat(pid: number | 'self'): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}
