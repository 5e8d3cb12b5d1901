// Property tests (fast-check). Over generated /etc/passwd and /etc/group texts (malformed lines,
// comments, NIS lines, duplicates, numeric-looking names, huge ids, CRLF, unicode) and --user specs:
// node-init resolves to uid 0 or gid 0 only when the spec names root (an id 0, or a name whose line in
// the file literally says 0), and every failure is a NodeInitError. Then the real binary, on random
// argv: never a stack trace, never an "internal error", one line for every mistake.
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NodeInitError } from '../src/errors.js';
import { parseGroup, parsePasswd } from '../src/users/database.js';
import { resolveIdentity } from '../src/users/resolve.js';
import { nodeInit, tempDir } from './helpers/run.js';

// ---- generators ------------------------------------------------------------------------------------

/** Few enough names that specs and lines often meet; some look numeric, some are odd. */
const NAMES = ['root', 'toor', 'app', 'nobody', '0day', '1000', '0', '00', ' app', 'app ', 'ü', 'рут', '+', '-', '+app', '-app', '@x'];
const name = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...NAMES) }, { weight: 1, arbitrary: fc.string({ maxLength: 6 }) });
const GOOD_IDS = ['0', '00', '1', '1000', '65534', '2147483647'];
const IDS = [...GOOD_IDS, '000', '2147483648', '4294967295', '99999999999', '', '-1', '+0', '0x0', ' 0', '0 ', '1e3', '١', 'junk'];
const id = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...GOOD_IDS) },
  { weight: 2, arbitrary: fc.constantFrom(...IDS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 4 }) },
);
const members = fc.array(fc.constantFrom(...NAMES, ''), { maxLength: 3 }).map((list) => list.join(','));

const passwdLine = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(name, id, id, fc.constantFrom('/root', '/home/app', '', '/ü')).map(([n, uid, gid, home]) => `${n}:x:${uid}:${gid}::${home}:/bin/sh`) },
  { weight: 1, arbitrary: fc.constantFrom('#root:x:0:0:root:/root:/bin/sh', '+', '-', '+::::::', '-root', '+@admins::::::', '', '   ', ':x:0:0::/:/bin/sh') },
  { weight: 1, arbitrary: fc.array(fc.oneof(name, id), { maxLength: 9 }).map((fields) => fields.join(':')) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
);
const groupLine = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(name, id, members).map(([n, gid, list]) => `${n}:x:${gid}:${list}`) },
  { weight: 1, arbitrary: fc.constantFrom('#root:x:0:', '+', '-', '+:::', '', ':x:0:app') },
  { weight: 1, arbitrary: fc.array(fc.oneof(name, id, members), { maxLength: 6 }).map((fields) => fields.join(':')) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
);
const file = (line: fc.Arbitrary<string>) =>
  fc.tuple(fc.array(line, { maxLength: 12 }), fc.constantFrom('\n', '\r\n'), fc.boolean()).map(([lines, eol, last]) => lines.join(eol) + (last ? eol : ''));

const specPart = fc.oneof({ weight: 3, arbitrary: fc.constantFrom('', ...NAMES, ...IDS) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) });
/** A --user spec, half the time made of names and ids that the files hold (so that many resolve). */
const spec = (known: string[]) => {
  const part = known.length === 0 ? specPart : fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: specPart });
  return fc.oneof(
    { weight: 3, arbitrary: part },
    { weight: 3, arbitrary: fc.tuple(part, part).map(([user, group]) => `${user}:${group}`) },
    { weight: 1, arbitrary: fc.array(part, { minLength: 3, maxLength: 4 }).map((parts) => parts.join(':')) },
    { weight: 1, arbitrary: fc.constantFrom('', ':', '::', ' ', '\t', ' root', 'root ', 'root\n', 'ROOT', '0:', ':0', '0:0') },
  );
};
const input = fc.record({ passwd: file(passwdLine), group: file(groupLine) }).chain(({ passwd, group }) => {
  const known = [...passwd.split('\n'), ...group.split('\n')].flatMap((line) => line.split(':').slice(0, 3)).filter((field) => field !== 'x');
  return fc.record({
    passwd: fc.constant(passwd),
    group: fc.constant(group),
    spec: spec([...new Set(known)]),
    groupAdd: fc.array(specPart, { maxLength: 2 }),
    callerUid: fc.constantFrom(0, 0, 1000, 65534),
  });
});

// ---- an oracle that reads the raw text, independent of node-init's parser ------------------------

const rawLines = (text: string): string[][] => text.split('\n').map((line) => line.replace(/\r$/, '').split(':'));
const isZero = (text: string | undefined): boolean => text !== undefined && /^0+$/.test(text);
const isNumeric = (text: string): boolean => /^[-+]?[0-9]+$/.test(text);
/** The passwd lines a user part names: by name, or by uid for a numeric part. */
const namedUsers = (passwd: string, user: string): string[][] =>
  rawLines(passwd).filter((fields) => (isNumeric(user) ? /^[0-9]+$/.test(fields[2] ?? '') && Number(fields[2]) === Number(user) : fields[0] === user));
/** True when a group part names gid 0: the id 0, or a name whose line says gid 0. */
const namesGidZero = (group: string, groupText: string): boolean =>
  isNumeric(group) ? isZero(group) : rawLines(groupText).some((fields) => fields[0] === group && isZero(fields[2]));

