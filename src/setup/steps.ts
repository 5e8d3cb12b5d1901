// The root-only setup steps. Each path is reached by the addon's walk (src/paths/open.ts) and its rules
// are checked on the opened inode: once before any step acts (check*), and again when acting, on the
// fd the step then acts through, so nothing changed meanwhile can redirect it.
import { chmodSync, fstatSync, type Stats } from 'node:fs';
import type { ChmodStep } from '../config.js';
import { NodeInitError } from '../errors.js';
import type { Logger } from '../log.js';
import { chownTree, errnoName, type ChownReport } from '../native.js';
import { openIfPresent, statAndClose, withPath, type OpenedPath, type PathPolicy } from '../paths/open.js';
import { protection } from '../paths/protected.js';
import { hasCapability, missingCapability } from '../privileges/capabilities-held.js';
import type { Identity } from '../users/identity.js';
import { applyMode } from './mode.js';

/** What every step needs to know besides its own settings. */
export interface StepContext {
  /** Files node-init runs from or reads as root (src/paths/own-files.ts). */
  ownFiles: readonly string[];
  /** node-init's effective capabilities. */
  held: bigint;
  allowHardlinks: boolean;
}

const ms = (start: bigint): number => Math.round(Number(process.hrtime.bigint() - start) / 1e5) / 10;
const octal = (mode: number): string => `0${(mode & 0o7777).toString(8).padStart(3, '0')}`;

function refuseProtected(option: string, path: string, ownFiles: readonly string[]): void {
  const why = protection(path, ownFiles);
  if (why?.rule === 'system') {
    throw new NodeInitError(`${option} ${path}: refused, ${path} is a system directory or holds one; name a dedicated data directory instead, e.g. /srv/app or /var/lib/app`);
  }
  if (why?.rule === 'system-subtree') {
    throw new NodeInitError(`${option} ${path}: refused, it is inside ${why.subtree}, where root's own code and configuration live; name a dedicated data directory instead, e.g. /srv/app or /var/lib/app`);
  }
  if (why?.rule === 'own-file') {
    throw new NodeInitError(`${option} ${path}: refused, it holds ${why.file}, which node-init runs from as root; name a dedicated data directory that holds none of node-init's files`);
  }
}

/** Checks a path that must exist when its step runs (or be made by --mkdir before). */
function checkExisting(path: string, policy: PathPolicy, willExist: boolean, check: (stats: Stats, opened: OpenedPath) => void): void {
  const opened = openIfPresent(path, policy);
  if (opened !== undefined) check(statAndClose(opened.fd), opened);
  else if (!willExist) throw new NodeInitError(`${policy.option} ${path}: it does not exist; create it first (--mkdir ${path})`);
}

/**
 * Below a directory the user owns, the user can rename one of root's directories or files over PATH
 * (a rename within one directory needs no right on what is renamed). So PATH must then already be the
 * user's, or be a mount root, which nobody can rename or replace.
 */
function refuseSwappable(option: string, path: string, stats: Stats, opened: OpenedPath, identity: Identity | undefined): void {
  if (opened.wayOwner < 0 || identity === undefined || stats.uid === identity.uid || opened.mountRoot) return;
  throw new NodeInitError(
    `${option} ${path}: it belongs to uid ${stats.uid} but lies below a directory of uid ${opened.wayOwner}, who could have renamed something of root's to ${path}; give it to the user first (chown ${identity.uid} ${path}) or make the directories above it root's`,
  );
}

// ---- --mkdir ------------------------------------------------------------------------------------

const mkdirPolicy = (identity: Identity): PathPolicy => ({ option: '--mkdir', trusted: identity.uid });

function existingDirectory(path: string, stats: Stats, identity: Identity): void {
  if (!stats.isDirectory()) throw new NodeInitError(`--mkdir ${path}: it exists and is not a directory; remove it or name another path`);
  if (stats.uid !== 0 && stats.uid !== identity.uid) {
    throw new NodeInitError(`--mkdir ${path}: it exists and belongs to uid ${stats.uid}, neither root nor the user (uid ${identity.uid}); remove it or chown it first`);
  }
}

export function checkMkdir(path: string, identity: Identity, context: StepContext): void {
  refuseProtected('--mkdir', path, context.ownFiles);
  const opened = openIfPresent(path, mkdirPolicy(identity));
  if (opened !== undefined) existingDirectory(path, statAndClose(opened.fd), identity);
}

/** --mkdir: PATH and its missing parents, owned by the user, with the mode the umask leaves. */
export function makeDirectory(path: string, identity: Identity, log: Logger): void {
  const mode = 0o777 & ~process.umask();
  const create = { mode, uid: identity.uid, gid: identity.gid };
  const created = withPath(path, { ...mkdirPolicy(identity), create }, ({ fd, created }) => {
    existingDirectory(path, fstatSync(fd), identity);
    return created;
  });
  log.info({ path, created, mode: octal(mode) }, created > 0 ? `created ${path}` : `${path} already exists`);
}

// ---- --chown ------------------------------------------------------------------------------------

const chownPolicy = (identity: Identity): PathPolicy => ({ option: '--chown', trusted: identity.uid });

