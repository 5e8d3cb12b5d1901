// The typed boundary between posix_exec.c and node-init's TypeScript. Every call that can fail returns
// an errno number (0 = success); src/native.ts turns those into named errors.

/** [real, effective, saved] user ids of the calling process. */
export function getresuid(): [number, number, number];
/** [real, effective, saved] group ids of the calling process. */
export function getresgid(): [number, number, number];

/** setgroups(2) through libc, which applies it to every thread. */
export function setgroups(gids: readonly number[]): number;
/** setresgid(2) through libc (every thread). */
export function setresgid(real: number, effective: number, saved: number): number;
/** setresuid(2) through libc (every thread). */
export function setresuid(real: number, effective: number, saved: number): number;
/** setuid(2); used to prove a drop is permanent (must return EPERM). */
export function setuid(uid: number): number;

/**
 * Replaces the process with `path`, after giving it a clean start: every signal disposition default,
 * empty signal mask, fds 0-2 open across exec in the blocking mode they had when this module loaded,
 * and of the fds >= 3 only `keepFds` (every other one is marked close-on-exec). Returns only on
 * failure, with errno.
 */
export function execve(path: string, argv: readonly string[], envp: readonly string[], keepFds: readonly number[]): number;

/**
 * Leaves the controlling terminal unless this process leads the session that owns it (TIOCNOTTY, which
 * for a non-leader sends no signal). Exec mode calls it right before execve(). Returns errno (0 also
 * when there is no controlling terminal).
 */
export function giveUpForeignTerminal(): number;

/** What failed in spawn(): 0 the child's execve (or fork, with pid -1 and no child), 1 leaving the terminal. */
export type SpawnStep = 0 | 1;

/**
 * Forks and execs `path` with the same clean start as execve(). newSession: the child calls setsid();
 * takeTerminal (with newSession): it makes fd 0 its controlling terminal. giveUpForeignTerminal (without
 * newSession): the child leaves the controlling terminal unless the caller leads the session that owns
 * it. Returns [pid, 0, 0], or [-1, errno, step] when fork or a step in the child failed.
 */
export function spawn(
  path: string,
  argv: readonly string[],
  envp: readonly string[],
  keepFds: readonly number[],
  newSession: boolean,
  takeTerminal: boolean,
  giveUpForeignTerminal: boolean,
): [number, number, SpawnStep];

/** The highest capability number the running kernel knows (40 on 5.9+). */
export function lastCapability(): number;
/** Drops every capability but `keep` from the calling thread's bounding set (needs CAP_SETPCAP). Returns errno. */
export function limitBoundingSet(keep: readonly number[]): number;
/** prctl(PR_SET_KEEPCAPS): the calling thread keeps its permitted set across a uid change from 0. Returns errno. */
export function setKeepCapabilities(on: boolean): number;
/**
 * The calling thread's permitted, effective, inheritable and ambient sets become exactly `caps`
 * (capability numbers). Returns errno.
 */
export function setCapabilities(caps: readonly number[]): number;
/** prctl(PR_SET_NO_NEW_PRIVS, 1) on the calling thread (inherited by children, kept across execve). Returns errno. */
export function setNoNewPrivs(): number;

/** Routes `signals` and SIGCHLD to waitEvents() (through a self-pipe). Returns errno. */
export function installSignalHandlers(signals: readonly number[]): number;

export interface Events {
  /** Signals received since the last call, in order. */
  signals: number[];
  /** Children reaped: [pid, exit code or -1, terminating signal or -1]. */
  exits: Array<[number, number, number]>;
  /** waitpid(-1) reported ECHILD: node-init has no child left. */
  noChildren: boolean;
}

/** Blocks until a signal arrives or timeoutMs passes (-1: no timeout), then reaps every exited child. */
export function waitEvents(timeoutMs: number): Events;

/** Gives up the controlling terminal node-init owns as session leader (TIOCNOTTY on fd 0). Returns errno (ENOTTY: not such a leader). */
export function detachTerminal(): number;
/** prctl(PR_SET_CHILD_SUBREAPER, 1). Returns errno. */
export function setChildSubreaper(): number;
/** prctl(PR_SET_PDEATHSIG, signal). Returns errno. */
export function setParentDeathSignal(signal: number): number;

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
