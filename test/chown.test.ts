// --chown as root on real trees, including the attacks: symlinks out, hard links out, a mount inside,
// and a process racing the walk. Afterwards nothing outside PATH may have changed.
import { chmodSync, chownSync, linkSync, lstatSync, mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { logLine, nodeInit, run, start, tempDir } from './helpers/run.js';

const NOBODY = 65534;

/** Every entry below dir (not following symlinks) with its owner. */
function owners(dir: string): Map<string, string> {
  const result = new Map<string, string>();
  const visit = (path: string): void => {
    const stats = lstatSync(path);
    result.set(path, `${stats.uid}:${stats.gid}`);
    if (stats.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  visit(dir);
  return result;
}

function tree(root: string): void {
  mkdirSync(join(root, 'a/b/c'), { recursive: true });
  for (const [path, uid] of [['a/f1', 0], ['a/b/f2', 1000], ['a/b/c/f3', NOBODY], ['top', 0]] as const) {
    writeFileSync(join(root, path), path);
    chownSync(join(root, path), uid, uid);
  }
  chownSync(join(root, 'a/b'), 1000, 1000);
}

/** Outside PATH: root-owned files an attack would try to reach. */
function outside(): { dir: string; file: string } {
  const dir = tempDir('node-init-outside-');
  const file = join(dir, 'secret');
  writeFileSync(file, 'root only');
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'sub/inner'), 'x');
  return { dir, file };
}

const chown = (path: string, extra: string[] = []) => nodeInit(['-v', '--exec', '--user', 'nobody', '--chown', path, ...extra, '--', 'true']);

describe('--chown', () => {
  it('gives the whole tree to the user and its group, and reports what it did', async () => {
    const root = tempDir();
    tree(root);
    const result = await chown(root);
    expect(result.code).toBe(0);
    for (const [path, owner] of owners(root)) expect(owner, path).toBe(`${NOBODY}:${NOBODY}`);
    const report = logLine(result.stderr, 'entries in');
    expect(report).toMatchObject({ seen: 8, changed: 7, hardlinks: 0, mounts: 0 });
  });

  it('changes only entries whose owner or group differ (the others keep their ctime)', async () => {
    const root = tempDir();
    tree(root);
    const owned = join(root, 'a/b/c/f3');
    const before = statSync(owned).ctimeMs;
    await new Promise((wake) => setTimeout(wake, 20));
    await chown(root);
    expect(statSync(owned).ctimeMs).toBe(before);
    expect(statSync(join(root, 'a/f1')).ctimeMs).not.toBe(before);
  });

  it('a symlink to a file outside: the link itself changes, the file does not', async () => {
    const root = tempDir();
    const { file } = outside();
    symlinkSync(file, join(root, 'link'));
    await chown(root);
    expect(lstatSync(join(root, 'link')).uid).toBe(NOBODY);
    expect(statSync(file).uid).toBe(0);
  });

  it('a symlink to a directory outside is not followed', async () => {
    const root = tempDir();
    const { dir } = outside();
    symlinkSync(dir, join(root, 'dirlink'));
    const before = owners(dir);
    await chown(root);
    expect(owners(dir)).toEqual(before);
  });

  it('a hard link to a root file outside is left alone, with a warning; --allow-hardlinks allows it', async () => {
    const root = tempDir();
    const { file } = outside();
    linkSync(file, join(root, 'hardlink'));
    const result = await chown(root);
    expect(statSync(file).uid).toBe(0);
    expect(logLine(result.stderr, 'more than one hard link')).toMatchObject({ level: 'warn' });
    await chown(root, ['--allow-hardlinks']);
    expect(statSync(file).uid).toBe(NOBODY);
  });

  it('a filesystem mounted inside PATH is not entered', async () => {
    const root = tempDir();
    const { dir } = outside();
    mkdirSync(join(root, 'mnt'));
    const before = owners(dir);
    const script = `mount --bind "${dir}" "${root}/mnt" && exec bin/node-init -v --exec --user nobody --chown "${root}" -- true`;
    const result = await run(['unshare', '--mount', '--propagation', 'private', 'sh', '-c', script]);
    expect(result.code).toBe(0);
    expect(logLine(result.stderr, 'on other mounts alone')).toMatchObject({ level: 'warn' });
    expect(owners(dir)).toEqual(before);
  });

  it('a process swapping a directory for a symlink to outside while chown runs changes nothing outside', async () => {
    const { dir } = outside();
    for (let i = 0; i < 200; i++) writeFileSync(join(dir, `file${i}`), 'x');
    const before = owners(dir);
    for (let round = 0; round < 8; round++) {
      const root = tempDir();
      for (let d = 0; d < 20; d++) {
        mkdirSync(join(root, `d${d}`));
        for (let f = 0; f < 100; f++) writeFileSync(join(root, `d${d}/f${f}`), '');
      }
      // Swaps every directory for a symlink to `dir` and back, as fast as it can, until killed.
      const racer = start(['python3', '-c', `
import os, sys
root, target = sys.argv[1], sys.argv[2]
print('racing', flush=True)
while True:
    for d in range(20):
        path = os.path.join(root, 'd%d' % d)
        try:
            os.rename(path, path + '.away'); os.symlink(target, path)
            os.unlink(path); os.rename(path + '.away', path)
        except OSError:
            pass
`, root, dir]);
      await racer.waitFor('racing');
      const result = await chown(root);
      process.kill(racer.pid, 'SIGKILL');
      await racer.done;
      expect(result.code).toBe(0);
    }
    expect(owners(dir)).toEqual(before);
  });
});

describe('--chown refusals: one line, exit 125, the service never starts', () => {
  const refused = async (path: string, message: string, extra: string[] = ['--user', 'nobody']) => {
    const marker = join(tempDir(), 'started');
    const result = await nodeInit(['--log-format', 'pretty', '--exec', ...extra, '--chown', path, '--', 'touch', marker]);
    expect(result.stderr).toContain(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.code).toBe(125);
    expect(existsSync(marker)).toBe(false);
  };

  it('PATH is a symlink', async () => {
    const root = tempDir();
    mkdirSync(join(root, 'real'));
    symlinkSync(join(root, 'real'), join(root, 'data'));
    await refused(join(root, 'data'), `${root}/data is a symlink, and node-init never follows one as root; give the path without symlinks (the real path is ${root}/real)`);
  });

  it('a directory on the way is a symlink', async () => {
    const root = tempDir();
    mkdirSync(join(root, 'real/data'), { recursive: true });
    symlinkSync(join(root, 'real'), join(root, 'via'));
    await refused(join(root, 'via/data'), `${root}/via is a symlink`);
  });

  it('a directory on the way owned by a third user (neither root nor the user)', async () => {
    const root = tempDir();
    mkdirSync(join(root, 'home/data'), { recursive: true });
    chownSync(join(root, 'home'), 1000, 1000);
    await refused(join(root, 'home/data'), `${root}/home belongs to uid 1000, not root or uid ${NOBODY}, so that user could swap what is below it`);
  });

  it('a directory on the way owned by the user itself is fine (postgres: /var/lib/postgresql is postgres\'s)', async () => {
    const root = tempDir();
    mkdirSync(join(root, 'postgresql/data'), { recursive: true });
    chownSync(join(root, 'postgresql'), NOBODY, NOBODY);
    chownSync(join(root, 'postgresql/data'), NOBODY, NOBODY);
    writeFileSync(join(root, 'postgresql/data/PG_VERSION'), '16');
    expect((await chown(join(root, 'postgresql/data'))).code).toBe(0);
    expect(statSync(join(root, 'postgresql/data/PG_VERSION')).uid).toBe(NOBODY);
  });

  it('--mkdir of the data directory below it works the same, and --chown then finds it the user\'s', async () => {
    const root = tempDir();
    mkdirSync(join(root, 'postgresql'));
    chownSync(join(root, 'postgresql'), NOBODY, NOBODY);
    const data = join(root, 'postgresql/data');
    const result = await nodeInit(['--exec', '--user', 'nobody', '--mkdir', data, '--chown', data, '--', 'true']);
    expect(result.code).toBe(0);
    expect(statSync(data).uid).toBe(NOBODY);
  });

  it('a missing PATH', async () => {
    await refused('/nonexistent-node-init-path', 'it does not exist; create it first (--mkdir /nonexistent-node-init-path)');
  });

  it('a relative PATH', async () => {
    await refused('data', '--chown "data" must be an absolute path');
  });

  it('without --user', async () => {
    await refused(tempDir(), '--chown needs a user (--user, --user-from or --user-env)', []);
  });

  it('nothing is changed when any --chown is refused, even the valid ones before it', async () => {
    const good = tempDir();
    writeFileSync(join(good, 'f'), '');
    const result = await nodeInit(['--exec', '--user', 'nobody', '--chown', good, '--chown', '/nonexistent-node-init-path', '--', 'true']);
    expect(result.code).toBe(125);
    expect(statSync(join(good, 'f')).uid).toBe(0);
  });

  it('a file as PATH is changed alone', async () => {
    const root = tempDir();
    writeFileSync(join(root, 'file'), '');
    chmodSync(root, 0o755);
    expect((await chown(join(root, 'file'))).code).toBe(0);
    expect(statSync(join(root, 'file')).uid).toBe(NOBODY);
    expect(statSync(root).uid).toBe(0);
  });
});
