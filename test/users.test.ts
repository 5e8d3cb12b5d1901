// The resolve stage on hand-made files: malformed lines, comments, --group-add. Then the same through the
// real binary with the files bind-mounted over /etc.
import { describe, expect, it } from 'vitest';
import { parseGroup, parsePasswd, type UserDatabase } from '../src/users/database.js';
import { resolveIdentity } from '../src/users/resolve.js';
import { NodeInitError } from '../src/errors.js';
import { nodeInit, run, withEtc } from './helpers/run.js';

function database(passwd: string, group: string): UserDatabase {
  return { passwd: parsePasswd('/etc/passwd', passwd), group: parseGroup('/etc/group', group) };
}

const resolve = (db: UserDatabase, spec: string, groupAdd: string[] = []) => resolveIdentity({ spec, groupAdd, database: db, callerUid: 0 });

function errorOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(NodeInitError);
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

const GOOD = database(
  'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n',
  'root:x:0:\napp:x:1000:\ndocker:x:998:app\nvideo:x:44:\n',
);

describe('malformed passwd lines are never root', () => {
  it.each([
    ['non-numeric uid', 'app:x:abc:1000::/home/app:/bin/sh', 'uid "abc" is not a number'],
    ['empty uid', 'app:x::1000::/home/app:/bin/sh', 'uid "" is not a number'],
    ['out-of-range uid', 'app:x:2147483648:1000::/home/app:/bin/sh', 'uid "2147483648" is not a number from 0 to 2147483647'],
    ['negative gid', 'app:x:1000:-1::/home/app:/bin/sh', 'gid "-1" is not a number'],
    ['too few fields', 'app:x:1000:1000', 'it has 4 fields instead of 7'],
    ['too many fields', 'app:x:1000:1000::/home/app:/bin/sh:extra', 'it has 8 fields instead of 7'],
  ])('%s for the requested user is an error naming file and line', (_what, line, reason) => {
    const db = database(`root:x:0:0:root:/root:/bin/sh\n${line}\n`, 'app:x:1000:\n');
    const message = errorOf(() => resolve(db, 'app'));
    expect(message).toContain('/etc/passwd line 2');
    expect(message).toContain(reason);
  });

  it('a malformed line for another user is ignored', () => {
    const db = database('broken:x:zz:0::/:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n', 'app:x:1000:\n');
    expect(resolve(db, 'app')).toEqual({ uid: 1000, gid: 1000, groups: [], home: '/home/app', name: 'app' });
  });

  it('a malformed line whose uid field is the requested uid is an error', () => {
    const db = database('app:x:1000:zz::/:/bin/sh\n', '');
    expect(errorOf(() => resolve(db, '1000'))).toContain('/etc/passwd line 1');
  });

  it('the id matches however either side writes it (found by the property tests)', () => {
    expect(errorOf(() => resolve(database(':x:0:0::/:/bin/sh\napp:x:0:1000::/:/bin/sh\n', ''), '00'))).toContain('/etc/passwd line 1');
    expect(errorOf(() => resolve(database('app:x:01000:zz::/:/bin/sh\n', ''), '1000'))).toContain('/etc/passwd line 1');
    expect(errorOf(() => resolve(database('', 'bad:x:998\n'), '1000:0998'))).toContain('/etc/group line 1');
  });

  it('lines starting with # are comments, even when they look like root', () => {
    const db = database('#app:x:0:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n', '');
    expect(resolve(db, 'app').uid).toBe(1000);
    expect(errorOf(() => resolve(database('#ghost:x:0:0::/:/bin/sh\n', ''), 'ghost'))).toContain('unknown user "ghost"');
  });

  it('the first of two entries wins, as in gosu', () => {
    const db = database('app:x:1000:1000::/a:/bin/sh\napp:x:2000:2000::/b:/bin/sh\n', '');
    expect(resolve(db, 'app')).toMatchObject({ uid: 1000, home: '/a' });
  });

  it('an empty home becomes /', () => {
    expect(resolve(database('app:x:1000:1000:::/bin/sh\n', ''), 'app').home).toBe('/');
  });
});

describe('malformed group lines', () => {
  it('for the requested group: an error naming file and line', () => {
    const db = database('app:x:1000:1000::/:/bin/sh\n', 'ok:x:5:\ndocker:x:9x9:\n');
    expect(errorOf(() => resolve(db, 'app:docker'))).toContain('/etc/group line 2');
  });

  it('listing the user as a member: an error (the user would silently lose a group)', () => {
    const db = database('app:x:1000:1000::/:/bin/sh\n', 'docker:x::app\n');
    expect(errorOf(() => resolve(db, 'app'))).toContain('/etc/group line 1');
  });

  it('for someone else: ignored', () => {
    const db = database('app:x:1000:1000::/:/bin/sh\n', 'other:x:bad:bob\ndocker:x:998:app\n');
    expect(resolve(db, 'app').groups).toEqual([998]);
  });
});

describe('--group-add', () => {
  it('adds groups by name and by number, after the /etc/group ones, without duplicates', () => {
    expect(resolve(GOOD, 'app', ['video', '4242', 'docker']).groups).toEqual([998, 44, 4242]);
  });

  it('also adds to an explicit group spec, which otherwise has none', () => {
    expect(resolve(GOOD, 'app:app').groups).toEqual([]);
    expect(resolve(GOOD, 'app:app', ['video']).groups).toEqual([44]);
  });

  it('an unknown group name is an error', () => {
    expect(errorOf(() => resolve(GOOD, 'app', ['nosuch']))).toContain('unknown group "nosuch" in --group-add');
  });

  it('an out-of-range gid is an error', () => {
    expect(errorOf(() => resolve(GOOD, 'app', ['99999999999']))).toContain('out of range');
  });
});

describe('through the binary, with the files over /etc', () => {
  const etc = { passwd: 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:abc::/home/app:/bin/sh\nok:x:1001:1001::/home/ok:/bin/sh\n', group: 'root:x:0:\nvideo:x:44:ok\n' };

  it('a malformed line for the user stops node-init with exit 125 before the command runs', async () => {
    const result = await run(withEtc(etc, ['bin/node-init', '--exec', '--log-format', 'pretty', '--user', 'app', '--', 'echo', 'started']));
    expect(result.code).toBe(125);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('node-init: /etc/passwd line 2 could be user app but is malformed (its gid "abc" is not a number from 0 to 2147483647); fix that line\n');
  });

  it('another user on the same files works, with its group and --group-add', async () => {
    const result = await run(withEtc(etc, ['bin/node-init', '--exec', '--user', 'ok', '--group-add', '4242', '--', 'sh', '-c', 'echo $(id -u) $(id -g) $(id -G)']));
    expect(result.stdout.trim()).toBe('1001 1001 1001 44 4242');
  });

  it('--group-add without --user is an error', async () => {
    const result = await nodeInit(['--exec', '--group-add', 'video', '--', 'true']);
    expect(result.code).toBe(125);
    expect(result.stderr).toContain('--group-add needs a user (--user, --user-from or --user-env): name the user the groups are added to');
  });
});
