// Terminal injection (gosu issue #37): a root shell on a real pty runs node-init over a program that
// pushes `touch MARKER` into the terminal with ioctl(TIOCSTI). The shell reads the terminal again after
// the program exits: if the push worked, root runs the command. gosu is the control: there it runs.
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, NODE_INIT, run, tempDir } from './helpers/run.js';

const INJECTOR = join(FIXTURES, 'injector.py');

/** Runs `launcher... python3 injector.py "touch MARKER"` from a root shell; returns the marker and transcript. */
async function injectFromRootShell(launcher: readonly string[], redirect = '') {
  const marker = join(tempDir('node-init-tiocsti-'), 'injected');
  const command = [...launcher, 'python3', INJECTOR, `touch ${marker}`];
  const argv = redirect === '' ? command : ['sh', '-c', `"$@" ${redirect}`, 'sh', ...command];
  const result = await run(['python3', join(FIXTURES, 'inject-shell.py'), ...argv], { timeoutMs: 50_000 });
  expect(result.stdout).toMatch(/EXIT 0\s*$/);
  expect(result.stdout).toContain('shell-synced-42'); // the shell read the terminal after the program
  return { injected: existsSync(marker), transcript: result.stdout };
}

describe('a service cannot push input into the terminal of the shell that started node-init', () => {
  it('control: through gosu, the root shell runs what the service pushed', async () => {
    const { injected, transcript } = await injectFromRootShell(['gosu', 'nobody']);
    expect(transcript).toContain('injector uid=65534 fd0=ok devtty=ok');
    expect(injected).toBe(true);
  });

  it.each([
    ['exec mode', ['--exec']],
    ['supervise mode', []],
    ['supervise mode, --single-child', ['--single-child']],
  ])('%s: TIOCSTI is refused and nothing runs', async (_, flags) => {
    const { injected, transcript } = await injectFromRootShell([NODE_INIT, ...flags, '--user', 'nobody', '--']);
    // fd 0 is still the terminal (the service can read and write it) but not its controlling terminal.
    expect(transcript).toContain('injector uid=65534 fd0=Operation not permitted devtty=No such device or address');
    expect(injected).toBe(false);
  });

  it('exec mode with stdio redirected: /dev/tty is gone too (gosu: it still works)', async () => {
    const redirect = '</dev/null >/dev/null 2>&1';
    expect((await injectFromRootShell(['gosu', 'nobody'], redirect)).injected).toBe(true);
    expect((await injectFromRootShell([NODE_INIT, '--exec', '--user', 'nobody', '--'], redirect)).injected).toBe(false);
  });
});

describe('the session leader owning its terminal (PID 1 of docker run -it) passes it on', () => {
  /** The service's controlling terminal (0: none) when `script` runs `shellCommand` on a new pty. */
  async function serviceTerminal(shellCommand: (service: string) => string): Promise<number> {
    const dir = tempDir();
    chmodSync(dir, 0o777);
    const out = join(dir, 'ctty');
    // "; true" keeps script's shell from exec'ing the command: it stays the session leader.
    await run(['script', '-qec', `${shellCommand(`python3 ${join(FIXTURES, 'ctty.py')} ${out}`)}; true`, '/dev/null']);
    return Number(readFileSync(out, 'utf8'));
  }

  it.each([
    ['exec mode', '--exec'],
    ['supervise mode, --single-child', '--single-child'],
  ])('%s: the service keeps it as its controlling terminal', async (_, flag) => {
    // `setsid -c` makes node-init the session leader owning the pty, as runc does for docker run -t.
    expect(await serviceTerminal((service) => `setsid -c ${NODE_INIT} ${flag} --user nobody -- ${service}`)).toBeGreaterThan(0);
    // Without it, node-init is a member of the shell's session, and the service leaves the terminal.
    expect(await serviceTerminal((service) => `${NODE_INIT} ${flag} --user nobody -- ${service}`)).toBe(0);
  });

  it('control: gosu leaves the service on the terminal of the shell\'s session', async () => {
    expect(await serviceTerminal((service) => `gosu nobody ${service}`)).toBeGreaterThan(0);
  });
});
