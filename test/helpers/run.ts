// Runs node-init (and its peers) as real processes, optionally with temporary /etc/passwd and /etc/group
// bind-mounted inside a private mount namespace: the machine's own /etc is never touched.
import { spawn, type SpawnOptions } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../..');
export const NODE_INIT = join(ROOT, 'bin/node-init');
export const BUNDLE = join(ROOT, 'dist/node-init.js');
export const FIXTURES = join(ROOT, 'test/fixtures');

export interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  pid: number;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  /** Replaces the environment instead of adding to the test's own. */
  cleanEnv?: boolean;
  input?: string;
  stdio?: SpawnOptions['stdio'];
  timeoutMs?: number;
  cwd?: string;
}

/** The environment node-init gets by default: the test's own, minus anything that changes its logging. */
export function baseEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('NODE_INIT_') || name === 'NODE_OPTIONS') delete env[name];
  return env;
}

/**
 * A timed-out test kills what it started and that process's children: under `unshare --fork` the child
 * is node-init, PID 1 of its namespace, and the namespace ends with it (unshare's --kill-child does not
 * survive node-init's switch of user).
 */
function killWithChildren(pid: number | undefined): void {
  if (pid === undefined) return;
  let children: string[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ').filter(Boolean);
  } catch {
    // already gone
  }
  for (const target of [...children.map(Number), pid]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

export function run(argv: readonly string[], options: RunOptions = {}): Promise<Result> {
  const env = options.cleanEnv ? { ...options.env } : { ...baseEnv(), ...options.env };
  const child = spawn(argv[0] as string, argv.slice(1), {
    env,
    cwd: options.cwd ?? ROOT,
    stdio: options.stdio ?? ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  if (child.stdin) child.stdin.on('error', () => {}).end(options.input ?? '');
  const timer = setTimeout(() => killWithChildren(child.pid), options.timeoutMs ?? 20_000);
  return new Promise((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr, pid: child.pid ?? -1 });
    });
  });
}

/** node-init through its launcher, as users run it. */
export function nodeInit(args: readonly string[], options: RunOptions = {}): Promise<Result> {
  return run([NODE_INIT, ...args], options);
}

export interface Etc {
  passwd: string;
  group: string;
}

export function readFixtureEtc(): Etc {
  return {
    passwd: readFileSync(join(FIXTURES, 'etc/passwd'), 'utf8'),
    group: readFileSync(join(FIXTURES, 'etc/group'), 'utf8'),
  };
}

/** argv that runs `argv` with `etc` bind-mounted over /etc/passwd and /etc/group in a new mount namespace. */
export function withEtc(etc: Etc, argv: readonly string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'node-init-etc-'));
  writeFileSync(join(dir, 'passwd'), etc.passwd);
  writeFileSync(join(dir, 'group'), etc.group);
  const script = 'mount --bind "$1" /etc/passwd && mount --bind "$2" /etc/group && shift 2 && exec "$@"';
  return ['unshare', '--mount', '--propagation', 'private', '--', 'sh', '-c', script, 'sh', join(dir, 'passwd'), join(dir, 'group'), ...argv];
}

/** The first line of JSON log output whose msg contains `text`. */
export function logLine(stderr: string, text: string): Record<string, unknown> | undefined {
  for (const line of stderr.split('\n')) {
    if (!line.startsWith('{')) continue;
    const record = JSON.parse(line) as Record<string, unknown>;
    if (String(record.msg).includes(text)) return record;
  }
  return undefined;
}

