// Signal names and numbers, including the realtime ones Node's os.constants does not list.
import { constants } from 'node:os';
import { NodeInitError } from './errors.js';
import { SIGRTMAX, SIGRTMIN } from './native.js';

const S = constants.signals;

/** What node-init forwards: every signal a process can catch, except SIGCHLD (node-init's own). */
export const FORWARDED: readonly number[] = [
  S.SIGHUP, S.SIGINT, S.SIGQUIT, S.SIGUSR1, S.SIGUSR2, S.SIGPIPE, S.SIGALRM, S.SIGTERM, S.SIGCONT, S.SIGWINCH,
  S.SIGTSTP, S.SIGTTIN, S.SIGTTOU, S.SIGURG, S.SIGXCPU, S.SIGXFSZ, S.SIGVTALRM, S.SIGPROF, S.SIGIO, S.SIGPWR, S.SIGSYS,
  ...Array.from({ length: SIGRTMAX - SIGRTMIN + 1 }, (_, i) => SIGRTMIN + i),
];

const byNumber = new Map<number, string>();
for (const [name, number] of Object.entries(S)) if (!byNumber.has(number) && name !== 'SIGIOT' && name !== 'SIGPOLL') byNumber.set(number, name);

export function signalName(signal: number): string {
  if (signal >= SIGRTMIN && signal <= SIGRTMAX) return signal === SIGRTMIN ? 'SIGRTMIN' : `SIGRTMIN+${signal - SIGRTMIN}`;
  return byNumber.get(signal) ?? `signal ${signal}`;
}

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
