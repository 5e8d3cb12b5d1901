// The only module that talks to the addon: the one PID 1 checked and named (NODE_INIT_ADDON, a real
// path only root can write when root), not whatever require() would find up the node_modules chain.
import type * as Addon from 'posix-exec-native';
import { constants } from 'node:os';

const addon = require(process.env.NODE_INIT_ADDON ?? 'posix-exec-native') as typeof Addon;

const errnoNames = new Map(Object.entries(constants.errno).map(([name, value]) => [value, name]));

export function errnoName(errno: number): string {
  return errnoNames.get(errno) ?? `errno ${errno}`;
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

export const lastCapability = (): number => addon.lastCapability();

/** Whether `fd` is a terminal (without loading node:tty, which brings node:net and node:stream). */
export const isatty = (fd: number): boolean => addon.isatty(fd);

export const SIGRTMIN = addon.SIGRTMIN;
export const SIGRTMAX = addon.SIGRTMAX;

export type { ChownReport, Resolution } from 'posix-exec-native';
export const resolvePath = (
  path: string,
  options: { create: { mode: number; uid: number; gid: number } | undefined; trusted: number; strict: boolean },
): Addon.Resolution => {
  const { create } = options;
  return addon.resolvePath(path, create !== undefined, create?.mode ?? 0, create?.uid ?? 0, create?.gid ?? 0, options.trusted, options.strict);
};
export const chownTree = (fd: number, uid: number, gid: number, allowHardlinks: boolean): Addon.ChownReport => addon.chownTree(fd, uid, gid, allowHardlinks);
