// docker/Dockerfile's app image (ENTRYPOINT ["node-init", "--user", "node", "--"]) in a real engine.
import { describe, expect, it } from 'vitest';
import { cleanUpAfterEach, docker, dockerOk, IMAGES, inspect, runOnce, startDetached, top, waitForLog } from './helpers.js';

cleanUpAfterEach();

/** What the app answers over HTTP from inside its container: the ids it runs with. */
async function askApp(name: string): Promise<{ uid: number; gid: number; groups: number[] }> {
  const script = "fetch('http://127.0.0.1:3000').then((r) => r.text()).then((t) => process.stdout.write(t))";
  return JSON.parse(await dockerOk(['exec', '--user', '65534', name, 'node', '-e', script]));
}

describe('node app image', () => {
  it('supervise mode: node-init is PID 1 and nothing in the container runs as root', async () => {
    const name = await startDetached('supervise', [], IMAGES.app);
    await waitForLog(name, 'listening on 3000');
    const processes = await top(name);
    // PID 1 is node-init's own program; the planner (node) is gone.
    expect(processes.map((p) => p.args)).toEqual(['node-init --user node -- node server.js', 'node server.js']);
    expect(processes.filter((p) => p.uid === 0)).toEqual([]);
    expect(processes.every((p) => p.uid === 1000)).toBe(true);
    expect(await askApp(name)).toEqual({ uid: 1000, gid: 1000, groups: [1000] });
  });

  it('exec mode: the app replaces node-init as PID 1, not as root', async () => {
    const name = await startDetached('exec', ['--entrypoint', 'node-init'], IMAGES.app, ['--exec', '--user', 'node', '--', 'node', 'server.js']);
    await waitForLog(name, 'listening on 3000');
    const processes = await top(name);
    expect(processes).toEqual([{ uid: 1000, pid: Number(await inspect(name, '{{.State.Pid}}')), args: 'node server.js' }]);
  });

  it('docker kill -s HUP and USR1 reach the app, which keeps running', async () => {
    const name = await startDetached('signals', [], IMAGES.app);
    await waitForLog(name, 'listening on 3000');
    await dockerOk(['kill', '--signal', 'HUP', name]);
    await waitForLog(name, 'got SIGHUP');
    await dockerOk(['kill', '--signal', 'USR1', name]);
    await waitForLog(name, 'got SIGUSR1');
    expect(await inspect(name, '{{.State.Running}}')).toBe('true');
  });

  it('docker stop: the app gets SIGTERM, stops cleanly, and its exit code 0 is the container’s', async () => {
    const name = await startDetached('stop', [], IMAGES.app);
    await waitForLog(name, 'listening on 3000');
    await dockerOk(['stop', name]);
    expect((await docker(['logs', name])).stdout).toContain('got SIGTERM, stopping');
    // 137 would mean Docker gave up waiting and sent SIGKILL.
    expect(await inspect(name, '{{.State.ExitCode}}')).toBe('0');
  });

  it('docker run exits with the service’s exit code, or 128+N when it dies of signal N', async () => {
    expect((await runOnce([], IMAGES.app, ['node', '-e', 'process.exit(7)'])).code).toBe(7);
    expect((await runOnce([], IMAGES.app, ['sh', '-c', 'kill -KILL $$'])).code).toBe(128 + 9);
  });

  it('docker run -t gives the service a terminal', async () => {
    const withTty = await runOnce(['--tty'], IMAGES.app, ['sh', '-c', 'tty; id -u']);
    expect(withTty.code).toBe(0);
    expect(withTty.stdout.split(/\r?\n/).slice(0, 2)).toEqual([expect.stringMatching(/^\/dev\/pts\/\d+$/), '1000']);
    const without = await runOnce([], IMAGES.app, ['tty']);
    expect(without.stdout.trim()).toBe('not a tty');
  });

  it('docker run --user 4242:4242: node-init warns, then the app runs as 4242 with no root anywhere', async () => {
    const name = await startDetached('user', ['--user', '4242:4242'], IMAGES.app);
    const logs = await waitForLog(name, 'listening on 3000 as uid 4242');
    expect(logs).toContain('not started as root (uid 4242), so --user node is skipped');
    const processes = await top(name);
    expect(processes).toHaveLength(2);
    expect(processes.every((p) => p.uid === 4242)).toBe(true);
    expect(await askApp(name)).toEqual({ uid: 4242, gid: 4242, groups: [4242] });
  });

  it('--user-env RUN_USER (the etcd/kafka pattern): with -e RUN_USER=node as node, without it as it is', async () => {
    const entry = ['--entrypoint', 'node-init'];
    const args = ['--user-env', 'RUN_USER', '--', 'id', '-u'];
    const withUser = await runOnce([...entry, '-e', 'RUN_USER=node'], IMAGES.app, args);
    expect(withUser.stdout.trim()).toBe('1000');
    const without = await runOnce([...entry, '-e', 'RUN_USER='], IMAGES.app, args);
    expect(without.stdout.trim()).toBe('0');
    expect(without.code).toBe(0);
  });
});
