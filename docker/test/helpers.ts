// Drives the real Docker engine for the end-to-end tests: every container gets a unique name and the
// label below, and is removed after its test, with any host directory the test made for it.
import { rmSync } from 'node:fs';
import { afterEach, expect } from 'vitest';
import { run, sleep, tempDir, type Result, type RunOptions } from '../../test/helpers/run.js';

export const IMAGES = {
  app: 'node-init-example/node-app:test',
  redis: 'node-init-example/redis:test',
  redisGosu: 'node-init-example/redis-gosu:test',
  dockerSocket: 'node-init-example/docker-socket:test',
  dmi: 'node-init-example/dmi:test',
};

/** Marks the containers of this suite, so the global teardown can remove any a crash left behind. */
export const LABEL = 'node-init-e2e';

const containers = new Set<string>();
const dirs = new Set<string>();
let counter = 0;

/** Removes, after each test of the calling file, the containers and directories it made. */
export function cleanUpAfterEach(): void {
  afterEach(async () => {
    const names = [...containers];
    containers.clear();
    if (names.length > 0) await docker(['rm', '--force', '--volumes', ...names]);
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    dirs.clear();
  });
}

export function docker(args: readonly string[], options: RunOptions = {}): Promise<Result> {
  return run(['docker', ...args], { timeoutMs: 60_000, ...options });
}

/** `docker ARGS`, failing the test with docker's own words when it does not exit 0. */
export async function dockerOk(args: readonly string[], options: RunOptions = {}): Promise<string> {
  const result = await docker(args, options);
  if (result.code !== 0) throw new Error(`docker ${args.join(' ')} exited ${result.code}: ${result.stderr}${result.stdout}`);
  return result.stdout;
}

/** A fresh container name, removed after the test. */
export function containerName(what: string): string {
  const name = `node-init-e2e-${what}-${process.pid}-${++counter}`;
  containers.add(name);
  return name;
}

/** `docker run` options every test container gets: these machines give containers no network. */
export function runOptions(name: string): string[] {
  return ['--name', name, '--label', LABEL, '--network', 'none'];
}

/** Starts IMAGE detached (`docker run -d`) and returns the container's name. */
export async function startDetached(what: string, options: readonly string[], image: string, command: readonly string[] = []): Promise<string> {
  const name = containerName(what);
  await dockerOk(['run', '--detach', ...runOptions(name), ...options, image, ...command]);
  return name;
}

/** `docker run --rm` of IMAGE to completion. */
export function runOnce(options: readonly string[], image: string, command: readonly string[] = []): Promise<Result> {
  return docker(['run', '--rm', ...runOptions(containerName('once')), ...options, image, ...command]);
}

/** A host directory for a bind mount, removed after the test. */
export function hostDir(): string {
  const dir = tempDir('node-init-e2e-');
  dirs.add(dir);
  return dir;
}

export async function inspect(name: string, format: string): Promise<string> {
  return (await dockerOk(['inspect', '--format', format, name])).trim();
}

/** Waits until the container's logs contain TEXT; fails with the logs if it stops first. */
export async function waitForLog(name: string, text: string, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const logs = await docker(['logs', name]);
    const output = logs.stdout + logs.stderr;
    if (output.includes(text)) return output;
    if ((await inspect(name, '{{.State.Running}}')) !== 'true') {
      throw new Error(`${name} stopped (exit ${await inspect(name, '{{.State.ExitCode}}')}) before logging "${text}":\n${output}`);
    }
    if (Date.now() > deadline) throw new Error(`${name} did not log "${text}" within ${timeoutMs} ms:\n${output}`);
    await sleep(100);
  }
}

/**
 * Waits until redis in the container answers PING on PORT. After `docker start` the logs still hold the
 * first run's "Ready" line, so the answer itself is what is waited for.
 */
export async function waitForRedis(name: string, port = 6379, timeoutMs = 30_000): Promise<void> {
  await waitForLog(name, 'Ready to accept connections');
  const deadline = Date.now() + timeoutMs;
  let answer = await docker(['exec', name, 'redis-cli', '-p', String(port), 'ping']);
  while (answer.stdout.trim() !== 'PONG' && Date.now() < deadline && (await inspect(name, '{{.State.Running}}')) === 'true') {
    await sleep(100);
    answer = await docker(['exec', name, 'redis-cli', '-p', String(port), 'ping']);
  }
  expect(answer.stdout.trim()).toBe('PONG');
}

/** One redis-cli command run inside the container (as root, which redis-cli does not need). */
export async function redis(name: string, args: readonly string[]): Promise<string> {
  return (await dockerOk(['exec', name, 'redis-cli', ...args])).trim();
}

export interface Process {
  uid: number;
  pid: number;
  args: string;
}

/** The container's processes as `docker top` sees them, with numeric uids. */
export async function top(name: string): Promise<Process[]> {
  const lines = (await dockerOk(['top', name, '-eo', 'uid,pid,args'])).trim().split('\n').slice(1);
  return lines.map((line) => {
    const [uid, pid, ...args] = line.trim().split(/\s+/);
    return { uid: Number(uid), pid: Number(pid), args: args.join(' ') };
  });
}
