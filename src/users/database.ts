// /etc/passwd and /etc/group, read by node-init itself (no NSS), as gosu does. Unlike gosu, a malformed
// line is never read as root: it is kept aside with its line number, and only becomes an error when the
// user or group being looked up could be on it.
import { readRegularFile } from '../paths/read.js';

export const MAX_ID = 2147483647;

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

export interface MalformedLine {
  /** 1-based line number. */
  line: number;
  fields: string[];
  reason: string;
}

export interface Table<T> {
  path: string;
  entries: T[];
  malformed: MalformedLine[];
}

export interface UserDatabase {
  passwd: Table<PasswdEntry>;
  group: Table<GroupEntry>;
}

/** A decimal id in 0-2147483647, or undefined. */
export function parseId(text: string): number | undefined {
  if (!/^[0-9]{1,10}$/.test(text)) return undefined;
  const id = Number(text);
  return id <= MAX_ID ? id : undefined;
}

function parseTable<T>(path: string, text: string, fieldCount: number, build: (fields: string[]) => T | string): Table<T> {
  const table: Table<T> = { path, entries: [], malformed: [] };
  text.split('\n').forEach((raw, index) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '' || line.startsWith('#')) return;
    const fields = line.split(':');
    // A NUL byte could never reach execve (HOME) or name anyone: the line is malformed.
    const result = line.includes('\0') ? 'it contains a NUL byte' : fields.length === fieldCount ? build(fields) : `it has ${fields.length} fields instead of ${fieldCount}`;
    if (typeof result === 'string') table.malformed.push({ line: index + 1, fields, reason: result });
    else table.entries.push(result);
  });
  return table;
}

function idField(kind: string, text: string): number | string {
  return parseId(text) ?? `its ${kind} "${text}" is not a number from 0 to ${MAX_ID}`;
}

export function parsePasswd(path: string, text: string): Table<PasswdEntry> {
  return parseTable(path, text, 7, ([name = '', , uidText = '', gidText = '', , home = '']) => {
    if (name === '') return 'its name is empty';
    const uid = idField('uid', uidText);
    if (typeof uid === 'string') return uid;
    const gid = idField('gid', gidText);
    if (typeof gid === 'string') return gid;
    return { name, uid, gid, home };
  });
}

export function parseGroup(path: string, text: string): Table<GroupEntry> {
  return parseTable(path, text, 4, ([name = '', , gidText = '', members = '']) => {
    if (name === '') return 'its name is empty';
    const gid = idField('gid', gidText);
    if (typeof gid === 'string') return gid;
    return { name, gid, members: members === '' ? [] : members.split(',') };
  });
}

/** Larger than any real user database; a bigger file is refused rather than read into memory. */
const MAX_DATABASE_BYTES = 64 * 1024 * 1024;

// An image without the file (FROM scratch) still works with numeric ids.
const readIfPresent = (path: string): string => readRegularFile(path, path, MAX_DATABASE_BYTES) ?? '';

export function loadUserDatabase(passwdPath = '/etc/passwd', groupPath = '/etc/group'): UserDatabase {
  return {
    passwd: parsePasswd(passwdPath, readIfPresent(passwdPath)),
    group: parseGroup(groupPath, readIfPresent(groupPath)),
  };
}