export function tempDir(prefix = 'node-init-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

const privateDirs: string[] = [];

/**
 * A fresh directory in /run: only root can write it or any directory above it, as node-init running as
 * root requires of a --config file's. Remove them with removePrivateDirs() (afterAll).
 */
export function privateDir(): string {
  const dir = mkdtempSync('/run/node-init-test-');
  chmodSync(dir, 0o755);
  privateDirs.push(dir);
  return dir;
}

export function removePrivateDirs(): void {
  for (const dir of privateDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export const SANDBOX = join(FIXTURES, 'sandbox-root.sh');

/**
 * Runs a shell script as root in a private root (test/fixtures/sandbox-root.sh): a tmpfs "/" with the
 * machine's system directories read-only, where node-init can be aimed at /var/lib, /usr/local or "/"
 * with no risk to the machine. The script finds node-init in $NODE_INIT and the fixtures in $FIXTURES.
 * ext4: an ext4 filesystem is mounted at /srv/ext4.
 */
export function sandbox(script: string, options: { ext4?: boolean; env?: NodeJS.ProcessEnv; timeoutMs?: number; args?: string[] } = {}): Promise<Result> {
  const argv = ['sh', SANDBOX, ...(options.ext4 ? ['--ext4'] : []), script, ...(options.args ?? [])];
  return run(argv, { env: options.env ?? {}, timeoutMs: options.timeoutMs ?? 60_000 });
}

export interface Runtime {
  name: string;
  /** Directory holding the `node` binary; put first on PATH so bin/node-init uses it. */
  dir: string;
}

/** The machine's Node and the official 22, 24 and 26 binaries fetched by scripts/test-deps.sh. */
export const RUNTIMES: Runtime[] = [
  { name: `node ${process.versions.node} (machine)`, dir: dirname(process.execPath) },
  ...[22, 24, 26].map((major) => ({ name: `node ${major}`, dir: join(ROOT, '.cache/runtimes', String(major), 'bin') })),
];

export function runtimeEnv(runtime: Runtime): NodeJS.ProcessEnv {
  return { PATH: `${runtime.dir}:${process.env.PATH ?? '/usr/bin:/bin'}` };
}

/** Fields of a /proc/PID/status text. */
export function statusFields(status: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of status.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) fields[line.slice(0, colon)] = line.slice(colon + 1).trim();
  }
  return fields;
}

export interface Started {
  pid: number;
  /** Resolves once stdout (or stderr) has contained `text` (counting from the start). */
  /** Waits for `text` (a RegExp to match, or a string to find) in the output. */
  waitFor(text: string | RegExp, stream?: 'stdout' | 'stderr'): Promise<void>;
  output(): { stdout: string; stderr: string };
  done: Promise<Result>;
}

/** Starts a process and lets the test interact with it while it runs. */
export function start(argv: readonly string[], options: RunOptions = {}): Started {
  const env = options.cleanEnv ? { ...options.env } : { ...baseEnv(), ...options.env };
  const child = spawn(argv[0] as string, argv.slice(1), { env, cwd: options.cwd ?? ROOT, stdio: options.stdio ?? ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters: Array<() => void> = [];
  const notify = (): void => waiters.splice(0).forEach((wake) => wake());
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => ((stdout += chunk), notify()));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => ((stderr += chunk), notify()));
  const timer = setTimeout(() => killWithChildren(child.pid), options.timeoutMs ?? 30_000);
  let closed = false;
  const done = new Promise<Result>((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      closed = true;
      notify();
      resolvePromise({ code, signal, stdout, stderr, pid: child.pid ?? -1 });
    });
  });
  const waitFor = (text: string | RegExp, stream: 'stdout' | 'stderr' = 'stdout'): Promise<void> =>
    new Promise((resolvePromise, reject) => {
      const check = (): void => {
        const output = stream === 'stdout' ? stdout : stderr;
        if (typeof text === 'string' ? output.includes(text) : text.test(output)) resolvePromise();
        else if (closed) reject(new Error(`exited before printing "${text}"\nstdout: ${stdout}\nstderr: ${stderr}`));
        else waiters.push(check);
      };
      check();
    });
  return { pid: child.pid ?? -1, waitFor, output: () => ({ stdout, stderr }), done };
}

/**
 * signal-reporter.py's "LABEL got N", N whole ("got 1" is in "got 12"); the reporters of one test share
 * a pipe, so another's line may run into it.
 */
export const gotSignal = (label: string, signal: number): RegExp => new RegExp(`${label} got ${signal}(?![0-9])`);

/** argv that runs node-init as PID 1 of a new PID namespace (with its own /proc). */
export function asPid1(args: readonly string[]): string[] {
  return ['unshare', '--pid', '--fork', '--mount-proc', NODE_INIT, ...args];
}

/** The pid (in this namespace) of the only child of `pid`: node-init under `unshare --fork`. */
export async function childOf(pid: number): Promise<number> {
  for (let i = 0; i < 500; i++) {
    try {
      const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
      if (children !== '') return Number(children.split(' ')[0]);
    } catch {
      // not there yet
    }
    await new Promise((wake) => setTimeout(wake, 10));
  }
  throw new Error(`process ${pid} has no child`);
}

/** node-init refuses `args`: one line containing `message`, exit 125, and the command never started. */
export async function expectRefused(args: readonly string[], message: string, env: NodeJS.ProcessEnv = {}): Promise<void> {
  const { expect } = await import('vitest');
  const marker = join(tempDir(), 'started');
  const result = await nodeInit([...args, '--', 'touch', marker], { env: { NODE_INIT_LOG_FORMAT: 'pretty', ...env } });
  expect(result.stderr).toContain(message);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(result.code).toBe(125);
  expect(existsSync(marker)).toBe(false);
}

export const sleep = (ms: number): Promise<void> => new Promise((wake) => setTimeout(wake, ms));
