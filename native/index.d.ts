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
