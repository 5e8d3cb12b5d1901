// docker/examples/redis: redis on node-init, and the same redis on dumb-init + gosu + a shell entrypoint,
// through the same checks. Only what node-init adds (no root at all) is checked on its image alone.
import { chmodSync, chownSync, mkdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanUpAfterEach, docker, dockerOk, hostDir, IMAGES, inspect, redis, runOnce, startDetached, top, waitForRedis } from './helpers.js';

cleanUpAfterEach();

const REDIS_UID = 999;

/** A host directory owned by root, with a file and a subdirectory in it, as a volume often starts. */
function rootOwnedVolume(): string {
  const dir = hostDir();
  mkdirSync(join(dir, 'old'));
  writeFileSync(join(dir, 'old/notes.txt'), 'from the host\n');
  return dir;
}

describe.each([
  { image: IMAGES.redis, what: 'node-init' },
  { image: IMAGES.redisGosu, what: 'dumb-init + gosu' },
])('redis on $what ($image)', ({ image }) => {
  it('a root-owned host directory mounted at /data becomes redis’s', async () => {
    const volume = rootOwnedVolume();
    expect(statSync(join(volume, 'old/notes.txt')).uid).toBe(0);
    const name = await startDetached('chown', ['--volume', `${volume}:/data`], image);
    await waitForRedis(name);
    for (const path of ['', 'old', 'old/notes.txt']) expect(statSync(join(volume, path)).uid, path || '/data').toBe(REDIS_UID);
    expect((await top(name)).find((p) => p.args.startsWith('redis-server'))?.uid).toBe(REDIS_UID);
  });

  it('keys written before docker stop are there after docker start: redis saved on SIGTERM', async () => {
    const volume = hostDir();
    const name = await startDetached('persist', ['--volume', `${volume}:/data`], image);
    await waitForRedis(name);
    expect(await redis(name, ['set', 'greeting', 'hello'])).toBe('OK');
    await dockerOk(['stop', name]);
    // 0, not 137: redis exited by itself before Docker's timeout sent SIGKILL.
    expect(await inspect(name, '{{.State.ExitCode}}')).toBe('0');
    expect((await docker(['logs', name])).stdout).toContain('DB saved on disk');
    // --umask 0077 (the entrypoint's umask in the gosu image): the dump is redis’s alone.
    const dump = statSync(join(volume, 'dump.rdb'));
    expect({ uid: dump.uid, mode: dump.mode & 0o777 }).toEqual({ uid: REDIS_UID, mode: 0o600 });
    await dockerOk(['start', name]);
    await waitForRedis(name);
    expect(await redis(name, ['get', 'greeting'])).toBe('hello');
  });

  it('docker run IMAGE id -u runs id as it is, as root: only redis-server is switched', async () => {
    const result = await runOnce([], image, ['id', '-u']);
    expect({ code: result.code, stdout: result.stdout.trim() }).toEqual({ code: 0, stdout: '0' });
  });

  it('docker run IMAGE --port 7777: options alone go to redis-server', async () => {
    const name = await startDetached('port', [], image, ['--port', '7777']);
    await waitForRedis(name, 7777);
    const server = (await top(name)).find((p) => p.args.startsWith('redis-server'));
    expect(server).toMatchObject({ uid: REDIS_UID, args: 'redis-server *:7777' });
  });

  it('docker run IMAGE /conf/app.conf: a .conf first goes to redis-server', async () => {
    const conf = hostDir();
    chmodSync(conf, 0o755);
    writeFileSync(join(conf, 'app.conf'), 'port 7778\n', { mode: 0o644 });
    const name = await startDetached('conf', ['--volume', `${conf}:/conf:ro`], image, ['/conf/app.conf']);
    await waitForRedis(name, 7778);
    const server = (await top(name)).find((p) => p.args.startsWith('redis-server'));
    expect(server).toMatchObject({ uid: REDIS_UID, args: 'redis-server *:7778' });
  });

  it('docker run --user 4242:4242 runs redis as 4242, no root anywhere', async () => {
    const volume = hostDir();
    chownSync(volume, 4242, 4242);
    const name = await startDetached('user', ['--user', '4242:4242', '--volume', `${volume}:/data`], image);
    await waitForRedis(name);
    expect(await redis(name, ['save'])).toBe('OK');
    expect(statSync(join(volume, 'dump.rdb')).uid).toBe(4242);
    const processes = await top(name);
    expect(processes.length).toBeGreaterThan(0);
    expect(processes.filter((p) => p.uid !== 4242)).toEqual([]);
  });

  it('docker kill -s HUP leaves redis serving; -s USR1 reaches redis, which dies of it: exit 138', async () => {
    const name = await startDetached('signals', [], image);
    await waitForRedis(name);
    // redis ignores SIGHUP: the init must neither die of it nor stop redis.
    await dockerOk(['kill', '--signal', 'HUP', name]);
    expect(await redis(name, ['ping'])).toBe('PONG');
    await dockerOk(['kill', '--signal', 'USR1', name]);
    expect(await dockerOk(['wait', name])).toBe(`${128 + 10}\n`);
  });

  it('docker run -t gives redis a terminal: it draws its logo, which it does only on a tty', async () => {
    const name = await startDetached('tty', ['--tty'], image);
    await waitForRedis(name);
    expect((await docker(['logs', name])).stdout).toContain('Running in standalone mode');
  });
});

describe(`redis on node-init (${IMAGES.redis}) only`, () => {
  it('nothing in the container runs as root, node-init included', async () => {
    const name = await startDetached('noroot', [], IMAGES.redis);
    await waitForRedis(name);
    const processes = await top(name);
    // PID 1 is node-init's own program; the planner (node) is gone.
    expect(processes.map((p) => p.args)).toEqual([expect.stringMatching(/^node-init --user redis /), 'redis-server *:6379']);
    expect(processes.filter((p) => p.uid !== REDIS_UID)).toEqual([]);
  });

  it('a symlink planted in the volume does not hand redis the file it points to', async () => {
    // What find + chown does (see FACTS): chown follows a link owned by someone other than redis.
    const volume = hostDir();
    symlinkSync('/etc/shadow', join(volume, 'planted'));
    const name = await startDetached('symlink', ['--volume', `${volume}:/data`], IMAGES.redis);
    await waitForRedis(name);
    expect((await dockerOk(['exec', name, 'stat', '-c', '%u', '/etc/shadow'])).trim()).toBe('0');
    // The volume itself was handed over: --chown did run.
    expect(statSync(volume).uid).toBe(REDIS_UID);
  });
});