describe('resolving --user: never root unless the spec names it', () => {
  it('the files parse without throwing, whatever they hold', () => {
    fc.assert(
      fc.property(file(passwdLine), file(groupLine), (passwd, group) => {
        parsePasswd('/etc/passwd', passwd);
        parseGroup('/etc/group', group);
      }),
      { numRuns: 2000 },
    );
  });

  it('returns an identity or throws a NodeInitError, nothing else', () => {
    fc.assert(
      fc.property(input, ({ passwd, group, spec, groupAdd, callerUid }) => {
        const database = { passwd: parsePasswd('/etc/passwd', passwd), group: parseGroup('/etc/group', group) };
        try {
          resolveIdentity({ spec, groupAdd, database, callerUid });
        } catch (error) {
          if (!(error instanceof NodeInitError)) throw error;
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('uid 0, gid 0 or group 0 only when the spec, --group-add or the named user\'s own line says so', () => {
    let resolved = 0;
    let root = 0;
    fc.assert(
      fc.property(input, ({ passwd, group, spec, groupAdd, callerUid }) => {
        const database = { passwd: parsePasswd('/etc/passwd', passwd), group: parseGroup('/etc/group', group) };
        let identity;
        try {
          identity = resolveIdentity({ spec, groupAdd, database, callerUid });
        } catch {
          return; // refusing is always safe
        }
        resolved++;
        const [user = '', groupPart = ''] = spec.split(':');
        const named = namedUsers(passwd, user);
        if (identity.uid === 0) {
          root++;
          // ":group" runs as node-init's own uid: root names itself when node-init runs as root.
          const namesRoot = user === '' ? callerUid === 0 : isNumeric(user) ? isZero(user) : named.some((fields) => isZero(fields[2]));
          expect(namesRoot, `uid 0 from --user ${JSON.stringify(spec)}`).toBe(true);
        }
        if (identity.gid === 0) {
          const namesZero = groupPart !== '' ? namesGidZero(groupPart, group) : named.some((fields) => isZero(fields[3]));
          expect(namesZero, `gid 0 from --user ${JSON.stringify(spec)}`).toBe(true);
        }
        if (identity.groups.includes(0)) {
          const memberOfZero = groupPart === '' && rawLines(group).some((fields) => isZero(fields[2]) && (fields[3] ?? '').split(',').some((member) => named.some((line) => line[0] === member)));
          expect(memberOfZero || groupAdd.some((extra) => namesGidZero(extra, group)), `group 0 from --user ${JSON.stringify(spec)} --group-add ${JSON.stringify(groupAdd)}`).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
    // The generators reach the interesting cases: specs that resolve, some of them to root.
    expect(resolved).toBeGreaterThan(40);
    expect(root).toBeGreaterThan(5);
  });
});

describe('the binary on random argv', () => {
  // Random words become the command: only harmless programs can be found (and what the launcher uses).
  const bin = tempDir();
  mkdirSync(join(bin, 'bin'));
  for (const program of ['true', 'false', 'echo', 'env', 'readlink']) symlinkSync(`/usr/bin/${program}`, join(bin, 'bin', program));
  symlinkSync(process.execPath, join(bin, 'bin', 'node'));
  const env = { PATH: join(bin, 'bin'), NODE_INIT_LOG_FORMAT: 'pretty' };

  const FLAGS = ['--user', '-u', '--group-add', '--exec', '--cap-add', '--no-new-privs', '--single-child', '-c', '--rewrite', '-r', '--grace-period', '--exit-code-map',
    '--pdeathsig', '--log-format', '--', '-', '--bogus', '-x', '--user=', '--exec=1', '-uc', '--cap-add=net_bind_service', '--grace-period=1e9'];
  const VALUES = ['nobody', 'root', '0', '0:0', ':', 'bogus', '65534:65534', 'NET_BIND_SERVICE', 'SETUID', 'TERM:QUIT', 'TERM', '143:0', '1:256', 'pretty', 'json', 'KILL', '5', '500ms', '-1', 'true', 'echo', 'false'];
  const word = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...FLAGS) },
    { weight: 4, arbitrary: fc.constantFrom(...VALUES) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
    { weight: 1, arbitrary: fc.constantFrom('a\nb', '\x1b[31mred', 'ü:ö', '\u2028', ' ', '\t', 'x'.repeat(100_000)) },
  );
  // argv cannot carry NUL bytes. Half the time a harmless command follows, so that some runs succeed.
  const argv = fc
    .tuple(fc.array(word, { maxLength: 8 }), fc.boolean())
    .map(([words, command]) => [...words.map((text) => text.replace(/\0/g, '')), ...(command ? ['true'] : [])]);

  it('exit 0-255, no stack trace, no internal error; a mistake is one line', async () => {
    await fc.assert(
      fc.asyncProperty(argv, async (args) => {
        const result = await nodeInit(args, { env, timeoutMs: 10_000 });
        expect(result.signal).toBeNull();
        expect(result.code).toBeGreaterThanOrEqual(0);
        expect(result.code).toBeLessThanOrEqual(255);
        expect(result.stderr).not.toContain('    at ');
        expect(result.stderr).not.toContain('internal error');
        if (result.code === 125 || result.code === 126 || result.code === 127) {
          // Pretty (the environment's choice) unless the argv asked for JSON.
          expect(result.stderr).toMatch(/^(node-init: |\{"level":"error")[^\n]*\n$/);
          if (result.stderr.startsWith('{')) expect(JSON.parse(result.stderr)).toMatchObject({ level: 'error' });
        }
      }),
      { numRuns: 60 },
    );
  });
});
