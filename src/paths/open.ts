// Reaching a path as root for any step (--chown, --mkdir, --chmod, --socket-group, --user-from,
// --config): the addon walks it from "/" with O_NOFOLLOW and hands back an O_PATH fd, so every check
// and change is made on that inode. A directory on the way must be owned by root (or by the user the
// step acts for, where the policy says so) and, if group or others can write it, be sticky. Failures
// become one line naming what the user set.
import { closeSync, fstatSync, realpathSync, type Stats } from 'node:fs';
import { NodeInitError } from '../errors.js';
import { errnoName, resolvePath, type Resolution } from '../native.js';

export interface PathPolicy {
  /** The option as the user sees it, e.g. "--chown". */
  option: string;
  /**
   * Besides root, who may own a directory on the way: a uid (the user a setup step acts for, who owns
   * what is below anyway), or 'one' (any single uid, reported back: --user-from's owner).
   */
  trusted?: number | 'one';
  /** A directory on the way may not be writable by group or others at all, sticky or not (--config). */
  strict?: boolean;
  /** Create missing directories with this mode, handed to uid:gid; the final one must be a directory. */
  create?: { mode: number; uid: number; gid: number };
}

export interface OpenedPath {
  /** O_PATH fd of the final component. */
  fd: number;
  /** Directories created. */
  created: number;
  /** The non-root owner of a directory on the way, or -1. */
  wayOwner: number;
  /** PATH is the root of a mount: nobody can rename another directory over it. */
  mountRoot: boolean;
}

function realPathHint(path: string): string {
  try {
    const real = realpathSync(path);
    return real === path ? '' : ` (the real path is ${real})`;
  } catch {
    return '';
  }
}

function describeFailure(path: string, policy: PathPolicy, resolution: Resolution): NodeInitError {
  // The directory or component the walk stopped at.
  const at = path.slice(0, resolution.at) || '/';
  const prefix = `${policy.option} ${path}`;
  switch (resolution.reason) {
    case 'symlink':
      return new NodeInitError(`${prefix}: ${at} is a symlink, and node-init never follows one as root; give the path without symlinks${realPathHint(path)}`);
    case 'not-root-owned': {
      const allowed = typeof policy.trusted === 'number' ? `root or uid ${policy.trusted}` : 'root';
      return new NodeInitError(
        `${prefix}: ${at} belongs to uid ${resolution.wayOwner}, not ${allowed}, so that user could swap what is below it; make it root's (chown root ${at}) or use a path whose directories root owns`,
      );
    }
    case 'writable':
      return new NodeInitError(
        policy.strict
          ? `${prefix}: ${at} can be written by group or others, who could replace what is below it; keep the file in a directory only root can write (chmod go-w ${at})`
          : `${prefix}: ${at} can be written by group or others and has no sticky bit, so they could swap what is below it; chmod go-w ${at} (or +t)`,
      );
    case 'missing':
      return new NodeInitError(`${prefix}: ${at} does not exist`);
    case 'not-directory':
      return new NodeInitError(`${prefix}: ${at} exists and is not a directory`);
    default:
      return new NodeInitError(`${prefix}: ${errnoName(resolution.errno)} at ${at}`);
  }
}

function resolveWith(path: string, policy: PathPolicy): Resolution {
  const trusted = policy.trusted === 'one' ? -2 : (policy.trusted ?? -1);
  return resolvePath(path, { create: policy.create, trusted, strict: policy.strict ?? false });
}

/** Opens `path` under `policy`; throws one line when it may not be reached. Close the fd when done. */
export function openPath(path: string, policy: PathPolicy): OpenedPath {
  const resolution = resolveWith(path, policy);
  if (resolution.fd < 0) throw describeFailure(path, policy, resolution);
  return opened(resolution);
}

const opened = (resolution: Resolution): OpenedPath => ({
  fd: resolution.fd,
  created: resolution.created,
  wayOwner: resolution.wayOwner,
  mountRoot: resolution.mountRoot === 1,
});

/** Like openPath, but a missing path gives undefined. */
export function openIfPresent(path: string, policy: PathPolicy): OpenedPath | undefined {
  const resolution = resolveWith(path, policy);
  if (resolution.reason === 'missing') return undefined;
  if (resolution.fd < 0) throw describeFailure(path, policy, resolution);
  return opened(resolution);
}

/** The stats of an opened path; its fd is closed. */
export function statAndClose(fd: number): Stats {
  try {
    return fstatSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Runs `use` with the opened path, closing its fd afterwards. */
export function withPath<T>(path: string, policy: PathPolicy, use: (opened: OpenedPath) => T): T {
  const opened = openPath(path, policy);
  try {
    return use(opened);
  } finally {
    closeSync(opened.fd);
  }
}
