// Who the service runs as, complete (uid, gid, every group, HOME, name) before any setup step acts:
// --user or the owner of --user-from, --group-add, and the groups owning --socket-group sockets.
import { NodeInitError } from '../errors.js';
import type { Logger } from '../log.js';
import { openIfPresent, openPath, statAndClose } from '../paths/open.js';
import { loadUserDatabase } from './database.js';
import type { Identity } from './identity.js';
import { resolveIdentity, resolveOwner } from './resolve.js';

export interface TargetSettings {
  user: string | undefined;
  userFrom: string | undefined;
  groupAdd: readonly string[];
  socketGroups: readonly string[];
}

/**
 * --user-from PATH: its owner. PATH is reached like a setup step's (no symlink; directories on the way
 * root's, or the owner's own); an owner uid 0 or group 0 would hand root's power to the service.
 */
function ownerOf(path: string): { uid: number; gid: number } {
  const opened = openPath(path, { option: '--user-from', trusted: 'one' });
  const stats = statAndClose(opened.fd);
  if (opened.wayOwner >= 0 && opened.wayOwner !== stats.uid) {
    throw new NodeInitError(
      `--user-from ${path}: a directory on the way belongs to uid ${opened.wayOwner}, and ${path} to uid ${stats.uid}; the first could swap what the second owns, so name a path below directories root or uid ${stats.uid} own`,
    );
  }
  if (stats.uid === 0) throw new NodeInitError(`--user-from ${path}: it is owned by root, which would run the command as root; give --user instead`);
  if (stats.gid === 0) {
    throw new NodeInitError(`--user-from ${path}: its group is 0 (root), which would give the service root's group; chgrp it to the user's group or give --user`);
  }
  return { uid: stats.uid, gid: stats.gid };
}

/**
 * --socket-group PATH: the gid owning the socket (e.g. /run/docker.sock), or undefined (with a warning)
 * when it is not there. Reached like a setup path, so nobody else can point it at another file.
 */
function socketGroup(path: string, identity: Identity, log: Logger): number | undefined {
  const opened = openIfPresent(path, { option: '--socket-group' });
  if (opened === undefined) {
    log.warn(`--socket-group ${path}: not there; no group added`);
    return undefined;
  }
  const stats = statAndClose(opened.fd);
  if (!stats.isSocket()) throw new NodeInitError(`--socket-group ${path}: it is not a socket; name the socket whose group the service needs, e.g. /run/docker.sock`);
  if (stats.gid === 0 && identity.gid !== 0 && !identity.groups.includes(0)) {
    throw new NodeInitError(`--socket-group ${path}: the socket belongs to group 0 (root); node-init adds group 0 only when you name it too (--group-add 0)`);
  }
  log.info({ path, gid: stats.gid }, `adding group ${stats.gid} (owner of ${path})`);
  return stats.gid;
}

/** The identity to drop to, or undefined when the command runs as node-init's own user. */
export function resolveTarget(settings: TargetSettings, callerUid: number, log: Logger): Identity | undefined {
  if (settings.user === undefined && settings.userFrom === undefined) return undefined;
  const database = loadUserDatabase();
  const identity =
    settings.userFrom === undefined
      ? resolveIdentity({ spec: settings.user as string, groupAdd: settings.groupAdd, database, callerUid })
      : resolveOwner(ownerOf(settings.userFrom), settings.groupAdd, database);
  const groups = [...identity.groups];
  for (const path of settings.socketGroups) {
    const gid = socketGroup(path, identity, log);
    if (gid !== undefined && gid !== identity.gid && !groups.includes(gid)) groups.push(gid);
  }
  return { ...identity, groups };
}
