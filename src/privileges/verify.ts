// Proof that a drop happened everywhere: every thread's ids, groups and capabilities, read back from
// the kernel, and setuid(0) failing. A mismatch stops node-init before anything runs.
//
// Capabilities, for a non-root target. The main thread (tid = pid) is the one that execs or forks the
// service: it must hold exactly the --cap-add ones in its effective, permitted, inheritable and ambient
// sets, and (with --cap-add) in its bounding set. The other threads (V8's and libuv's) changed uid
// without PR_SET_KEEPCAPS, which empties their effective, permitted and ambient sets: they must hold
// none. Their inheritable set is not touched by a uid change and capset() cannot reach another thread,
// so it stays what node-init's caller gave it (normally empty; old Docker versions gave a full one):
// it must be no more than that. An inheritable capability alone grants nothing; it matters only to a
// thread that execs, and those threads never do.
import { readdirSync, readFileSync } from 'node:fs';
import { capabilityMask, maskNames } from '../capabilities.js';
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
  capInh: bigint;
  capAmb: bigint;
  capBnd: bigint;
  noNewPrivs: boolean;
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
    capInh: BigInt(`0x${field(status, 'CapInh')}`),
    capAmb: BigInt(`0x${field(status, 'CapAmb')}`),
    capBnd: BigInt(`0x${field(status, 'CapBnd')}`),
    noNewPrivs: field(status, 'NoNewPrivs') === '1',
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

/** The main thread's: the one that calls the addon, and so the one that execs or forks the service. */
export function mainThreadCredentials(): ThreadCredentials {
  const tid = String(process.pid);
  return parseStatus(tid, readFileSync(`/proc/self/task/${tid}/status`, 'utf8'));
}

const sameSet = (a: readonly number[], b: readonly number[]): boolean => {
  const left = [...new Set(a)].sort((x, y) => x - y);
  const right = [...new Set(b)].sort((x, y) => x - y);
  return left.length === right.length && left.every((value, i) => value === right[i]);
};

export interface CapabilityExpectation {
  /** The main thread's id: node-init's pid. */
  mainTid: string;
  /** --cap-add, as a mask. */
  kept: bigint;
  /** The inheritable set node-init was started with (see the top of this file). */
  inheritedInheritable: bigint;
}

const hex = (mask: bigint): string => mask.toString(16);

function capabilityMismatches(thread: ThreadCredentials, expected: CapabilityExpectation): string[] {
  const where = `thread ${thread.tid}`;
  const sets = { CapEff: thread.capEff, CapPrm: thread.capPrm, CapInh: thread.capInh, CapAmb: thread.capAmb };
  if (thread.tid === expected.mainTid) {
    const wrong = Object.entries(sets).filter(([, mask]) => mask !== expected.kept);
    if (expected.kept !== 0n && thread.capBnd !== expected.kept) wrong.push(['CapBnd', thread.capBnd]);
    return wrong.map(([name, mask]) => `${where} (main) has ${name} ${hex(mask)} (${maskNames(mask)}) instead of ${hex(expected.kept)} (${maskNames(expected.kept)})`);
  }
  const problems = Object.entries(sets)
    .filter(([name, mask]) => name !== 'CapInh' && mask !== 0n)
    .map(([name, mask]) => `${where} kept capabilities (${name} ${hex(mask)})`);
  const gained = thread.capInh & ~(expected.inheritedInheritable | expected.kept);
  if (gained !== 0n) problems.push(`${where} has CapInh ${hex(thread.capInh)}, more than node-init was started with`);
  return problems;
}

/** Differences between what the kernel reports and the target identity; empty when the drop is exact. */
export function credentialMismatches(target: Identity, threads: readonly ThreadCredentials[], capabilities: CapabilityExpectation): string[] {
  const problems: string[] = [];
  for (const thread of threads) {
    const where = `thread ${thread.tid}`;
    if (thread.uids.length !== 4 || thread.uids.some((id) => id !== target.uid)) problems.push(`${where} has uids ${thread.uids.join(',')}`);
    if (thread.gids.length !== 4 || thread.gids.some((id) => id !== target.gid)) problems.push(`${where} has gids ${thread.gids.join(',')}`);
    if (!sameSet(thread.groups, target.groups)) problems.push(`${where} has groups ${thread.groups.join(',') || 'none'}`);
    if (target.uid !== 0) problems.push(...capabilityMismatches(thread, capabilities));
  }
  if (target.uid !== 0 && !threads.some((thread) => thread.tid === capabilities.mainTid)) problems.push(`the main thread ${capabilities.mainTid} was not found`);
  return problems;
}

/** Returns how many threads were checked. */
export function verifyDropped(target: Identity, kept: readonly number[], inheritedInheritable: bigint): number {
  const threads = readThreadCredentials();
  const problems = credentialMismatches(target, threads, { mainTid: String(process.pid), kept: capabilityMask(kept), inheritedInheritable });
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

/** no_new_privs is per thread: the main thread, which execs or forks the service, must have it. */
export function verifyNoNewPrivs(): void {
  if (!mainThreadCredentials().noNewPrivs) throw new NodeInitError('no_new_privs did not hold: /proc/self/status shows NoNewPrivs 0 after setting it; nothing was started');
}
