// Conditions under which node-init refuses to switch users at all.
import { NodeInitError } from '../errors.js';
import { getresgid, getresuid } from '../native.js';

export interface RunningAs {
  uid: number;
  gid: number;
  isRoot: boolean;
}

/** Who node-init runs as; refuses a setuid/setgid install (real and effective ids differ). */
export function checkRunningAs(): RunningAs {
  const uid = getresuid();
  const gid = getresgid();
  if (uid.real !== uid.effective || gid.real !== gid.effective) {
    throw new NodeInitError(
      `node-init runs with real uid:gid ${uid.real}:${gid.real} but effective ${uid.effective}:${gid.effective} (a setuid/setgid install); ` +
        'remove the setuid/setgid bit and start it as root instead',
    );
  }
  return { uid: uid.real, gid: gid.real, isRoot: uid.effective === 0 };
}

/**
 * libuv's io_uring submits file I/O with the credentials the ring was created with: after the drop,
 * async fs would still run as root (CVE-2024-22017). bin/node-init hides UV_USE_IO_URING from node-init
 * (the service still gets it); reaching here with it set means node-init was started another way.
 */
export function refuseIoUring(ioUringRequested: boolean): void {
  if (ioUringRequested) {
    throw new NodeInitError(
      'UV_USE_IO_URING is set in node-init\'s own environment, so file I/O could keep root\'s credentials after the drop; ' +
        'start node-init through bin/node-init (which passes UV_USE_IO_URING on to the service only) or unset it',
    );
  }
}
