// The resolve stage: a --user spec (plus --group-add) and the user database → the Identity to drop to.
// The rules are gosu's (its setup-user.go), with two deliberate differences: a bare uid with no passwd
// entry is refused instead of silently keeping gid 0, and malformed lines are errors, never root.
import { NodeInitError } from '../errors.js';
import { MAX_ID, parseId, type MalformedLine, type PasswdEntry, type Table, type UserDatabase } from './database.js';
import type { Identity } from './identity.js';

export interface ResolveInput {
  spec: string;
  groupAdd: readonly string[];
  database: UserDatabase;
  /** node-init's own uid: the user of a ":group" spec. */
  callerUid: number;
}

/** A numeric spec field is always an id, never a name (as in gosu). */
function numericId(kind: string, text: string): number | undefined {
  if (!/^[-+]?[0-9]+$/.test(text)) return undefined;
  const id = parseId(text);
  if (id === undefined) throw new NodeInitError(`${kind} ${text} is out of range: ids go from 0 to ${MAX_ID}`);
  return id;
}

/** A malformed line that may hold what is being looked up must not be skipped silently. */
function refuseMalformed(table: Table<unknown>, matches: (fields: string[]) => boolean, what: string): void {
  const line: MalformedLine | undefined = table.malformed.find((candidate) => matches(candidate.fields));
  if (line) {
    throw new NodeInitError(`${table.path} line ${line.line} could be ${what} but is malformed (${line.reason}); fix that line`);
  }
}

/** A malformed line's id field that names `id` however it is written (1000, 01000). */
const sameId = (field: string | undefined, id: number): boolean => field !== undefined && /^[0-9]+$/.test(field) && Number(field) === id;

function splitSpec(spec: string): [string, string] {
  if (spec === '') throw new NodeInitError('--user is empty; give a user name or uid, e.g. --user redis or --user 1000:1000');
  const parts = spec.split(':');
  if (parts.length > 2) {
    throw new NodeInitError(`--user "${spec}" has more than one ":"; use user, user:group, uid:gid or :group`);
  }
  const [user = '', group = ''] = parts;
  if (user === '' && group === '') throw new NodeInitError('--user ":" names neither a user nor a group; e.g. --user redis');
  return [user, group];
}

function findGroupId(database: UserDatabase, text: string, flag: string): number {
  const gid = numericId('gid', text);
  const table = database.group;
  refuseMalformed(table, (fields) => (gid === undefined ? fields[0] === text : sameId(fields[2], gid)), `group ${text}`);
  const entry = table.entries.find((group) => (gid === undefined ? group.name === text : group.gid === gid));
  if (entry) return entry.gid;
  if (gid !== undefined) return gid;
  throw new NodeInitError(`unknown group "${text}" in ${flag}: ${table.path} has no such group; use a group name from it or a numeric gid`);
}

/** The identity of a passwd entry or bare uid, with the group `gid` (or the entry's own groups). */
function identityOf(entry: PasswdEntry | undefined, uid: number, gid: number, groups: number[], groupAdd: readonly string[], database: UserDatabase): Identity {
  for (const extra of groupAdd) groups.push(findGroupId(database, extra, `--group-add ${extra}`));
  return {
    uid: entry?.uid ?? uid,
    gid,
    groups: [...new Set(groups)],
    home: entry?.home || '/',
    name: entry?.name,
  };
}

/** The passwd entry of a uid, refusing a malformed line that could be it. */
function entryOfUid(database: UserDatabase, uid: number, what: string): PasswdEntry | undefined {
  refuseMalformed(database.passwd, (fields) => sameId(fields[2], uid), what);
  return database.passwd.entries.find((user) => user.uid === uid);
}

export function resolveIdentity({ spec, groupAdd, database, callerUid }: ResolveInput): Identity {
  const [userText, groupText] = splitSpec(spec);
  const uid = userText === '' ? callerUid : numericId('uid', userText);
  const passwd = database.passwd;

  if (userText !== '') {
    refuseMalformed(passwd, (fields) => (uid === undefined ? fields[0] === userText : sameId(fields[2], uid)), `user ${userText}`);
  }
  const entry = passwd.entries.find((user) => (uid === undefined ? user.name === userText : user.uid === uid));
  if (!entry && uid === undefined) {
    throw new NodeInitError(`unknown user "${userText}": ${passwd.path} has no such user; use a name from it or a numeric uid:gid`);
  }
  if (!entry && groupText === '') {
    throw new NodeInitError(`uid ${userText} has no entry in ${passwd.path}, so it has no group; give one, e.g. --user ${userText}:${userText}`);
  }
  if (groupText !== '') {
    // An explicit group drops the supplementary groups from /etc/group, as in gosu.
    return identityOf(entry, uid as number, findGroupId(database, groupText, `--user ${spec}`), [], groupAdd, database);
  }
  const user = entry!;
  refuseMalformed(database.group, (fields) => (fields[3] ?? '').split(',').includes(user.name), `a group of ${user.name}`);
  const groups = database.group.entries.filter((group) => group.members.includes(user.name)).map((group) => group.gid);
  return identityOf(user, user.uid, user.gid, groups, groupAdd, database);
}

/** --user-from: the owner's uid and gid, as a "uid:gid" spec would give them (no groups from /etc/group). */
export function resolveOwner(owner: { uid: number; gid: number }, groupAdd: readonly string[], database: UserDatabase): Identity {
  const entry = entryOfUid(database, owner.uid, `uid ${owner.uid}`);
  return identityOf(entry, owner.uid, owner.gid, [], groupAdd, database);
}
