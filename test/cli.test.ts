// node-init's own behaviour around the service: mistakes, help, logging, exit codes, the launcher, and the
// refusals that keep the drop safe.
import { chmodSync, copyFileSync, mkdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPTIONS } from '../src/cli/options.js';
import { asPid1, BUNDLE, logLine, nodeInit, ROOT, run, tempDir } from './helpers/run.js';
import { version } from '../package.json';

const pretty = ['--log-format', 'pretty'];

describe('every mistake: one line naming the problem and the fix, exit 125, nothing started', () => {
  it.each([
    [['--bogus', '--', 'true'], 'node-init: unknown option --bogus; run "node-init --help" to see every option'],
    [['-x', 'true'], 'node-init: unknown option -x; run "node-init --help" to see every option'],
    [['--usr', 'nobody', 'true'], 'node-init: unknown option --usr: did you mean --user? (run "node-init --help" to see every option)'],
    [['--chwon', '/data', 'true'], 'node-init: unknown option --chwon: did you mean --chown? (run "node-init --help" to see every option)'],
    [['-user', 'nobody', 'true'], 'node-init: -user: a long option takes two dashes: --user'],
    [['-chown=/data', 'true'], 'node-init: -chown=/data: a long option takes two dashes: --chown=/data'],
    [['--user'], 'node-init: --user needs a value (SPEC); run "node-init --help" to see every option'],
    [['--user', 'nobody'], 'node-init: no command given: put the command after the options, e.g. node-init --user nobody -- id'],
    [['--user', 'nobody', '--'], 'node-init: no command given: put the command after the options, e.g. node-init --user nobody -- id'],
    [['--exec=yes', 'true'], 'node-init: --exec takes no value; remove "=yes"'],
    [['--user', 'a', '--user', 'b', 'true'], 'node-init: --user was given twice; give it once'],
    [['--log-format', 'xml', 'true'], 'node-init: --log-format must be one of json, pretty, not "xml"'],
    [['--', ''], 'node-init: the command is an empty string; give the program to run'],
    // What the user typed is quoted with its control characters escaped: still one line, no terminal escapes.
    [['--user', 'a\nb', 'true'], 'node-init: unknown user "a\\nb": /etc/passwd has no such user; use a name from it or a numeric uid:gid'],
    [['--user', '\x1b[2Jx\u2028', 'true'], 'node-init: unknown user "\\u001b[2Jx\\u2028": /etc/passwd has no such user; use a name from it or a numeric uid:gid'],
  ])('%j', async (args, message) => {
    const result = await nodeInit(args, { env: { NODE_INIT_LOG_FORMAT: 'pretty' } });
    expect(result.stderr).toBe(`${message}\n`);
    expect(result.stdout).toBe('');
    expect(result.code).toBe(125);
  });

  it('a bad NODE_INIT_LOG_LEVEL', async () => {
    const result = await nodeInit([...pretty, '--exec', '--', 'true'], { env: { NODE_INIT_LOG_LEVEL: 'loud' } });
    expect(result.stderr).toBe('node-init: NODE_INIT_LOG_LEVEL must be one of debug, info, warn, error, silent, not "loud"\n');
    expect(result.code).toBe(125);
  });

  it('in JSON format, the same mistake is one JSON line', async () => {
    const result = await nodeInit(['--bogus']);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ level: 'error', name: 'node-init', msg: 'unknown option --bogus; run "node-init --help" to see every option' });
  });
});

describe('help and version', () => {
  it('--help names every option and shows an example, on stdout, exit 0', async () => {
    const result = await nodeInit(['--help']);
    expect(result.code).toBe(0);
    for (const option of OPTIONS) expect(result.stdout).toContain(`--${option.name}`);
    expect(result.stdout).toContain('node-init --exec --user nobody -- id');
    expect(result.stdout).toContain('125');
  });

  it('--version prints the package version', async () => {
    const result = await nodeInit(['-V']);
    expect(result.stdout).toMatch(new RegExp(`^node-init ${version.replace(/\./g, '\\.')} \\(node v`));
  });

  it('options stop at the first word: the command keeps its own flags', async () => {
    const result = await nodeInit(['--exec', 'echo', '--help', '-v']);
    expect(result.stdout).toBe('--help -v\n');
  });
});

