// Opening a path for root's setup steps: walked from "/" by the addon with O_NOFOLLOW, so no symlink or
// directory the service could have planted on the way is followed. Failures become one clear line.
import { closeSync, realpathSync } from 'node:fs';
import { NodeInitError } from '../errors.js';
import { errnoName, resolvePath, type Resolution } from '../native.js';

/** The system's own directories: never a --chown or --chmod target themselves. */
export const SYSTEM_DIRECTORIES = new Set(['/', '/bin', '/boot', '/dev', '/etc', '/lib', '/lib32', '/lib64', '/libx32', '/proc', '/root', '/run', '/sbin', '/sys', '/usr', '/var']);

export function refuseSystemDirectory(flag: string, path: string): void {
  if (SYSTEM_DIRECTORIES.has(path) || /^\/lib[^/]*$/.test(path)) {
    throw new NodeInitError(`--${flag} ${path}: refused, ${path} is a system directory; name the data directory below it instead`);
  }
}

function realPathHint(path: string): string {
  try {
    const real = realpathSync(path);
    return real === path ? '' : ` (the real path is ${real})`;
  } catch {
    return '';
  }
}

export function describeFailure(flag: string, path: string, resolution: Resolution): NodeInitError {
  const where = path.slice(0, resolution.at) || '/';
  switch (resolution.reason) {
    case 'symlink':
      return new NodeInitError(`--${flag} ${path}: ${where} is a symlink, and node-init never follows one as root; give the path without symlinks${realPathHint(path)}`);
    case 'not-root-owned':
      return new NodeInitError(`--${flag} ${path}: ${where} is not owned by root, so another user could swap what is below it; make it root's or name ${where} itself`);
    case 'missing':
      return new NodeInitError(`--${flag} ${path}: ${where} does not exist; create it first (--mkdir ${path})`);
    case 'not-directory':
      return new NodeInitError(`--${flag} ${path}: ${where} is not a directory`);
    default:
      return new NodeInitError(`--${flag} ${path}: ${errnoName(resolution.errno)} at ${where}`);
  }
}

/** Checks a path without changing anything; "missing" is returned, every other failure thrown. */
export function checkPath(flag: string, path: string): 'exists' | 'missing' {
  const resolution = resolvePath(path, { create: false, mode: 0, uid: 0, gid: 0 });
  if (resolution.fd >= 0) {
    closeSync(resolution.fd);
    return 'exists';
  }
  if (resolution.reason === 'missing') return 'missing';
  throw describeFailure(flag, path, resolution);
}

/** Runs `use` with an O_PATH fd of the path (created, with parents, when `create` is given). */
export function withPath<T>(flag: string, path: string, create: { mode: number; uid: number; gid: number } | undefined, use: (fd: number, created: number) => T): T {
  const resolution = resolvePath(path, { create: create !== undefined, mode: create?.mode ?? 0, uid: create?.uid ?? 0, gid: create?.gid ?? 0 });
  if (resolution.fd < 0) throw describeFailure(flag, path, resolution);
  try {
    return use(resolution.fd, resolution.created);
  } finally {
    closeSync(resolution.fd);
  }
}
