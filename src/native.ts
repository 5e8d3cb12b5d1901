// The only module that talks to the addon. It must be the first import of main.ts: loading the addon
// records node-init's inherited fds and stdio flags before anything else can change them.
import * as addon from 'posix-exec-native';
import { constants } from 'node:os';

const errnoNames = new Map(Object.entries(constants.errno).map(([name, value]) => [value, name]));

export function errnoName(errno: number): string {
  return errnoNames.get(errno) ?? `errno ${errno}`;
}

export class SyscallError extends Error {
  constructor(
    readonly syscall: string,
    readonly errno: number,
  ) {
    super(`${syscall} failed: ${errnoName(errno)}`);
    this.name = 'SyscallError';
  }

  get code(): string {
    return errnoName(this.errno);
  }
}

function check(syscall: string, errno: number): void {
  if (errno !== 0) throw new SyscallError(syscall, errno);
}

export interface IdTriple {
  real: number;
  effective: number;
  saved: number;
}

function triple([real, effective, saved]: [number, number, number]): IdTriple {
  return { real, effective, saved };
}

export const getresuid = (): IdTriple => triple(addon.getresuid());
export const getresgid = (): IdTriple => triple(addon.getresgid());

export function setgroups(gids: readonly number[]): void {
  check('setgroups', addon.setgroups(gids));
}

export function setresgid(gid: number): void {
  check('setresgid', addon.setresgid(gid, gid, gid));
}

export function setresuid(uid: number): void {
  check('setresuid', addon.setresuid(uid, uid, uid));
}

/** Returns the errno of setuid(uid): 0 means the call succeeded. */
export const trySetuid = (uid: number): number => addon.setuid(uid);

/** Replaces node-init with the program; returns the errno only when that failed. */
export const execve = (path: string, argv: readonly string[], envp: readonly string[], keepFds: readonly number[]): number =>
  addon.execve(path, argv, envp, keepFds);

/** Leaves a controlling terminal owned by a session node-init does not lead (exec mode, before execve). */
export function giveUpForeignTerminal(): void {
  check('ioctl(TIOCNOTTY)', addon.giveUpForeignTerminal());
}

/**
 * Forks and execs the service with a clean start; returns its pid. Throws SyscallError('execve'), or
 * SyscallError('ioctl(TIOCNOTTY)') when the child could not leave a foreign terminal.
 */
export function spawn(
  path: string,
  argv: readonly string[],
  envp: readonly string[],
  keepFds: readonly number[],
  options: { newSession: boolean; takeTerminal: boolean; giveUpForeignTerminal: boolean },
): number {
  const [pid, errno, step] = addon.spawn(path, argv, envp, keepFds, options.newSession, options.takeTerminal, options.giveUpForeignTerminal);
  if (errno !== 0) throw new SyscallError(step === 1 ? 'ioctl(TIOCNOTTY)' : 'execve', errno);
  return pid;
}

export const lastCapability = (): number => addon.lastCapability();

export function limitBoundingSet(keep: readonly number[]): void {
  check('prctl(PR_CAPBSET_DROP)', addon.limitBoundingSet(keep));
}

export function setKeepCapabilities(on: boolean): void {
  check('prctl(PR_SET_KEEPCAPS)', addon.setKeepCapabilities(on));
}

export function setCapabilities(caps: readonly number[]): void {
  check('capset or prctl(PR_CAP_AMBIENT)', addon.setCapabilities(caps));
}

export function setNoNewPrivs(): void {
  check('prctl(PR_SET_NO_NEW_PRIVS)', addon.setNoNewPrivs());
}

export function installSignalHandlers(signals: readonly number[]): void {
  check('sigaction', addon.installSignalHandlers(signals));
}

export type { Events } from 'posix-exec-native';
export const waitEvents = (timeoutMs: number): addon.Events => addon.waitEvents(timeoutMs);

/** True when node-init had a controlling terminal and gave it up. */
export const detachTerminal = (): boolean => addon.detachTerminal() === 0;

export function setChildSubreaper(): void {
  check('prctl(PR_SET_CHILD_SUBREAPER)', addon.setChildSubreaper());
}

export function setParentDeathSignal(signal: number): void {
  check('prctl(PR_SET_PDEATHSIG)', addon.setParentDeathSignal(signal));
}

export const SIGRTMIN = addon.SIGRTMIN;
export const SIGRTMAX = addon.SIGRTMAX;

export type { ChownReport, Resolution } from 'posix-exec-native';
export const resolvePath = (
  path: string,
  options: { create: { mode: number; uid: number; gid: number } | undefined; trusted: number; strict: boolean },
): addon.Resolution => {
  const { create } = options;
  return addon.resolvePath(path, create !== undefined, create?.mode ?? 0, create?.uid ?? 0, create?.gid ?? 0, options.trusted, options.strict);
};
export const chownTree = (fd: number, uid: number, gid: number, allowHardlinks: boolean): addon.ChownReport => addon.chownTree(fd, uid, gid, allowHardlinks);
