// The root-only setup steps, each acting through the fds the addon opened (never a path string).
import { chmodSync, fstatSync, statSync } from 'node:fs';
import type { ChmodStep } from '../config.js';
import { NodeInitError } from '../errors.js';
import type { Logger } from '../log.js';
import { chownTree, errnoName } from '../native.js';
import type { Identity } from '../users/identity.js';
import { applyMode } from './mode.js';
import { withPath } from './paths.js';

const ms = (start: bigint): number => Math.round(Number(process.hrtime.bigint() - start) / 1e5) / 10;
const octal = (mode: number): string => `0${(mode & 0o7777).toString(8).padStart(3, '0')}`;

/** --mkdir: PATH and its missing parents, owned by the user, with the mode the umask leaves. */
export function makeDirectory(path: string, identity: Identity, log: Logger): void {
  const mode = 0o777 & ~process.umask();
  const created = withPath('mkdir', path, { mode, uid: identity.uid, gid: identity.gid }, (_fd, count) => count);
  log.info({ path, created, mode: octal(mode) }, created > 0 ? `created ${path}` : `${path} already exists`);
}

/** --chown: PATH and everything below, by directory fds, same filesystem only. */
export function changeOwner(path: string, identity: Identity, allowHardlinks: boolean, log: Logger): void {
  const start = process.hrtime.bigint();
  const report = withPath('chown', path, undefined, (fd) => chownTree(fd, identity.uid, identity.gid, allowHardlinks));
  if (report.errno !== 0) throw new NodeInitError(`--chown ${path}: ${errnoName(report.errno)} while changing owners; the service was not started`);
  const { seen, changed, symlinks, hardlinks, mounts, vanished } = report;
  log.info({ path, seen, changed, symlinks, hardlinks, mounts, vanished, ms: ms(start) }, `gave ${changed} of ${seen} entries in ${path} to ${identity.uid}:${identity.gid}`);
  if (hardlinks > 0) {
    log.warn(`--chown ${path}: left ${hardlinks} file(s) with more than one hard link alone (one could be a link to a file outside ${path}); add --chown-hardlinks to change them`);
  }
  if (mounts > 0) log.warn(`--chown ${path}: did not enter ${mounts} other filesystem(s) mounted below it`);
}

/** --chmod: one path. chmod(2) on /proc/self/fd/N reaches exactly the inode the walk opened. */
export function changeMode(step: ChmodStep, log: Logger): void {
  withPath('chmod', step.path, undefined, (fd) => {
    const stats = fstatSync(fd);
    const mode = applyMode(step.mode, stats.mode, stats.isDirectory(), process.umask());
    chmodSync(`/proc/self/fd/${fd}`, mode);
    log.info({ path: step.path, from: octal(stats.mode), to: octal(mode) }, `chmod ${step.mode.text} ${step.path}`);
  });
}

/** --socket-group: the gid owning PATH, to add to the user's groups; undefined (and a warning) if missing. */
export function socketGroup(path: string, log: Logger): number | undefined {
  try {
    const { gid } = statSync(path); // reading an owner is harmless through a symlink (/var/run → /run)
    log.info({ path, gid }, `adding group ${gid} (owner of ${path})`);
    return gid;
  } catch (error) {
    log.warn(`--socket-group ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not there' : (error as Error).message}; no group added`);
    return undefined;
  }
}
