// Issue 12, first slice: bin/node-init is a small native program. With nothing to plan (no option, no
// NODE_INIT_* variable) it supervises the command itself, without Node; anything else goes to Node,
// which it finds only where root alone can write. Real PID 1 in a PID namespace throughout.
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { asPid1, childOf, gotSignal, FIXTURES, NODE_INIT, ROOT, run, sandbox, sleep, start, statusFields, tempDir } from './helpers/run.js';

const S = constants.signals;
const REPORTER = join(FIXTURES, 'signal-reporter.py');
const SIGRTMIN = 34;
const SIGRTMAX = 64;

/**
 * Waits until `pid` runs node-init's program past its first instruction: SIGTERM blocked, or the service
 * already forked (in sigwaitinfo, /proc shows the waited-for signals unblocked). Between the execve and
 * that instruction the kernel drops a default-action signal sent to a namespace's PID 1, for every init
 * (see native/src/pid1/main.c); the test's clock starts after it.
 */
async function pastFirstInstruction(pid: number): Promise<void> {
  for (let i = 0; i < 2500; i++) {
    try {
      const blocked = BigInt(`0x${statusFields(readFileSync(`/proc/${pid}/status`, 'utf8')).SigBlk}`);
      const forked = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim() !== '';
      if (readlinkSync(`/proc/${pid}/exe`).endsWith('/bin/node-init') && (forked || (blocked & (1n << BigInt(S.SIGTERM - 1))) !== 0n)) return;
    } catch {
      // not there yet
    }
    await sleep(1);
  }
  throw new Error(`${pid} never ran node-init`);
}

