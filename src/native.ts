// The only module that talks to the addon.
import * as addon from 'posix-exec-native';
import { constants } from 'node:os';

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
