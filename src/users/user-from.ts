// --user-from PATH: the service runs as PATH's owner, so files it writes into a mounted workspace belong
// to the host user. Name, HOME and groups follow the uid:gid spec rules (resolve.ts).
import { lstatSync } from 'node:fs';
import { NodeInitError } from '../errors.js';

export function ownerOf(path: string): { uid: number; gid: number } {
  let stats;
  try {
    stats = lstatSync(path);
  } catch (error) {
    throw new NodeInitError(`--user-from ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : (error as Error).message}`);
  }
  if (stats.isSymbolicLink()) throw new NodeInitError(`--user-from ${path}: it is a symlink; name the directory itself`);
  if (stats.uid === 0) throw new NodeInitError(`--user-from ${path}: it is owned by root, which would run the command as root; give --user instead`);
  return { uid: stats.uid, gid: stats.gid };
}
