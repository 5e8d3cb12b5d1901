// The typed boundary between posix_exec.c and node-init's TypeScript (the planner). Every call that can
// fail returns an errno number (0 = success) or a report; src/native.ts turns those into named errors.
// The privilege drop, exec and the supervisor are the native PID 1's (src/pid1/), not the planner's.

/** [real, effective, saved] user ids of the calling process. */
export function getresuid(): [number, number, number];
/** [real, effective, saved] group ids of the calling process. */
export function getresgid(): [number, number, number];

/** isatty(3): whether fd is a terminal. */
export function isatty(fd: number): boolean;

/** The highest capability number the running kernel knows (40 on 5.9+). */
export function lastCapability(): number;
/** SIGRTMIN and SIGRTMAX as this libc defines them (Node's os.constants lacks them). */
export const SIGRTMIN: number;
export const SIGRTMAX: number;

export interface Resolution {
  /** O_PATH fd of the final component (close it), or -1. */
  fd: number;
  errno: number;
  /**
   * Why the walk stopped: "" (it did not), symlink, not-root-owned (a directory on the way belongs to
   * someone not trusted), writable (a directory on the way others can write, without the sticky bit,
   * or at all when strict), missing, not-directory, failed (errno).
   */
  reason: '' | 'symlink' | 'not-root-owned' | 'writable' | 'missing' | 'not-directory' | 'failed';
  /** Length of the path prefix where it stopped (for a directory on the way: that directory). */
  at: number;
  /** Directories created (create mode). */
  created: number;
  /** not-root-owned: the owner found; otherwise the non-root owner accepted on the way, or -1. */
  wayOwner: number;
  /** 1 when the final component is the root of a mount (which nobody can rename or replace), else 0. */
  mountRoot: number;
}

/**
 * Walks the absolute `path` from "/" with O_NOFOLLOW: no component may be a symlink; every directory on
 * the way must be owned by root or by `trusted` (a uid; -1 nobody else; -2 any one uid, reported in
 * wayOwner) and, when group or others can write it, have the sticky bit (`strict`: not be writable by
 * them at all). With `create`, missing directories are made with `mode` (before the umask) and handed
 * to uid:gid, and the final component must be a directory; a directory that appears meanwhile is
 * checked like an existing one.
 */
export function resolvePath(path: string, create: boolean, mode: number, uid: number, gid: number, trusted: number, strict: boolean): Resolution;

export interface ChownReport {
  /** 0, or the errno that stopped the walk (at `path`). */
  errno: number;
  /** The entry that failed, relative to PATH ("" for PATH itself). */
  path: string;
  seen: number;
  changed: number;
  /** Symlinks met: never followed; a link's own owner is changed. */
  symlinks: number;
  /** Regular files with more than one link, left alone. */
  hardlinks: number;
  /** Entries on another mount (another filesystem or a bind mount, directory or file), left alone. */
  mounts: number;
  /** Character and block device nodes, left alone. */
  devices: number;
  /** Entries that disappeared or were replaced during the walk, left alone. */
  vanished: number;
}

/**
 * Gives the tree at `fd` (an O_PATH fd from resolvePath) to uid:gid: every entry checked and changed
 * through an fd of its own inode, only on PATH's own mount, no recursion, a bounded number of fds.
 */
export function chownTree(fd: number, uid: number, gid: number, allowHardlinks: boolean): ChownReport;
