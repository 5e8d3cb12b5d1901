// --cap-add's names and its refusals, without starting anything.
import { describe, expect, it } from 'vitest';
import { capabilityName, parseCapability } from '../../src/capabilities.js';

describe('parseCapability', () => {
  it.each(['NET_BIND_SERVICE', 'cap_net_bind_service', 'CAP_NET_BIND_SERVICE', 'Net_Bind_Service'])('%s is NET_BIND_SERVICE', (text) => {
    expect(capabilityName(parseCapability('--cap-add', text))).toBe('CAP_NET_BIND_SERVICE');
  });

  it.each(['NET_BIND_SERVICE', 'NET_RAW', 'NET_ADMIN', 'NET_BROADCAST', 'SYS_NICE', 'SYS_TIME', 'SYS_RESOURCE', 'IPC_LOCK', 'LEASE', 'AUDIT_WRITE', 'WAKE_ALARM', 'BLOCK_SUSPEND'])(
    '%s acts on the service\'s own resources: kept',
    (text) => expect(() => parseCapability('--cap-add', text)).not.toThrow(),
  );

  // Each of these lets a non-root process change root's files, load kernel code, trace or signal root's
  // processes, or get root's ids or a dropped capability back.
  it.each([
    ['CHOWN', 'take ownership of root\'s files'],
    ['DAC_OVERRIDE', 'read and write root\'s files'],
    ['DAC_READ_SEARCH', 'open files by handle'],
    ['FOWNER', 'change the mode of root\'s files'],
    ['FSETID', 'set-id bits'],
    ['KILL', 'signal root\'s processes'],
    ['SETUID', 'switch back to uid 0'],
    ['SETGID', 'switch back to gid 0'],
    ['SETPCAP', 'get dropped capabilities back'],
    ['SETFCAP', 'file capabilities'],
    ['SYS_ADMIN', 'mount'],
    ['SYS_MODULE', 'load kernel modules'],
    ['SYS_PTRACE', 'trace and take over root\'s processes'],
    ['SYS_RAWIO', 'raw devices'],
    ['SYS_CHROOT', 'chroot'],
    ['SYS_BOOT', 'kexec_load'],
    ['BPF', 'BPF programs'],
    ['MKNOD', 'device nodes'],
    ['IPC_OWNER', 'shared memory'],
    ['MAC_ADMIN', 'security module'],
    ['MAC_OVERRIDE', 'security module'],
  ])('%s is refused: it could %s', (cap, reason) => {
    expect(() => parseCapability('--cap-add', cap)).toThrow(new RegExp(`^--cap-add ${cap}: refused, it could .*${reason.replace(/[()]/g, '\\$&')}`));
  });

  it('an unknown name', () => {
    expect(() => parseCapability('--cap-add', 'NET_BIND')).toThrow('--cap-add: "NET_BIND" is not a capability');
  });
});