describe('exit codes of exec failures', () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'bin'));
  writeFileSync(join(dir, 'bin/not-executable'), '#!/bin/sh\necho hi\n', { mode: 0o644 });
  writeFileSync(join(dir, 'bin/garbage'), 'not a program\0\0\0', { mode: 0o755 });
  writeFileSync(join(dir, 'bin/bad-interpreter'), '#!/nonexistent/sh\n', { mode: 0o755 });
  mkdirSync(join(dir, 'bin/a-directory'));
  // Executable for root only: found, but not as nobody, who gets the next one on PATH.
  mkdirSync(join(dir, 'root-only'));
  writeFileSync(join(dir, 'root-only/which-one'), '#!/bin/sh\necho root-only\n', { mode: 0o700 });
  writeFileSync(join(dir, 'bin/which-one'), '#!/bin/sh\necho everyone\n', { mode: 0o755 });
  chmodSync(dir, 0o755);
  const env = { PATH: `${dir}/root-only:${dir}/bin:/usr/bin:/bin` };

  it.each([
    ['no-such-command', 127, 'node-init: no-such-command: command not found'],
    ['/no/such/file', 127, 'node-init: /no/such/file: cannot execute: no such file, or its interpreter is missing'],
    ['not-executable', 126, `node-init: not-executable: permission denied (${dir}/bin/not-executable is not an executable file for this user)`],
    ['a-directory', 127, 'node-init: a-directory: command not found'],
    ['garbage', 126, 'node-init: garbage: cannot execute: not an executable format'],
    ['bad-interpreter', 127, 'node-init: bad-interpreter: cannot execute: no such file, or its interpreter is missing'],
  ])('%s → %i', async (command, code, message) => {
    const result = await nodeInit([...pretty, '--exec', '--user', 'nobody', '--', command], { env });
    expect(result.stderr).toBe(`${message}\n`);
    expect(result.code).toBe(code);
  });

  it('the command is looked up after the drop, as the user', async () => {
    expect((await nodeInit(['--exec', '--user', 'nobody', '--', 'which-one'], { env })).stdout).toBe('everyone\n');
    expect((await nodeInit(['--exec', '--', 'which-one'], { env })).stdout).toBe('root-only\n');
  });

  it('the service\'s own exit code passes through', async () => {
    for (const code of [0, 1, 42, 255]) {
      expect((await nodeInit(['--exec', '--user', 'nobody', '--', 'sh', '-c', `exit ${code}`])).code).toBe(code);
    }
  });
});

describe('logging', () => {
  it('prints nothing by default when all goes well', async () => {
    const result = await nodeInit(['--exec', '--user', 'nobody', '--', 'true']);
    expect(result.stderr).toBe('');
  });

  it('-v shows each step, and the last line before the exec arrives', async () => {
    const result = await nodeInit(['-v', '--exec', '--user', 'nobody', '--', 'true']);
    expect(logLine(result.stderr, 'switched to user nobody')).toMatchObject({ level: 'info', uid: 65534, gid: 65534 });
    expect(logLine(result.stderr, 'exec')).toMatchObject({ argv: ['true'] });
    expect(result.code).toBe(0);
  });

  it('NODE_INIT_LOG_LEVEL=info does the same, and the service does not see it', async () => {
    const result = await nodeInit(['--exec', '--user', 'nobody', '--', 'sh', '-c', 'env | grep -c ^NODE_INIT_ || true'], { env: { NODE_INIT_LOG_LEVEL: 'info' } });
    expect(logLine(result.stderr, 'switched to user')).toBeDefined();
    expect(result.stdout).toBe('0\n');
  });

  it('readable text on a terminal, JSON lines otherwise', async () => {
    const onTerminal = await run(['script', '-qec', `${join(ROOT, 'bin/node-init')} --exec --user bogus -- true`, '/dev/null']);
    expect(onTerminal.stdout).toContain('node-init: unknown user "bogus"');
    expect(onTerminal.stdout).not.toContain('{"level"');
    const onPipe = await nodeInit(['--exec', '--user', 'bogus', '--', 'true']);
    expect(JSON.parse(onPipe.stderr)).toMatchObject({ level: 'error' });
  });
});

describe('the launcher finds node-init however it is invoked', () => {
  it('by a relative path, an absolute path, or a symlink (as npm and Dockerfiles install it)', async () => {
    const dir = tempDir();
    symlinkSync(join(ROOT, 'bin/node-init'), join(dir, 'node-init'));
    for (const [argv, cwd] of [[['bin/node-init'], ROOT], [['./node-init'], join(ROOT, 'bin')], [[join(ROOT, 'bin/node-init')], dir], [[join(dir, 'node-init')], '/']] as const) {
      const result = await run([...argv, '--version'], { cwd });
      expect(result.stdout, argv[0]).toMatch(/^node-init /);
    }
  });
});