/** A shared directory (world-writable or sticky, like /tmp) holds what others put there: never a target. */
function chownTarget(path: string, stats: Stats): void {
  if (stats.isDirectory() && (stats.mode & 0o1002) !== 0) {
    const what = (stats.mode & 0o1000) !== 0 ? 'sticky' : 'writable by everyone';
    throw new NodeInitError(`--chown ${path}: refused, it is ${what}, a shared directory like /tmp where anyone can put entries; name a dedicated data directory`);
  }
  if (stats.isCharacterDevice() || stats.isBlockDevice()) throw new NodeInitError(`--chown ${path}: refused, it is a device node; node-init never gives one away`);
}

export function checkChown(path: string, identity: Identity, context: StepContext, willExist: boolean): void {
  refuseProtected('--chown', path, context.ownFiles);
  checkExisting(path, chownPolicy(identity), willExist, (stats, opened) => {
    chownTarget(path, stats);
    refuseSwappable('--chown', path, stats, opened, identity);
  });
}

function walkFailure(path: string, report: ChownReport, held: bigint): NodeInitError {
  const where = report.path === '' ? path : `${path}/${report.path}`;
  const name = errnoName(report.errno);
  const hints: Record<string, string> = {
    EMFILE: 'too few file descriptors are left (ulimit -n); raise the limit',
    EPERM: 'not permitted: an immutable or append-only file (lsattr), or a filesystem that keeps its own owners',
    ENOSYS: 'this kernel cannot tell a bind mount apart (statx STATX_MNT_ID needs Linux 5.8 or later)',
    EACCES: hasCapability(held, 'DAC_READ_SEARCH') ? 'permission denied' : `permission denied; ${missingCapability('reading every directory', 'DAC_READ_SEARCH')}`,
    ENOMEM: 'out of memory',
  };
  return new NodeInitError(`--chown ${path}: ${name} at ${where} (${hints[name] ?? 'the change failed'}); stopped there, the service was not started`);
}

/** --chown: PATH and everything below on its own mount, each entry through an fd of its own. */
export function changeOwner(path: string, identity: Identity, context: StepContext, log: Logger): void {
  const start = process.hrtime.bigint();
  const report = withPath(path, chownPolicy(identity), (opened) => {
    const stats = fstatSync(opened.fd);
    chownTarget(path, stats);
    refuseSwappable('--chown', path, stats, opened, identity);
    return chownTree(opened.fd, identity.uid, identity.gid, context.allowHardlinks);
  });
  if (report.errno !== 0) throw walkFailure(path, report, context.held);
  const { seen, changed, symlinks, hardlinks, mounts, devices, vanished } = report;
  log.info({ path, seen, changed, symlinks, hardlinks, mounts, devices, vanished, ms: ms(start) }, `gave ${changed} of ${seen} entries in ${path} to ${identity.uid}:${identity.gid}`);
  if (hardlinks > 0) {
    log.warn(`--chown ${path}: left ${hardlinks} file(s) with more than one hard link alone (one could be a link to a file outside ${path}); add --allow-hardlinks to change them`);
  }
  if (mounts > 0) log.warn(`--chown ${path}: left ${mounts} entr${mounts === 1 ? 'y' : 'ies'} on other mounts alone (another filesystem or a bind mount below it)`);
  if (devices > 0) log.warn(`--chown ${path}: left ${devices} device node(s) alone; node-init never gives one away`);
  // Nothing renames entries in a data directory while its container starts, but another process
  // sharing the volume (or one trying to steer the walk) might: what moved was not changed.
  if (vanished > 0) log.warn(`--chown ${path}: ${vanished} entr${vanished === 1 ? 'y' : 'ies'} moved or vanished during the walk and ${vanished === 1 ? 'was' : 'were'} left as found`);
}

// ---- --chmod ------------------------------------------------------------------------------------

const chmodPolicy = (identity: Identity | undefined): PathPolicy => ({ option: '--chmod', ...(identity === undefined ? {} : { trusted: identity.uid }) });

function chmodTarget(path: string, stats: Stats, opened: OpenedPath, identity: Identity | undefined, context: StepContext): void {
  if (!stats.isDirectory() && stats.nlink > 1 && !context.allowHardlinks) {
    throw new NodeInitError(`--chmod ${path}: it has ${stats.nlink} hard links, so it could be a file from outside ${path}; add --allow-hardlinks if that is intended`);
  }
  refuseSwappable('--chmod', path, stats, opened, identity);
  if (stats.uid !== 0 && !hasCapability(context.held, 'FOWNER')) {
    throw new NodeInitError(`--chmod ${path}: it belongs to uid ${stats.uid}, and ${missingCapability('changing its mode', 'FOWNER')}`);
  }
}

export function checkChmod(step: ChmodStep, identity: Identity | undefined, context: StepContext, willExist: boolean): void {
  refuseProtected('--chmod', step.path, context.ownFiles);
  checkExisting(step.path, chmodPolicy(identity), willExist, (stats, opened) => chmodTarget(step.path, stats, opened, identity, context));
}

/** --chmod: one path. chmod(2) on /proc/self/fd/N reaches exactly the inode the walk opened. */
export function changeMode(step: ChmodStep, identity: Identity | undefined, context: StepContext, log: Logger): void {
  withPath(step.path, chmodPolicy(identity), (opened) => {
    const { fd } = opened;
    const stats = fstatSync(fd);
    chmodTarget(step.path, stats, opened, identity, context);
    const mode = applyMode(step.mode, stats.mode, stats.isDirectory(), process.umask());
    chmodSync(`/proc/self/fd/${fd}`, mode);
    log.info({ path: step.path, from: octal(stats.mode), to: octal(mode) }, `chmod ${step.mode.text} ${step.path}`);
  });
}
