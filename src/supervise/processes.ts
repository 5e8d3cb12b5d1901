// The processes left to stop when node-init is not PID 1: every descendant, found through /proc.
// (As PID 1, kill(-1) reaches the whole PID namespace at once.)
import { readdirSync } from 'node:fs';
import { procStat } from '../proc-stat.js';

export function descendantsOf(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(entry)) continue;
    const parentField = procStat(Number(entry))?.[1];
    if (parentField === undefined) continue; // gone meanwhile
    const parent = Number(parentField);
    const siblings = children.get(parent);
    if (siblings) siblings.push(Number(entry));
    else children.set(parent, [Number(entry)]);
  }
  const found: number[] = [];
  const queue = [...(children.get(root) ?? [])];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    found.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}