describe('the launcher hands the service its environment unchanged', () => {
  it('awkward values of NODE_* variables survive: newlines, quotes, $, backslashes, empty', async () => {
    const values: Record<string, string> = {
      NODE_OPTIONS: '--max-old-space-size=64',
      NODE_ENV: 'production',
      NODE_WEIRD: 'a\nNODE_FAKE=1\nb "c" \'d\' $HOME `x` \\n \\',
      NODE_EMPTY: '',
      UV_THREADPOOL_SIZE: '2',
      OPENSSL_CONF: '/etc/ssl/none.cnf',
      PLAIN: 'x\ny',
    };
    const script = 'process.stdout.write(JSON.stringify(process.env))';
    const result = await nodeInit(['--exec', '--user', 'nobody', '--', 'node', '-e', script], { env: values });
    expect(result.stderr).toBe('');
    const seen = JSON.parse(result.stdout) as Record<string, string>;
    for (const [name, value] of Object.entries(values)) expect(seen[name], name).toBe(value);
    expect(Object.keys(seen).filter((name) => name === 'NODE_FAKE' || name.startsWith('NODE_INIT_'))).toEqual([]);
  });

  it('HOME is the user\'s, USER and LOGNAME its name; other variables are untouched', async () => {
    const result = await nodeInit(['--exec', '--user', 'nobody', '--', 'sh', '-c', 'echo "$HOME $USER $LOGNAME $KEEP"'], { env: { HOME: '/root', USER: 'root', LOGNAME: 'root', KEEP: 'kept' } });
    expect(result.stdout).toBe('/nonexistent nobody nobody kept\n');
  });
});

describe('refusals that keep the drop safe', () => {
  it('the bundle run by node directly only plans, and refuses: bin/node-init carries out plans', async () => {
    const dir = tempDir();
    chmodSync(dir, 0o755);
    const result = await run(['node', BUNDLE, ...pretty, '--user', 'nobody', '--chmod', `700:${dir}`, '--', 'true']);
    expect(statSync(dir).mode & 0o777).toBe(0o755); // nothing acted
    expect(result.stderr).toBe('node-init: this bundle is node-init\'s planner: run bin/node-init, which starts it and carries out its plan\n');
    expect(result.code).toBe(125);
  });

  it('a setuid install: real and effective uid differ', async () => {
    const dir = tempDir();
    chmodSync(dir, 0o755);
    copyFileSync(process.execPath, join(dir, 'node'));
    chmodSync(join(dir, 'node'), 0o4755);
    const result = await run(['setpriv', '--reuid', '65534', '--regid', '65534', '--clear-groups', '--', join(ROOT, 'bin/node-init'), ...pretty, '--exec', '--user', 'nobody', '--', 'id', '-u'], {
      env: { PATH: `${dir}:/usr/bin:/bin` },
    });
    expect(result.stderr).toContain('real uid:gid 65534:65534 but effective 0:65534 (a setuid/setgid install)');
    expect(result.code).toBe(125);
    expect(result.stdout).toBe('');
  });

  it.each([
    ['setuid', 0o4755],
    ['setgid', 0o2755],
    ['setuid and setgid', 0o6755],
  ])('a %s node binary, even started by root (real and effective ids agree)', async (bits, mode) => {
    const dir = tempDir();
    chmodSync(dir, 0o755);
    copyFileSync(process.execPath, join(dir, 'node'));
    chmodSync(join(dir, 'node'), mode);
    const result = await nodeInit([...pretty, '--exec', '--', 'echo', 'started'], { env: { PATH: `${dir}:/usr/bin:/bin` } });
    expect(result.stderr).toBe(`node-init: the node binary running node-init (${join(dir, 'node')}) is ${bits}; remove the bit (chmod u-s,g-s) and start node-init as root instead\n`);
    expect(result.code).toBe(125);
    expect(result.stdout).toBe('');
    // Control: the same copy without the bits runs.
    chmodSync(join(dir, 'node'), 0o755);
    expect((await nodeInit(['--exec', '--', 'echo', 'started'], { env: { PATH: `${dir}:/usr/bin:/bin` } })).stdout).toBe('started\n');
  });

  it('started as non-root: the switch is skipped with one warning and the command runs as it is', async () => {
    const result = await run(['setpriv', '--reuid', '4242', '--regid', '4242', '--clear-groups', '--', join(ROOT, 'bin/node-init'), ...pretty, '--exec', '--user', 'nobody', '--', 'id', '-u']);
    expect(result.stdout).toBe('4242\n');
    expect(result.stderr).toBe('node-init: warning: not started as root (uid 4242), so --user nobody is skipped: the command runs as uid 4242\n');
    expect(result.code).toBe(0);
  });

  it('the process that drops is one thread (PID 1, not the planner), and the drop is verified there', async () => {
    const result = await run(asPid1(['-vv', '--user', 'nobody', '--', 'sh', '-c', 'ls /proc/1/task | wc -l; grep -E "^(Uid|Gid|Groups|CapEff|CapPrm|CapAmb):" /proc/1/status']));
    expect(result.stdout.split('\n')[0]).toBe('1');
    expect(result.stdout).toContain('Uid:\t65534\t65534\t65534\t65534');
    expect(result.stdout).toContain('CapPrm:\t0000000000000000');
    expect(result.code).toBe(0);
  });
;
});