describe('nothing to plan: node-init -- COMMAND is supervised without Node', () => {
  it('PID 1 is node-init\'s own program, not node', async () => {
    const result = await run(asPid1(['--', 'sh', '-c', 'readlink /proc/1/exe; grep -c . /proc/1/maps']));
    const [exe] = result.stdout.split('\n');
    expect(exe).toBe(join(ROOT, 'bin/node-init'));
    expect(result.stdout).not.toContain('/node\n');
  });

  it.each([
    ['an option', ['-v', '--user', 'nobody', '--'], {}],
    ['a NODE_INIT_* variable', ['--'], { NODE_INIT_USER: 'nobody' }],
  ])('with %s, Node plans as a child and is gone: PID 1 is node-init, one thread, no node left', async (_, args, env) => {
    // (/proc/1/exe is unreadable now: a process that changed its uid is not dumpable.)
    const script = 'cat /proc/1/comm; ls /proc/1/task | wc -l; cat /proc/[0-9]*/comm | grep -cx node';
    const result = await run(asPid1([...args, 'sh', '-c', script]), { env });
    expect(result.stdout.split('\n').slice(0, 3)).toEqual(['node-init', '1', '0']);
  });

  // The plan is read while Node runs; a stop then ends it without starting anything. The planner is held
  // (SIGSTOP) so that the stop surely lands while it plans; a try that finds the service already started
  // is not counted.
  it('a SIGTERM while the planner runs: 143, and the service never starts', async () => {
    for (let attempt = 0; attempt < 10; attempt++) {
      const started = start(asPid1(['-v', '--user', 'nobody', '--', 'sleep', '1000']));
      const init = await childOf(started.pid);
      const planner = await childOf(init); // (never 0: a kill(0) would stop the test itself)
      process.kill(planner, S.SIGSTOP);
      // The planner runs as root; the service's process (forked after the drop) as nobody.
      if (statusFields(readFileSync(`/proc/${planner}/status`, 'utf8')).Uid?.split('\t')[0] !== '0') {
        process.kill(init, S.SIGKILL); // too late: the service's process; try again
        await started.done;
        continue;
      }
      process.kill(init, S.SIGTERM);
      const result = await started.done;
      expect(result.code).toBe(143);
      expect(result.stderr).not.toContain('started the service'); // -v would say it
      return;
    }
    throw new Error('the planner was never caught while planning in 10 tries');
  });

  // The earliest instant, made exact, planned: Node as PID 1 reset the mask at boot and lost it.
  it('a SIGTERM already pending when PID 1 starts, with a plan: 143 and nothing started', async () => {
    const script = 'import os, signal, sys; signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGTERM]); os.kill(os.getpid(), signal.SIGTERM); os.execv(sys.argv[1], sys.argv[1:])';
    const result = await run(['unshare', '--pid', '--fork', '--mount-proc', 'python3', '-c', script, NODE_INIT, '--user', 'nobody', '--', 'sleep', '1000'], { timeoutMs: 10_000 });
    expect(result.code).toBe(143);
  });

  it('every signal 1–31 but KILL, STOP and CHLD, and SIGRTMIN…SIGRTMAX, reaches the service', async () => {
    const started = start(asPid1(['--', 'python3', REPORTER, 'main', '--all', '--exit-on-term']));
    await started.waitFor('main ready');
    const init = await childOf(started.pid);
    const signals = [...Array.from({ length: 31 }, (_, i) => i + 1).filter((n) => ![S.SIGKILL, S.SIGSTOP, S.SIGCHLD, S.SIGTERM, S.SIGTSTP, S.SIGTTIN, S.SIGTTOU].includes(n)), ...Array.from({ length: SIGRTMAX - SIGRTMIN + 1 }, (_, i) => SIGRTMIN + i)];
    for (const signal of signals) {
      process.kill(init, signal);
      await started.waitFor(gotSignal('main', signal));
    }
    process.kill(init, S.SIGTERM);
    const result = await started.done;
    expect(result.stdout).toContain(`main got ${S.SIGTERM}`);
    expect(result.code).toBe(0);
  });

  // Planned, the moment falls while Node plans (then the planner is stopped and nothing starts) or after.
  it.each([['nothing to plan', []], ['planned', ['--user', 'nobody']]] as const)('a SIGTERM sent 5–300 ms after PID 1 starts is never lost (200 tries, %s)', async (_, flags) => {
    const codes = new Map<number | null, number>();
    for (let i = 0; i < 200; i++) {
      const started = start(asPid1([...flags, '--', 'sleep', '1000']), { timeoutMs: 5_000 });
      const init = await childOf(started.pid);
      await pastFirstInstruction(init);
      await sleep(5 + Math.random() * 295);
      process.kill(init, S.SIGTERM);
      const { code } = await started.done;
      codes.set(code, (codes.get(code) ?? 0) + 1);
    }
    // Forwarded to `sleep` (which dies of it); before it started, held until it did; or, while Node
    // planned, node-init's own 128+15: 143 each time; a lost one would hang until the test's kill (null).
    expect([...codes]).toEqual([[143, 200]]);
  }, 240_000);

  // The earliest instant, made exact: the runtime's process blocks SIGTERM, gets it, then execs node-init
  // (an exec keeps the mask and what is pending). PID 1 holds it until the service runs.
  it('a SIGTERM already pending when PID 1 starts reaches the service', async () => {
    const script = 'import os, signal, sys; signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGTERM]); os.kill(os.getpid(), signal.SIGTERM); os.execv(sys.argv[1], sys.argv[1:])';
    const result = await run(['unshare', '--pid', '--fork', '--mount-proc', 'python3', '-c', script, NODE_INIT, '--', 'sleep', '1000'], { timeoutMs: 10_000 });
    expect(result.code).toBe(143);
  });

  it('exec mode: a SIGTERM pending when the plan has been carried out ends node-init (143), nothing started', async () => {
    const dir = tempDir();
    chmodSync(dir, 0o777);
    const marker = join(dir, 'started');
    const script = 'import os, signal, sys; signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGTERM]); os.kill(os.getpid(), signal.SIGTERM); os.execv(sys.argv[1], sys.argv[1:])';
    const result = await run(['unshare', '--pid', '--fork', '--mount-proc', 'python3', '-c', script, NODE_INIT, '--exec', '--user', 'nobody', '--', 'touch', marker], { timeoutMs: 10_000 });
    expect(result.code).toBe(143);
    expect(existsSync(marker)).toBe(false);
  });

  // A caller's ignored SIGCHLD survives exec: the kernel would reap the service itself.
  it.each([['plain', []], ['planned', ['--user', 'nobody']]] as const)('an ignored SIGCHLD at start still gives the service\'s exit code (%s)', async (_, flags) => {
    const script = 'import os, signal, sys; signal.signal(signal.SIGCHLD, signal.SIG_IGN); os.execv(sys.argv[1], sys.argv[1:])';
    const result = await run(['python3', '-c', script, NODE_INIT, ...flags, '--', 'sh', '-c', 'exit 3'], { timeoutMs: 10_000 });
    expect(result.code).toBe(3);
  });

  it('the service gets the environment and the fds PID 1 was given, byte for byte', async () => {
    // LC_CTYPE set: python3 (with-fds.py) would otherwise add one to the environment itself (PEP 538).
    const env = { NODE_OPTIONS: '--require /nonexistent.js', UV_USE_IO_URING: '1', ODD: 'a\nb "c" $d \\e', EMPTY: '', LC_CTYPE: 'C.UTF-8' };
    const script = 'cat /proc/self/environ; printf "\\0--fds--"; ls /proc/self/fd | sort -n | tr "\\n" " "';
    const result = await run(['python3', join(FIXTURES, 'with-fds.py'), '5,7', ...asPid1(['--', 'sh', '-c', script])], { env, cleanEnv: true });
    const [environ, fds] = result.stdout.split('\0--fds--');
    const given = Object.entries(env).map(([name, value]) => `${name}=${value}`);
    expect(environ!.split('\0').filter((entry) => entry !== '' && !entry.startsWith('PWD=')).sort()).toEqual(given.sort());
    expect(fds!.trim().split(' ').map(Number)).toEqual(expect.arrayContaining([5, 7]));
  });

  it('before the service can look, PID 1 has left its working directory and closed the fds it passed on', async () => {
    // The service looks at once: with Node as PID 1 this raced (supervise.test.ts waits for it there).
    const script = 'readlink /proc/1/cwd; ls /proc/1/fd | sort -n | tr "\\n" " "; echo; pwd';
    const dir = tempDir();
    const result = await run(['python3', join(FIXTURES, 'with-fds.py'), '5', ...asPid1(['--', 'sh', '-c', script])], { cwd: dir });
    const [cwd, fds, servicePwd] = result.stdout.split('\n');
    expect(cwd).toBe('/');
    expect(fds!.trim().split(' ').map(Number)).toEqual([0, 1, 2]);
    expect(servicePwd).toBe(dir); // the service itself starts where node-init was started
  });

  it.each([
    [['no-such-command'], 127, 'no-such-command: command not found'],
    [[join(FIXTURES, 'record-uid.js')], 126, 'record-uid.js: cannot execute: permission denied'],
    [['/nonexistent/x'], 127, '/nonexistent/x: cannot execute: no such file, or its interpreter is missing'],
  ])('%j: exit %i and one line, as in the TypeScript', async (command, code, message) => {
    const result = await run(asPid1(['--', ...command]));
    expect(result.code).toBe(code);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'error', name: 'node-init', msg: expect.stringContaining(message) });
  });
});

