// Reading the files node-init trusts (/etc/passwd, /etc/group, --config) without ever blocking on a
// FIFO or opening a device, and, for a config read as root, only from a file nobody else could have
// written.
import { closeSync, constants, fstatSync, openSync, readFileSync, statSync, type Stats } from 'node:fs';
import { NodeInitError } from '../errors.js';
import { openPath } from './open.js';

function kind(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Reads an opened regular file, checking it is still the inode `expected` and not over `limit` bytes. */
function readOpened(fd: number, expected: Stats, what: string, limit: number): string {
  try {
    const stats = fstatSync(fd);
    if (stats.ino !== expected.ino || stats.dev !== expected.dev) throw new NodeInitError(`${what}: it was replaced while node-init read it; try again`);
    if (stats.size > limit) throw new NodeInitError(`${what}: it is ${stats.size} bytes; node-init reads at most ${limit}`);
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

/** A regular file's text, or undefined when it does not exist. `what` names it in errors. */
export function readRegularFile(path: string, what: string, limit: number): string | undefined {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new NodeInitError(`${what}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (!stats.isFile()) throw new NodeInitError(`${what}: it is ${kind(stats)}; node-init reads only a regular file there`);
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (error) {
    throw new NodeInitError(`${what}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return readOpened(fd, stats, what, limit);
}

/**
 * A file that decides what root does (--config read as root): reached without symlinks, through
 * directories only root can write, and itself root's, regular and not writable by group or others.
 */
export function readRootOnlyFile(path: string, option: string, limit: number): string {
  const what = `${option} ${path}`;
  const opened = openPath(path, { option, strict: true });
  let stats: Stats;
  try {
    stats = fstatSync(opened.fd);
    if (!stats.isFile()) throw new NodeInitError(`${what}: it is ${kind(stats)}; give a regular file`);
    if (stats.uid !== 0 || (stats.mode & 0o022) !== 0) {
      const who = stats.uid !== 0 ? `it belongs to uid ${stats.uid}` : 'group or others can write it';
      throw new NodeInitError(`${what}: ${who}, and node-init running as root reads options only from a file only root can write (chown root ${path}; chmod go-w ${path})`);
    }
    // The O_PATH fd cannot be read: reopen that very inode through /proc.
    return readOpened(openSync(`/proc/self/fd/${opened.fd}`, OPEN_FLAGS), stats, what, limit);
  } finally {
    closeSync(opened.fd);
  }
}
