// Proof that a drop happened everywhere: every thread's ids, groups and capabilities, read back from
// the kernel, and setuid(0) failing. A mismatch stops node-init before anything runs.
import { readdirSync, readFileSync } from 'node:fs';
import { NodeInitError } from '../errors.js';
import { errnoName, trySetuid } from '../native.js';
import type { Identity } from '../users/identity.js';

export interface ThreadCredentials {
  tid: string;
  /** real, effective, saved and filesystem ids, as in the Uid:/Gid: lines. */
  uids: number[];
  gids: number[];
  groups: number[];
  capEff: bigint;
  capPrm: bigint;
}

function field(status: string, name: string): string {
  const match = new RegExp(`^${name}:\\t?(.*)$`, 'm').exec(status);
  if (!match) throw new NodeInitError(`cannot verify the privilege drop: no ${name} line in /proc/self/task/*/status`);
  return (match[1] as string).trim();
}

const numbers = (text: string): number[] => (text === '' ? [] : text.split(/\s+/).map(Number));

export function parseStatus(tid: string, status: string): ThreadCredentials {
  return {
    tid,
    uids: numbers(field(status, 'Uid')),
    gids: numbers(field(status, 'Gid')),
    groups: numbers(field(status, 'Groups')),
    capEff: BigInt(`0x${field(status, 'CapEff')}`),
    capPrm: BigInt(`0x${field(status, 'CapPrm')}`),
  };
}

export function readThreadCredentials(): ThreadCredentials[] {
  const threads: ThreadCredentials[] = [];
  for (const tid of readdirSync('/proc/self/task')) {
    let status: string;
    try {
      status = readFileSync(`/proc/self/task/${tid}/status`, 'utf8');
    } catch {
      continue; // the thread ended between the listing and the read
    }
    threads.push(parseStatus(tid, status));
  }
  return threads;
}

const sameSet = (a: readonly number[], b: readonly number[]): boolean => {
  const left = [...new Set(a)].sort((x, y) => x - y);
  const right = [...new Set(b)].sort((x, y) => x - y);
  return left.length === right.length && left.every((value, i) => value === right[i]);
};

/** Differences between what the kernel reports and the target identity; empty when the drop is exact. */
export function credentialMismatches(target: Identity, threads: readonly ThreadCredentials[]): string[] {
  const problems: string[] = [];
  for (const thread of threads) {
    const where = `thread ${thread.tid}`;
    if (thread.uids.length !== 4 || thread.uids.some((id) => id !== target.uid)) problems.push(`${where} has uids ${thread.uids.join(',')}`);
    if (thread.gids.length !== 4 || thread.gids.some((id) => id !== target.gid)) problems.push(`${where} has gids ${thread.gids.join(',')}`);
    if (!sameSet(thread.groups, target.groups)) problems.push(`${where} has groups ${thread.groups.join(',') || 'none'}`);
    if (target.uid !== 0 && (thread.capEff !== 0n || thread.capPrm !== 0n)) {
      problems.push(`${where} kept capabilities (CapEff ${thread.capEff.toString(16)}, CapPrm ${thread.capPrm.toString(16)})`);
    }
  }
  return problems;
}

/** Returns how many threads were checked. */
export function verifyDropped(target: Identity): number {
  const threads = readThreadCredentials();
  const problems = credentialMismatches(target, threads);
  if (target.uid !== 0) {
    const errno = trySetuid(0);
    if (errno === 0) problems.push('setuid(0) succeeded after the drop');
    else if (errnoName(errno) !== 'EPERM') problems.push(`setuid(0) failed with ${errnoName(errno)} instead of EPERM`);
  }
  if (problems.length > 0) {
    throw new NodeInitError(`the privilege drop to ${target.uid}:${target.gid} did not hold: ${problems.join('; ')}; nothing was started`);
  }
  return threads.length;
}
