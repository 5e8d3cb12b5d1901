// The capabilities node-init itself holds (its main thread's effective set). A container started with
// --cap-drop gets one line naming the capability to add, before any step acts, instead of a failed
// syscall halfway through.
import { capabilityName, capabilityNumber, type CapabilityName } from '../capabilities.js';
import type { Config } from '../config.js';
import { NodeInitError } from '../errors.js';
import type { Identity } from '../users/identity.js';
import { readFileSync } from 'node:fs';

/** The effective set, from /proc/self/status (no thread has changed its credentials in the planner). */
export function heldCapabilities(): bigint {
  const match = /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
  if (!match) throw new NodeInitError('cannot read node-init\'s capabilities: no CapEff line in /proc/self/status');
  return BigInt(`0x${match[1]}`);
}

/** `capability`: a name (CHOWN) or a number. */
export const hasCapability = (held: bigint, capability: CapabilityName | number): boolean =>
  ((held >> BigInt(typeof capability === 'number' ? capability : capabilityNumber(capability))) & 1n) === 1n;

export const missingCapability = (what: string, name: CapabilityName): string =>
  `${what} needs the capability ${name}, which node-init was started without (add it: docker run --cap-add ${name})`;

function require(held: bigint, what: string, name: CapabilityName): void {
  if (!hasCapability(held, name)) throw new NodeInitError(missingCapability(what, name));
}

/** What the explicit steps and the drop need; --chmod's FOWNER depends on the file (src/setup/steps.ts). */
export function requireCapabilities(config: Config, identity: Identity | undefined, held: bigint): void {
  const { mkdir, chown } = config.setup;
  if (mkdir.length > 0) require(held, `--mkdir ${mkdir[0]}`, 'CHOWN');
  if (chown.length > 0) require(held, `--chown ${chown[0]}`, 'CHOWN');
  if (identity === undefined) return;
  const who = config.userFrom === undefined ? `--user ${config.user}` : `--user-from ${config.userFrom}`;
  require(held, `switching groups (${who})`, 'SETGID');
  if (identity.uid !== 0) require(held, `switching to uid ${identity.uid} (${who})`, 'SETUID');
  if (config.capabilities.length > 0) require(held, '--cap-add (limiting the bounding set)', 'SETPCAP');
  for (const cap of config.capabilities) {
    if (hasCapability(held, cap)) continue;
    const name = capabilityName(cap).replace(/^CAP_/, '');
    throw new NodeInitError(`--cap-add ${name}: node-init was started without it, so it cannot keep it for the service (add it: docker run --cap-add ${name})`);
  }
}
