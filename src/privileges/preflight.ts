// Conditions under which node-init refuses to switch users at all.
import { statSync } from 'node:fs';
import { NodeInitError } from '../errors.js';
import { getresgid, getresuid } from '../native.js';

export interface RunningAs {
  uid: number;
  gid: number;
  isRoot: boolean;
}

/**
 * The Node binary running node-init must not be setuid or setgid, even when root starts it (real and
 * effective ids then agree): anyone else running it would get root's power over the JavaScript it loads.
 * (bin/node-init's own bits show as real and effective ids that differ, checked below.)
 */
function refuseSetuidExecutable(): void {
  const path = '/proc/self/exe';
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch (error) {
    throw new NodeInitError(`cannot check node-init's own executable (${path}): ${(error as Error).message}`);
  }
  const bits = [mode & 0o4000 ? 'setuid' : '', mode & 0o2000 ? 'setgid' : ''].filter(Boolean).join(' and ');
  if (bits !== '') {
    throw new NodeInitError(`the node binary running node-init (${process.execPath}) is ${bits}; remove the bit (chmod u-s,g-s) and start node-init as root instead`);
  }
}

/** Who node-init runs as; refuses a setuid/setgid install (the bits, or real and effective ids that differ). */
export function checkRunningAs(): RunningAs {
  const uid = getresuid();
  const gid = getresgid();
  if (uid.real !== uid.effective || gid.real !== gid.effective) {
    throw new NodeInitError(
      `node-init runs with real uid:gid ${uid.real}:${gid.real} but effective ${uid.effective}:${gid.effective} (a setuid/setgid install); ` +
        'remove the setuid/setgid bit and start it as root instead',
    );
  }
  refuseSetuidExecutable();
  return { uid: uid.real, gid: gid.real, isRoot: uid.effective === 0 };
}
