// The drop stage, in the one order that works: supplementary groups and gid while still root, the uid
// last. glibc applies each id change to every thread of node-init. Capabilities are per thread: they are
// set on the main thread, the one that calls the addon and so the one that execs (exec mode) or forks
// (supervise mode). verifyDropped() then proves all of it.
import { capabilityName } from '../capabilities.js';
import { NodeInitError } from '../errors.js';
import {
  lastCapability,
  limitBoundingSet,
  setCapabilities,
  setgroups,
  setKeepCapabilities,
  setNoNewPrivs,
  setresgid,
  setresuid,
  SyscallError,
} from '../native.js';
import type { Identity } from '../users/identity.js';
import { mainThreadCredentials, verifyDropped, verifyNoNewPrivs } from './verify.js';

function refuseUnknownToKernel(capabilities: readonly number[]): void {
  const last = lastCapability();
  const unknown = capabilities.find((cap) => cap > last);
  if (unknown !== undefined) {
    throw new NodeInitError(`--cap-add ${capabilityName(unknown)}: this kernel does not know it (its last capability is ${capabilityName(last)})`);
  }
}

/**
 * Drops to `target`, keeping exactly `capabilities` (--cap-add) for a non-root target. Returns how many
 * threads were verified.
 */
export function dropPrivileges(target: Identity, capabilities: readonly number[]): number {
  if (target.uid === 0 && capabilities.length > 0) {
    throw new NodeInitError('--cap-add is for a non-root user, and the --user given is uid 0, which keeps all of root\'s capabilities; remove --cap-add or name another user');
  }
  refuseUnknownToKernel(capabilities);
  // What the caller handed down in the inheritable set, which the other threads keep (see verify.ts).
  const inheritedInheritable = mainThreadCredentials().capInh;
  try {
    setgroups(target.groups);
    setresgid(target.gid);
    if (capabilities.length > 0) {
      // While still root (CAP_SETPCAP): no later execve, setuid-root or file capabilities included, can
      // bring back a capability that was not listed.
      limitBoundingSet(capabilities);
      setKeepCapabilities(true);
    }
    setresuid(target.uid);
    if (target.uid !== 0) {
      // The uid change emptied the permitted set (or, with KEEPCAPS, left root's): keep the listed ones,
      // as ambient capabilities too so that they survive execve. Also empties the inheritable set, which
      // the uid change leaves alone: whatever the caller put there could otherwise come back through a
      // program with inheritable file capabilities.
      setCapabilities(capabilities);
      if (capabilities.length > 0) setKeepCapabilities(false);
    }
  } catch (error) {
    if (error instanceof SyscallError) {
      throw new NodeInitError(`cannot switch to uid ${target.uid} gid ${target.gid}: ${error.message}; nothing was started`);
    }
    throw error;
  }
  return verifyDropped(target, capabilities, inheritedInheritable);
}

/** --no-new-privs: after it, no execve can add privileges (setuid/setgid bits, file capabilities). */
export function forbidNewPrivileges(): void {
  try {
    setNoNewPrivs();
  } catch (error) {
    if (error instanceof SyscallError) throw new NodeInitError(`cannot set no_new_privs: ${error.message}; nothing was started`);
    throw error;
  }
  verifyNoNewPrivs();
}
