// --cap-add and --no-new-privs as the service sees them, in both modes: what it can do (bind :80, regain
// root through a setuid binary) and what /proc/self/status says. Each has a control that shows the
// check can fail.
import { chmodSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, NODE_INIT, nodeInit, run, statusFields, tempDir } from './helpers/run.js';

const PROBE = join(FIXTURES, 'service-privileges.py');
const MODES = [['exec mode', ['--exec']], ['supervise mode', []]] as const;

/** node-init in a network namespace of its own (lo up), so that binding :80 touches nothing else. */
function inOwnNetwork(args: readonly string[]) {
  return run(['unshare', '--net', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', NODE_INIT, ...args]);
}

/** What the probe printed: "bind80" and the Cap* and NoNewPrivs fields. */
function probed(stdout: string): Record<string, string> {
  return statusFields(stdout.replace(/^bind80 /m, 'bind80: '));
}

describe.each(MODES)('--cap-add, %s', (_, mode) => {
  it('NET_BIND_SERVICE: nobody binds 127.0.0.1:80 and holds exactly that capability', async () => {
    const result = await inOwnNetwork(['--log-format', 'pretty', ...mode, '--user', 'nobody', '--cap-add', 'NET_BIND_SERVICE', '--', 'python3', PROBE]);
    expect(result.stderr).toBe('');
    const seen = probed(result.stdout);
    expect(seen.bind80).toBe('ok');
    for (const set of ['CapEff', 'CapPrm', 'CapInh', 'CapAmb', 'CapBnd']) expect(seen[set], set).toBe('0000000000000400');
  });

  it('control: without it, binding :80 fails and nobody holds no capability', async () => {
    const result = await inOwnNetwork([...mode, '--user', 'nobody', '--', 'python3', PROBE]);
    const seen = probed(result.stdout);
    expect(seen.bind80).toBe('EACCES');
    for (const set of ['CapEff', 'CapPrm', 'CapInh', 'CapAmb']) expect(seen[set], set).toBe('0000000000000000');
  });

  it('several, in any spelling; a repeated one counts once', async () => {
    const result = await nodeInit([...mode, '--user', 'nobody', '--cap-add', 'cap_net_raw', '--cap-add', 'net_bind_service', '--cap-add', 'CAP_NET_BIND_SERVICE', '--', 'python3', PROBE]);
    expect(probed(result.stdout).CapAmb).toBe('0000000000002400');
  });
});

describe('the inheritable set node-init was started with', () => {
  // Old Docker versions started containers with a full inheritable set (CVE-2022-24769): with it, a
  // program with inheritable file capabilities gets them back.
  const inheriting = ['setpriv', '--inh-caps', '+net_raw'];

  it('is emptied for the service (verified by PID 1 before the exec)', async () => {
    const result = await run([...inheriting, NODE_INIT, '--exec', '--user', 'nobody', '--', 'python3', PROBE]);
    expect(result.stderr).toBe('');
    expect(probed(result.stdout).CapInh).toBe('0000000000000000');
  });

  it('control: gosu passes it on', async () => {
    const result = await run([...inheriting, 'gosu', 'nobody', 'python3', PROBE]);
    expect(probed(result.stdout).CapInh).toBe('0000000000002000');
  });
});

describe('--cap-add mistakes: one line, exit 125, nothing started', () => {
  it.each([
    [['--user', 'nobody', '--cap-add', 'NET_BIND'], '--cap-add: "NET_BIND" is not a capability; use a name from capabilities(7), e.g. NET_BIND_SERVICE'],
    [['--user', 'nobody', '--cap-add', '10'], '--cap-add: "10" is not a capability'],
    [['--user', 'nobody', '--cap-add', ''], '--cap-add: "" is not a capability'],
    [['--user', 'nobody', '--cap-add', 'SETUID'], '--cap-add SETUID: refused, it could switch back to uid 0, so the service would be root again in all but name'],
    [['--user', 'nobody', '--cap-add', 'setgid'], '--cap-add setgid: refused, it could switch back to gid 0'],
    [['--cap-add', 'NET_BIND_SERVICE'], '--cap-add needs a user (--user, --user-from or --user-env): it keeps a capability across the switch to a non-root user; name that user'],
    [['--user', 'root', '--cap-add', 'NET_BIND_SERVICE'], '--cap-add is for a non-root user, and the --user given is uid 0'],
    [['--user', '0:0', '--cap-add', 'NET_BIND_SERVICE'], '--cap-add is for a non-root user, and the --user given is uid 0'],
  ])('%j', async (flags, message) => {
    const result = await nodeInit(['--log-format', 'pretty', '--exec', ...flags, '--', 'echo', 'started']);
    expect(result.stderr).toContain(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stdout).toBe('');
    expect(result.code).toBe(125);
  });

  it('started as non-root, it is skipped with the --user warning', async () => {
    const result = await run(['setpriv', '--reuid', '4242', '--regid', '4242', '--clear-groups', '--', NODE_INIT, '--log-format', 'pretty', '--exec', '--user', 'nobody', '--cap-add', 'NET_BIND_SERVICE', '--', 'id', '-u']);
    expect(result.stderr).toBe('node-init: warning: not started as root (uid 4242), so --user nobody and --cap-add CAP_NET_BIND_SERVICE are skipped: the command runs as uid 4242\n');
    expect(result.stdout).toBe('4242\n');
  });
});

describe('--no-new-privs', () => {
  const dir = tempDir();
  chmodSync(dir, 0o755);
  const setuidId = join(dir, 'id');
  copyFileSync('/usr/bin/id', setuidId);
  chmodSync(setuidId, 0o4755);

  it.each(MODES)('%s: a setuid-root binary no longer gives root; NoNewPrivs is 1', async (_, mode) => {
    const result = await nodeInit([...mode, '--user', 'nobody', '--no-new-privs', '--', 'sh', '-c', `${setuidId} -u; grep NoNewPrivs /proc/self/status`]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('65534\nNoNewPrivs:\t1\n');
  });

  it.each(MODES)('control, %s: without it the setuid-root binary runs with euid 0', async (_, mode) => {
    const result = await nodeInit([...mode, '--user', 'nobody', '--', 'sh', '-c', `${setuidId} -u; grep NoNewPrivs /proc/self/status`]);
    expect(result.stdout).toBe('0\nNoNewPrivs:\t0\n');
  });

  it('also without --user, and with --cap-add: the capability still holds', async () => {
    expect((await nodeInit(['--exec', '--no-new-privs', '--', 'grep', 'NoNewPrivs', '/proc/self/status'])).stdout).toBe('NoNewPrivs:\t1\n');
    const result = await inOwnNetwork(['--exec', '--user', 'nobody', '--cap-add', 'NET_BIND_SERVICE', '--no-new-privs', '--', 'python3', PROBE]);
    expect(probed(result.stdout)).toMatchObject({ bind80: 'ok', CapAmb: '0000000000000400', NoNewPrivs: '1' });
  });
});
