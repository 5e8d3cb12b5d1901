// Every spec of gosu's own test suite, run for real through `node-init --exec` as root with the fixture
// /etc/passwd and /etc/group bind-mounted, compared with fixed expectations and with gosu itself run on
// the same files. Two rows differ on purpose (../shared/FACTS.md): a bare uid without a passwd entry,
// and the empty spec, which gosu runs with gid 0 and node-init refuses.
import { describe, expect, it } from 'vitest';
import { nodeInit, readFixtureEtc, run, withEtc, type Result } from './helpers/run.js';

// `id -un` prints the number (and fails) for an id without a name, as in gosu's own expectations.
const PROBE = 'echo "$(id -u):$(id -g):$(id -G)|$(id -un 2>/dev/null):$(id -gn 2>/dev/null):$(id -Gn 2>/dev/null)|$HOME"';
const etc = readFixtureEtc();
// HOME is overwritten whatever the caller had, so the tests start with a bogus one (as gosu's do).
const env = { HOME: '/omg/really/gosu/nowhere', LC_ALL: 'C' };

const ALL_GROUPS_OF_NOBODY = '0 1 2 3 4 5 6 7 8 9 12 33 60 100 101 50 65534';
const ALL_GROUP_NAMES = 'nogroup root daemon bin sys adm tty disk lp mail news man www-data games users redis staff';

function probeWith(tool: 'node-init' | 'gosu', spec: string): Promise<Result> {
  const argv = tool === 'gosu' ? ['gosu', spec, 'sh', '-c', PROBE] : ['bin/node-init', '--exec', '--user', spec, '--', 'sh', '-c', PROBE];
  return run(withEtc(etc, argv), { env });
}

/** The probe's line with the group lists sorted: `id -G` order follows the kernel, not the files. */
function sortedIds(line: string): string {
  const sortList = (list = '') => list.split(' ').sort().join(' ');
  const [ids = '', names = '', home = ''] = line.split('|');
  const [u, g, groups] = ids.split(':');
  const [user, group, groupNames] = names.split(':');
  return `${u}:${g}:${sortList(groups)}|${user}:${group}:${sortList(groupNames)}|${home}`;
}

// spec → "id -u:id -g:id -G|id -un:id -gn:id -Gn|HOME", node-init running as root.
const rows: Array<[string, string]> = [
  ['0', '0:0:0|root:root:root|/root'],
  ['0:0', '0:0:0|root:root:root|/root'],
  ['root', '0:0:0|root:root:root|/root'],
  ['0:root', '0:0:0|root:root:root|/root'],
  ['root:0', '0:0:0|root:root:root|/root'],
  ['root:root', '0:0:0|root:root:root|/root'],
  ['0:1000', '0:1000:1000|root:1000:1000|/root'],
  ['1000:1000', '1000:1000:1000|1000:1000:1000|/'],
  ['root:1000', '0:1000:1000|root:1000:1000|/root'],
  ['1000:root', '1000:0:0|1000:root:root|/'],
  ['1000:0', '1000:0:0|1000:root:root|/'],
  ['1000:daemon', '1000:1:1|1000:daemon:daemon|/'],
  ['games', '5:60:60 100|games:games:games users|/usr/games'],
  ['games:daemon', '5:1:1|games:daemon:daemon|/usr/games'],
  ['0:', '0:0:0|root:root:root|/root'],
  [':0', '0:0:0|root:root:root|/root'],
  ['nobody', `65534:65534:${ALL_GROUPS_OF_NOBODY}|nobody:nogroup:${ALL_GROUP_NAMES}|/nonexistent`],
  ['nobody:users', '65534:100:100|nobody:users:users|/nonexistent'],
  ['65534', `65534:65534:${ALL_GROUPS_OF_NOBODY}|nobody:nogroup:${ALL_GROUP_NAMES}|/nonexistent`],
  ['redis', '100:101:101|redis:redis:redis|/var/lib/redis'],
];

