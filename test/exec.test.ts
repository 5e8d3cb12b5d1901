// Exec mode as the service sees it, on every Node line node-init supports: identity, signal state, fds,
// PID, environment, and NODE_OPTIONS kept away from node-init itself.
import { chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, NODE_INIT, nodeInit, run, RUNTIMES, runtimeEnv, statusFields, tempDir } from './helpers/run.js';

describe.each(RUNTIMES)('exec mode on $name', (runtime) => {
  const env = runtimeEnv(runtime);

  it('the runtime is the one under test', async () => {
    const result = await nodeInit(['--version'], { env });
    expect(result.code).toBe(0);
    const major = runtime.name.match(/node (\d+)/)?.[1];
    expect(result.stdout).toContain(`(node v${major}`);
  });

  it('the service runs as the user, with no capability, no ignored or blocked signal', async () => {
    const result = await nodeInit(['--exec', '--user', 'nobody', '--', 'cat', '/proc/self/status'], { env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const status = statusFields(result.stdout);
    expect(status.Uid).toBe('65534\t65534\t65534\t65534');
    expect(status.Gid).toBe('65534\t65534\t65534\t65534');
    expect(status.Groups).toBe('');
    expect(status.CapEff).toBe('0000000000000000');
    expect(status.CapPrm).toBe('0000000000000000');
    expect(status.SigIgn).toBe('0000000000000000');
    expect(status.SigBlk).toBe('0000000000000000');
    expect(status.NoNewPrivs).toBe('0');
  });

  it('--cap-add NET_BIND_SERVICE --no-new-privs: exactly that capability, in every set; NoNewPrivs', async () => {
    const result = await nodeInit(['--exec', '--user', 'nobody', '--cap-add', 'NET_BIND_SERVICE', '--no-new-privs', '--', 'cat', '/proc/self/status'], { env });
    expect(result.stderr).toBe('');
    const status = statusFields(result.stdout);
    for (const set of ['CapEff', 'CapPrm', 'CapInh', 'CapAmb', 'CapBnd']) expect(status[set], set).toBe('0000000000000400');
    expect(status.NoNewPrivs).toBe('1');
  });

  it('keeps the PID: the service is the process that was started', async () => {
    const result = await nodeInit(['--exec', '--user', 'nobody', '--', 'sh', '-c', 'echo $$'], { env });
    expect(Number(result.stdout.trim())).toBe(result.pid);
  });

  it('`yes | head -1` ends quietly: SIGPIPE is at default', async () => {
    const result = await nodeInit(['--exec', '--user', 'nobody', '--', 'sh', '-c', 'yes | head -1'], { env });
    expect(result.stdout).toBe('y\n');
    expect(result.stderr).toBe('');
  });

  it('passes on exactly the fds it inherited, open and blocking; none of its own', async () => {
    // fd 3 is in the range Node marks close-on-exec at start-up; fd 20 is beyond it.
    const result = await run(['python3', join(FIXTURES, 'with-fds.py'), '3,20', NODE_INIT, '--exec', '--user', 'nobody', '--', 'python3', join(FIXTURES, 'fds.py')], { env });
    expect(result.stderr).toBe('');
    const fds = result.stdout.trim().split('\n').map((line) => line.split(' '));
    expect(fds.map(([fd]) => Number(fd))).toEqual([0, 1, 2, 3, 20]);
    for (const [fd, , flags] of fds) {
      expect(Number.parseInt(flags as string, 8) & 0o4000, `fd ${fd} is non-blocking`).toBe(0);
    }
  });

  it.each(['blocking', 'nonblocking'])('a %s stdout keeps its mode', async (mode) => {
    const probe = 'grep ^flags: /proc/self/fdinfo/1';
    const result = await run(['python3', join(FIXTURES, 'stdout-mode.py'), mode, NODE_INIT, '--exec', '--user', 'nobody', '--', 'sh', '-c', probe], { env });
    const flags = Number.parseInt(result.stdout.split(/\s+/)[1] as string, 8);
    expect(flags & 0o4000 ? 'nonblocking' : 'blocking').toBe(mode);
  });

  it('NODE_OPTIONS never loads code into node-init; the service still gets it unchanged', async () => {
    const dir = tempDir();
    chmodSync(dir, 0o777); // the service, as nobody, records its own load too
    const record = join(dir, 'loads');
    const nodeOptions = `--require ${join(FIXTURES, 'record-uid.js')}`;
    const result = await nodeInit(
      ['--exec', '--user', 'nobody', '--', 'node', '-e', 'console.log(process.env.NODE_OPTIONS); console.log(process.env.UV_USE_IO_URING)'],
      { env: { ...env, NODE_OPTIONS: nodeOptions, RECORD_FILE: record, UV_USE_IO_URING: '1' } },
    );
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`${nodeOptions}\n1\n`);
    // Loaded once, by the service, as nobody: never as root.
    const loads = readFileSync(record, 'utf8').trim().split('\n');
    expect(loads).toEqual([`65534 ${result.pid}`]);
  });

  it('NODE_EXTRA_CA_CERTS reaches the service and not node-init', async () => {
    // Node warns about an unreadable NODE_EXTRA_CA_CERTS when it loads it (Node 20: at start-up, 22+: at
    // first TLS use). The service loads it once; node-init must add no warning of its own.
    const service = "require('tls').createSecureContext(); console.log(process.env.NODE_EXTRA_CA_CERTS)";
    const result = await nodeInit(['--exec', '--user', 'nobody', '--', 'node', '-e', service], {
      env: { ...env, NODE_EXTRA_CA_CERTS: '/nonexistent/ca.pem' },
    });
    expect(result.stdout).toBe('/nonexistent/ca.pem\n');
    expect(result.stderr.match(/Ignoring extra certs/g)).toHaveLength(1); // the service's own warning only
  });
});

describe('the checks above can fail', () => {
  const node24 = RUNTIMES.find((runtime) => runtime.name === 'node 24')!;

  it('a plain process.execve from Node leaves SIGPIPE and SIGXFSZ ignored', async () => {
    const result = await run([join(node24.dir, 'node'), '-e', "process.execve('/bin/cat', ['cat', '/proc/self/status'])"]);
    expect(statusFields(result.stdout).SigIgn).toBe('0000000001001000');
  });

  it('a --require in NODE_OPTIONS given to node directly runs as root', async () => {
    const dir = tempDir();
    const record = join(dir, 'loads');
    await run(['node', '-e', '0'], { env: { NODE_OPTIONS: `--require ${join(FIXTURES, 'record-uid.js')}`, RECORD_FILE: record } });
    expect(readFileSync(record, 'utf8')).toMatch(/^0 /);
  });
});
