// chmod(1)'s modes: octal (0644) and symbolic (a+r, u=rwX,go=, g+s), parsed once and applied to a
// file's current mode.

interface Clause {
  who: number; // mask of the permission bits the clause may touch; 0: "a" minus the umask, as chmod does
  actions: Array<{ op: '+' | '-' | '='; perms: string; copyFrom?: 'u' | 'g' | 'o' }>;
}

export type ModeChange = { kind: 'octal'; mode: number; text: string } | { kind: 'symbolic'; clauses: Clause[]; text: string };

const WHO: Record<string, number> = { u: 0o4700, g: 0o2070, o: 0o1007, a: 0o7777 };

/** Parses a mode, or returns undefined when it is not one. */
export function parseMode(text: string): ModeChange | undefined {
  if (/^[0-7]{1,4}$/.test(text)) return { kind: 'octal', mode: Number.parseInt(text, 8), text };
  const clauses: Clause[] = [];
  for (const part of text.split(',')) {
    const match = /^([ugoa]*)((?:[-+=](?:[ugo]|[rwxXst]*))+)$/.exec(part);
    if (!match) return undefined;
    let who = 0;
    for (const letter of match[1] as string) who |= WHO[letter] as number;
    const actions = [...(match[2] as string).matchAll(/([-+=])([ugo]|[rwxXst]*)/g)].map(([, op, perms]) =>
      /^[ugo]$/.test(perms as string) ? { op: op as '+' | '-' | '=', perms: '', copyFrom: perms as 'u' | 'g' | 'o' } : { op: op as '+' | '-' | '=', perms: perms as string },
    );
    clauses.push({ who, actions });
  }
  return clauses.length > 0 ? { kind: 'symbolic', clauses, text } : undefined;
}

function permissionBits(perms: string, current: number, isDirectory: boolean): number {
  let bits = 0;
  for (const letter of perms) {
    if (letter === 'r') bits |= 0o444;
    else if (letter === 'w') bits |= 0o222;
    else if (letter === 'x') bits |= 0o111;
    else if (letter === 'X' && (isDirectory || (current & 0o111) !== 0)) bits |= 0o111;
    else if (letter === 's') bits |= 0o6000;
    else if (letter === 't') bits |= 0o1000;
  }
  return bits;
}

function copiedBits(from: 'u' | 'g' | 'o', current: number): number {
  const three = from === 'u' ? (current >> 6) & 7 : from === 'g' ? (current >> 3) & 7 : current & 7;
  return three * 0o111;
}

/** The new permission bits (07777) for a file whose mode is `current`. */
export function applyMode(change: ModeChange, current: number, isDirectory: boolean, umask: number): number {
  if (change.kind === 'octal') return change.mode;
  let mode = current & 0o7777;
  for (const clause of change.clauses) {
    const mask = clause.who === 0 ? 0o7777 & ~umask : clause.who;
    for (const action of clause.actions) {
      const bits = (action.copyFrom ? copiedBits(action.copyFrom, mode) : permissionBits(action.perms, mode, isDirectory)) & mask;
      if (action.op === '+') mode |= bits;
      else if (action.op === '-') mode &= ~bits;
      // "=" clears what the clause names (without a who letter: everything, the umask only limits what
      // is set), except a directory's set-id bits, which chmod keeps
      else mode = (mode & ~((clause.who === 0 ? 0o7777 : clause.who) & (isDirectory ? 0o1777 : 0o7777))) | bits;
    }
  }
  return mode;
}