describe('gosu\'s table: node-init --exec --user SPEC', () => {
  // A uid without a passwd entry (1000 here) keeps the caller's HOME with node-init; gosu gives it "/".
  const noEntry = (spec: string): boolean => spec.startsWith('1000');
  const withCallerHome = (line: string): string => line.replace(/\|\/$/, `|${env.HOME}`);

  it.each(rows)('%s → %s', async (spec, expected) => {
    const ours = await probeWith('node-init', spec);
    expect(ours.stderr).toBe('');
    expect(ours.code).toBe(0);
    expect(sortedIds(ours.stdout.trim())).toBe(sortedIds(noEntry(spec) ? withCallerHome(expected) : expected));
  });

  it.each(rows)('%s: gosu on the same files agrees (but HOME for a uid without an entry)', async (spec) => {
    const [ours, theirs] = await Promise.all([probeWith('node-init', spec), probeWith('gosu', spec)]);
    expect(theirs.code).toBe(0);
    const gosu = theirs.stdout.trim();
    expect(sortedIds(ours.stdout.trim())).toBe(sortedIds(noEntry(spec) ? withCallerHome(gosu) : gosu));
  });
});

describe('where node-init deliberately differs from gosu', () => {
  it('a bare uid without a passwd entry is refused (gosu keeps gid 0)', async () => {
    const ours = await probeWith('node-init', '1000');
    expect(ours.code).toBe(125);
    expect(ours.stdout).toBe('');
    expect(ours.stderr).toContain('uid 1000 has no entry in /etc/passwd');
    expect(ours.stderr).toContain('--user 1000:1000');
    const theirs = await probeWith('gosu', '1000');
    expect(theirs.stdout.trim().split('|')[0]).toBe('1000:0:0');
  });

  it('an empty spec is refused (gosu runs as the caller)', async () => {
    const ours = await probeWith('node-init', '');
    expect(ours.code).toBe(125);
    expect(ours.stderr).toContain('--user is empty');
    const theirs = await probeWith('gosu', '');
    expect(theirs.stdout.trim().split('|')[0]).toBe('0:0:0');
  });
});

async function expectRefused(spec: string, message: string): Promise<void> {
  const result = await nodeInit(['--exec', '--log-format', 'pretty', '--user', spec, '--', 'sh', '-c', 'echo started']);
  expect(result.code).toBe(125);
  expect(result.stdout).toBe('');
  expect(result.stderr).toContain(message);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(result.stderr).toMatch(/^node-init: /);
}

describe('specs that must fail', () => {
  it.each([
    ['bogus', 'unknown user "bogus"'],
    ['0day', 'unknown user "0day"'],
    ['0:bogus', 'unknown group "bogus"'],
    ['0:0day', 'unknown group "0day"'],
  ])('%s fails in node-init as in gosu', async (spec, message) => {
    await expectRefused(spec, message);
    expect((await run(['gosu', spec, 'true'])).code).not.toBe(0);
  });

  it.each([
    ['a:b:c', 'has more than one ":"'],
    ['1000:1000:junk', 'has more than one ":"'],
    [':', 'names neither a user nor a group'],
    ['4294967296', 'uid 4294967296 is out of range'],
    ['2147483648:0', 'uid 2147483648 is out of range'],
    ['0:2147483648', 'gid 2147483648 is out of range'],
    ['-1', 'uid -1 is out of range'],
  ])('%s is refused', expectRefused);

  it('the largest uid and gid are accepted', async () => {
    const result = await nodeInit(['--exec', '--user', '2147483647:2147483647', '--', 'sh', '-c', 'echo $(id -u):$(id -g)']);
    expect(result.stdout.trim()).toBe('2147483647:2147483647');
  });
});

describe('HOME rows of gosu\'s suite', () => {
  it.each([
    ['0', '/root'], ['0:0', '/root'], ['root', '/root'], ['0:root', '/root'], ['root:0', '/root'], ['root:root', '/root'],
    ['0:1000', '/root'], ['root:1000', '/root'], ['1000:0', env.HOME], ['1000:root', env.HOME], ['games', '/usr/games'], ['games:daemon', '/usr/games'],
  ])('%s → HOME=%s', async (spec, home) => {
    const result = await run(withEtc(etc, ['bin/node-init', '--exec', '--user', spec, '--', 'sh', '-c', 'echo "$HOME"']), { env });
    expect(result.stdout).toBe(`${home}\n`);
  });

  it('a uid without a passwd entry and no HOME (or an empty one) from the caller gets "/"', async () => {
    for (const home of [undefined, '']) {
      const result = await run(withEtc(etc, ['bin/node-init', '--exec', '--user', '1000:1000', '--', 'sh', '-c', 'echo "$HOME"']), { env: { LC_ALL: 'C', HOME: home }, cleanEnv: true });
      expect(result.stdout).toBe('/\n');
    }
  });
});
