// stdio the user could not reopen: a service that writes to /dev/stdout reopens fd 1 through
// /proc/self/fd/1, which checks the pipe's or terminal's owner and mode (nginx's access_log /dev/stdout
// fails on a root-owned pipe). As runc does for `docker run --user`, node-init gives such fds' owner to
// the user. Only pipes, and a terminal node-init owns as session leader (its container's own console):
// never a terminal from someone else's session, nor a file.
import { fchownSync, fstatSync, type Stats } from 'node:fs';
import { procStat } from '../proc-stat.js';
import type { Logger } from '../log.js';
import type { Identity } from '../users/identity.js';

function canOpen(stats: Stats, identity: Identity, write: boolean): boolean {
  const bit = write ? 2 : 4;
  if (stats.uid === identity.uid) return ((stats.mode >> 6) & bit) !== 0;
  if (stats.gid === identity.gid || identity.groups.includes(stats.gid)) return ((stats.mode >> 3) & bit) !== 0;
  return (stats.mode & bit) !== 0;
}

/** node-init's session id and controlling terminal (device number). */
function sessionAndTerminal(): { session: number; terminal: number } {
  const fields = procStat('self') ?? [];
  return { session: Number(fields[3]), terminal: Number(fields[4]) };
}

/** `canChown`: node-init holds CAP_CHOWN; without it the step is skipped with one warning (it was not asked for). */
export function fixStdio(identity: Identity, canChown: boolean, log: Logger): void {
  let own: { session: number; terminal: number } | undefined;
  for (const fd of [0, 1, 2]) {
    let stats: Stats;
    try {
      stats = fstatSync(fd);
    } catch {
      continue;
    }
    const isPipe = stats.isFIFO();
    if (!isPipe) {
      if (!stats.isCharacterDevice()) continue;
      own ??= sessionAndTerminal();
      if (own.session !== process.pid || own.terminal !== stats.rdev) continue;
    }
    if (canOpen(stats, identity, fd !== 0)) continue;
    if (!canChown) {
      log.warn(`fd ${fd} (${isPipe ? 'pipe' : 'terminal'}) stays root's: node-init lacks CAP_CHOWN, so the service may not be able to reopen it (/dev/std*)`);
      return;
    }
    fchownSync(fd, identity.uid, stats.gid);
    log.info({ fd, uid: identity.uid }, `gave fd ${fd} (${isPipe ? 'pipe' : 'terminal'}) to uid ${identity.uid} so the service can reopen it`);
  }
}
