// --cap-add, decided before the plan: PID 1 keeps exactly these across the switch (native/src/pid1/drop.c),
// so what it cannot do is refused here, in one line, before any setup step acts.
import { capabilityName } from '../capabilities.js';
import { NodeInitError } from '../errors.js';
import { lastCapability } from '../native.js';
import type { Identity } from '../users/identity.js';

export function checkCapAdd(target: Identity, capabilities: readonly number[]): void {
  if (target.uid === 0 && capabilities.length > 0) {
    throw new NodeInitError('--cap-add is for a non-root user, and the --user given is uid 0, which keeps all of root\'s capabilities; remove --cap-add or name another user');
  }
  const last = lastCapability();
  const unknown = capabilities.find((cap) => cap > last);
  if (unknown !== undefined) {
    throw new NodeInitError(`--cap-add ${capabilityName(unknown)}: this kernel does not know it (its last capability is ${capabilityName(last)})`);
  }
}
