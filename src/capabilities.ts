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
 * Capabilities a non-root service must never keep: with each, it can change root's files, load code
 * into the kernel, trace or signal root's processes, or get a dropped capability or root's ids back.
 * Whoever wants that should not use --user. The rest (NET_BIND_SERVICE, NET_RAW, SYS_NICE, SYS_TIME,
 * IPC_LOCK…) act on the service's own resources.
 */
const GIVES_ROOT_BACK: Record<string, string> = {
  CHOWN: 'it could take ownership of root\'s files',
  DAC_OVERRIDE: 'it could read and write root\'s files',
  DAC_READ_SEARCH: 'it could read any file (/etc/shadow) and open files by handle, outside the container too',
  FOWNER: 'it could change the mode of root\'s files',
  FSETID: 'it could keep set-id bits on files it writes or set the setgid bit for groups it is not in',
  KILL: 'it could signal root\'s processes',
  SETGID: 'it could switch back to gid 0',
  SETUID: 'it could switch back to uid 0',
  SETPCAP: 'it could get dropped capabilities back',
  IPC_OWNER: 'it could write into root\'s shared memory',
  SYS_MODULE: 'it could load kernel modules',
  SYS_RAWIO: 'it could read and write raw devices and kernel memory',
  SYS_CHROOT: 'it could chroot, which with a setuid program gives root',
  SYS_PTRACE: 'it could trace and take over root\'s processes',
  SYS_ADMIN: 'it could mount and remount, which gives root',
  SYS_BOOT: 'it could load a new kernel (kexec_load)',
  MKNOD: 'it could make device nodes for the raw disks',
  SETFCAP: 'it could give file capabilities to a program it then runs',
  MAC_OVERRIDE: 'it could bypass the security module\'s policy',
  MAC_ADMIN: 'it could change the security module\'s policy',
  BPF: 'it could load BPF programs into the kernel',
};

export function capabilityName(cap: number): string {
  return `CAP_${NAMES[cap] ?? String(cap)}`;
}

export type CapabilityName = (typeof NAMES)[number];

/** A capability number by its name without CAP_ (CHOWN → 0). */
export function capabilityNumber(name: CapabilityName): number {
  return NAMES.indexOf(name);
}

/** A capability by name: NET_BIND_SERVICE, CAP_NET_BIND_SERVICE, net_bind_service. */
export function parseCapability(flag: string, text: string): number {
  const name = /^[A-Za-z_]+$/.test(text) ? text.toUpperCase().replace(/^CAP_/, '') : '';
  const cap = (NAMES as readonly string[]).indexOf(name);
  if (cap < 0) throw new NodeInitError(`${flag}: "${text}" is not a capability; use a name from capabilities(7), e.g. NET_BIND_SERVICE`);
  const danger = GIVES_ROOT_BACK[name];
  if (danger !== undefined) {
    throw new NodeInitError(
      `${flag} ${text}: refused, ${danger}, so the service would be root again in all but name; keep only capabilities such as NET_BIND_SERVICE, or run it without --user`,
    );
  }
  return cap;
}
