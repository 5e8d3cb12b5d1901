// /etc/passwd and /etc/group parsing: what is an entry and what is a malformed line.
import { describe, expect, it } from 'vitest';
import { parseGroup, parsePasswd } from '../../../src/users/database.js';

describe('parsePasswd', () => {
  it('reads name, uid, gid and home', () => {
    expect(parsePasswd('/etc/passwd', 'redis:x:100:101::/var/lib/redis:/usr/sbin/nologin\n').entries).toEqual([{ name: 'redis', uid: 100, gid: 101, home: '/var/lib/redis' }]);
  });

  it.each([
    ['a NUL byte in the home field', 'nul:x:4242:4242::/home/a\0b:/bin/sh', 'it contains a NUL byte'],
    ['a NUL byte in the name', 'n\0ul:x:4242:4242::/home/nul:/bin/sh', 'it contains a NUL byte'],
    ['a uid that is not a number', 'bad:x:12a:1::/:/bin/sh', 'its uid "12a" is not a number'],
    ['a uid out of range', 'big:x:2147483648:1::/:/bin/sh', 'its uid "2147483648" is not a number from 0 to 2147483647'],
    ['too few fields', 'short:x:1:1', 'it has 4 fields instead of 7'],
  ])('%s is a malformed line, never an entry', (_, line, reason) => {
    const table = parsePasswd('/etc/passwd', `root:x:0:0::/root:/bin/sh\n${line}\n`);
    expect(table.entries.map((entry) => entry.name)).toEqual(['root']);
    expect(table.malformed).toEqual([expect.objectContaining({ line: 2, reason: expect.stringContaining(reason) })]);
  });
});

describe('parseGroup', () => {
  it('a NUL byte in a member list makes the line malformed', () => {
    const table = parseGroup('/etc/group', 'docker:x:999:node\0root\n');
    expect(table.entries).toEqual([]);
    expect(table.malformed[0]?.reason).toBe('it contains a NUL byte');
  });
});
