// The drop stage, in the one order that works: supplementary groups and gid while still root, the uid
// last. glibc applies each call to every thread of node-init. verifyDropped() then proves it.
import { NodeInitError } from '../errors.js';
import { setgroups, setresgid, setresuid, SyscallError } from '../native.js';
import type { Identity } from '../users/identity.js';
import { verifyDropped } from './verify.js';

/** Returns how many threads were verified. */
export function dropPrivileges(target: Identity): number {
  try {
    setgroups(target.groups);
    setresgid(target.gid);
    setresuid(target.uid);
  } catch (error) {
    if (error instanceof SyscallError) {
      throw new NodeInitError(`cannot switch to uid ${target.uid} gid ${target.gid}: ${error.message}; nothing was started`);
    }
    throw error;
  }
  return verifyDropped(target);
}
