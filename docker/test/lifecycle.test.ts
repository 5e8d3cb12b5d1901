// Stopping, as the runtime does it (issue 12's lifecycle cases), with the app image
// (ENTRYPOINT ["node-init", "--user", "node", "--"]). Docker's SIGKILL at the end of `docker stop -t`
// shows as exit code 137: none of these may end that way.
import { describe, expect, it } from 'vitest';
import { cleanUpAfterEach, docker, dockerOk, IMAGES, inspect, startDetached, waitForLog, waitForRedis } from './helpers.js';

cleanUpAfterEach();

/** A service whose SIGTERM handler takes `ms` to finish, then exits 0. */
const slowStop = (ms: number): string[] => [
  'node', '-e',
  `process.on('SIGTERM', () => { console.log('term'); setTimeout(() => { console.log('done'); process.exit(0); }, ${ms}); }); console.log('ready'); setInterval(() => {}, 1e6);`,
];

describe('docker stop follows the runtime\'s clock', () => {
  it('docker stop -t 30 with an 8 s TERM handler: the handler finishes, exit 0', async () => {
    const name = await startDetached('slow-stop', [], IMAGES.app, slowStop(8000));
    await waitForLog(name, 'ready');
    await dockerOk(['stop', '--time', '30', name], { timeoutMs: 60_000 });
    expect(await inspect(name, '{{.State.ExitCode}}')).toBe('0');
    expect((await docker(['logs', name])).stdout).toContain('done');
  });

  it('a root process left by docker exec does not hold the stop: the service\'s exit code, not 137', async () => {
    const name = await startDetached('exec-leftover', [], IMAGES.app);
    await waitForLog(name, 'listening on 3000');
    await dockerOk(['exec', '--detach', '--user', '0', name, 'sleep', '1000']);
    await dockerOk(['stop', '--time', '20', name], { timeoutMs: 60_000 });
    expect(await inspect(name, '{{.State.ExitCode}}')).toBe('0');
  });

  it('docker run -d then docker stop at once: stopped by the TERM (0 or 143), never docker\'s KILL', async () => {
    const codes: string[] = [];
    for (let i = 0; i < 3; i++) {
      const name = await startDetached(`stop-at-once-${i}`, [], IMAGES.app);
      await dockerOk(['stop', '--time', '20', name], { timeoutMs: 60_000 });
      codes.push(await inspect(name, '{{.State.ExitCode}}'));
    }
    for (const code of codes) expect(['0', '143']).toContain(code);
  });
});

describe('PID 1 stays out of the OOM killer\'s way', () => {
  it('under -m 48m, redis filled until OOM: the kernel kills redis, not node-init, which says so and exits 137', async () => {
    const name = await startDetached('oom', ['-m', '48m', '--memory-swap', '48m', '-e', 'NODE_INIT_VERBOSE=1'], IMAGES.redis, ['redis-server', '--enable-debug-command', 'yes']);
    await waitForRedis(name);
    await docker(['exec', name, 'redis-cli', 'DEBUG', 'POPULATE', '2000000', 'key', '64'], { timeoutMs: 60_000 });
    await waitForLog(name, 'the service ended (signal SIGKILL)');
    expect(await inspect(name, '{{.State.OOMKilled}}')).toBe('true');
    expect(await inspect(name, '{{.State.ExitCode}}')).toBe('137');
  });
});
