// Linux capability names and numbers (capabilities(7), linux/capability.h), for --cap-add.
import { NodeInitError } from './errors.js';

/** Index = capability number. */
const NAMES = [
  'CHOWN', 'DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID', 'SETPCAP',
  'LINUX_IMMUTABLE', 'NET_BIND_SERVICE', 'NET_BROADCAST', 'NET_ADMIN', 'NET_RAW', 'IPC_LOCK', 'IPC_OWNER',
  'SYS_MODULE', 'SYS_RAWIO', 'SYS_CHROOT', 'SYS_PTRACE', 'SYS_PACCT', 'SYS_ADMIN', 'SYS_BOOT', 'SYS_NICE',
  'SYS_RESOURCE', 'SYS_TIME', 'SYS_TTY_CONFIG', 'MKNOD', 'LEASE', 'AUDIT_WRITE', 'AUDIT_CONTROL', 'SETFCAP',
  'MAC_OVERRIDE', 'MAC_ADMIN', 'SYSLOG', 'WAKE_ALARM', 'BLOCK_SUSPEND', 'AUDIT_READ', 'PERFMON', 'BPF',
  'CHECKPOINT_RESTORE',
] as const;

/**
 * Capabilities that would undo the switch itself: with them the service calls setuid(0) or setgid(0)
 * and is root again. Whoever wants that should not use --user.
 */
const UNDO_THE_SWITCH = new Set(['SETUID', 'SETGID']);

export function capabilityName(cap: number): string {
  return `CAP_${NAMES[cap] ?? String(cap)}`;
}

/** A capability by name: NET_BIND_SERVICE, CAP_NET_BIND_SERVICE, net_bind_service. */
export function parseCapability(flag: string, text: string): number {
  const name = /^[A-Za-z_]+$/.test(text) ? text.toUpperCase().replace(/^CAP_/, '') : '';
  const cap = (NAMES as readonly string[]).indexOf(name);
  if (cap < 0) throw new NodeInitError(`${flag}: "${text}" is not a capability; use a name from capabilities(7), e.g. NET_BIND_SERVICE`);
  if (UNDO_THE_SWITCH.has(name)) {
    throw new NodeInitError(`${flag}: ${capabilityName(cap)} would let the service switch back to root; run it without --user instead`);
  }
  return cap;
}

/** The bit mask of a set of capabilities, as in the Cap* lines of /proc/PID/status. */
export function capabilityMask(caps: readonly number[]): bigint {
  return caps.reduce((mask, cap) => mask | (1n << BigInt(cap)), 0n);
}

/** "CAP_NET_BIND_SERVICE,CAP_NET_RAW", or "none". */
export function maskNames(mask: bigint): string {
  const names = Array.from({ length: 64 }, (_, cap) => cap).filter((cap) => (mask >> BigInt(cap)) & 1n).map(capabilityName);
  return names.length === 0 ? 'none' : names.join(',');
}