describe('the node that plans is one only root could have put there', () => {
  /** A PATH directory the service user can write, holding a planted `node` that leaves a mark. */
  function planted(): { dir: string; mark: string } {
    const dir = tempDir();
    chmodSync(dir, 0o755);
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    chownSync(bin, 65534, 65534);
    const mark = join(dir, 'ran-as-root');
    writeFileSync(join(bin, 'node'), `#!/bin/sh\ntouch ${mark}\nexit 1\n`, { mode: 0o755 });
    return { dir: bin, mark };
  }

  it('a node planted in a PATH directory the service can write is never run as root', async () => {
    const { dir, mark } = planted();
    const result = await run([NODE_INIT, '--exec', '--user', 'nobody', '--', 'id', '-u'], { env: { PATH: `${dir}:${process.env.PATH}` } });
    expect(result.stdout).toBe('65534\n');
    expect(existsSync(mark)).toBe(false);
  });

  it('nor through an empty PATH entry in a working directory the service owns', async () => {
    const { dir, mark } = planted();
    const result = await run([NODE_INIT, '--exec', '--user', 'nobody', '--', 'id', '-u'], { env: { PATH: `:${process.env.PATH}` }, cwd: dir });
    expect(result.stdout).toBe('65534\n');
    expect(existsSync(mark)).toBe(false);
  });

  it('node-init\'s own files writable by another user are refused as root, in one line', async () => {
    // A copy of the package the service user owns (e.g. installed by `npm install` as that user).
    const copy = join(tempDir(), 'pkg');
    mkdirSync(join(copy, 'bin'), { recursive: true });
    mkdirSync(join(copy, 'dist'));
    copyFileSync(NODE_INIT, join(copy, 'bin/node-init'));
    chmodSync(join(copy, 'bin/node-init'), 0o755);
    copyFileSync(join(ROOT, 'dist/node-init.js'), join(copy, 'dist/node-init.js'));
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
    chmodSync(join(copy, '..'), 0o755);
    chownSync(join(copy, 'dist'), 65534, 65534);
    const result = await run([join(copy, 'bin/node-init'), '--exec', '--user', 'nobody', '--', 'true']);
    expect(result.code).toBe(125);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(result.stderr)).toMatchObject({
      level: 'error',
      msg: `refusing to run ${copy}/dist/node-init.js as root: ${copy}/dist belongs to uid 65534; install node-init where only root can write (npm install -g, or COPY it as root)`,
    });
  });
});

describe('no shell needed', () => {
  it('runs with no /bin/sh at all, plain and planned (a distroless image)', async () => {
    // In a private root: the shell is hidden under an empty file, then the script execs node-init.
    const script = `
      mount --bind /dev/null /usr/bin/dash && mount --bind /dev/null /usr/bin/bash
      /bin/sh -c true 2>/dev/null && echo "a shell is still there" >&2
      $NODE_INIT -- /usr/bin/id -u
      exec $NODE_INIT --exec --user nobody -- /usr/bin/id -u`;
    const result = await sandbox(script);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('0\n65534\n');
  });
});
