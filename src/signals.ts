// Signal numbers from their names, realtime ones included (Node's os.constants lacks those); the log's
// signal names are PID 1's (native/src/pid1/signals.c).
import { constants } from 'node:os';
import { NodeInitError } from './errors.js';
import { SIGRTMAX, SIGRTMIN } from './native.js';

const S = constants.signals;

const byNumber = new Map<number, string>();
for (const [name, number] of Object.entries(S)) if (!byNumber.has(number) && name !== 'SIGIOT' && name !== 'SIGPOLL') byNumber.set(number, name);

/** A signal by name (TERM, SIGTERM, term, RTMIN+3) or number; 0 only when allowed. Undefined if unknown. */
export function signalNumber(text: string, allowZero = false): number | undefined {
  if (/^[0-9]+$/.test(text)) {
    const number = Number(text);
    if (number === 0) return allowZero ? 0 : undefined;
    return byNumber.has(number) || (number >= SIGRTMIN && number <= SIGRTMAX) ? number : undefined;
  }
  const name = text.toUpperCase().replace(/^SIG/, '');
  const realtime = /^RT(MIN|MAX)(?:([+-])([0-9]+))?$/.exec(name);
  if (realtime) {
    const base = realtime[1] === 'MIN' ? SIGRTMIN : SIGRTMAX;
    const offset = realtime[3] === undefined ? 0 : Number(realtime[3]) * (realtime[2] === '-' ? -1 : 1);
    const number = base + offset;
    return number >= SIGRTMIN && number <= SIGRTMAX ? number : undefined;
  }
  return (S as Record<string, number>)[`SIG${name}`];
}

export function parseSignal(flag: string, text: string, allowZero = false): number {
  const number = signalNumber(text, allowZero);
  if (number === undefined) {
    throw new NodeInitError(`${flag}: "${text}" is not a signal; use a name like TERM or SIGTERM, RTMIN+3, or a number${allowZero ? ' (0 drops it)' : ''}`);
  }
  return number;
}
