// The plan stage: what PID 1 (native/src/pid1/plan.c) is to do once the planner has exited, as the
// small message set it reads from the planner's pipe: NUL-separated "key\0value\0" records ending with
// "end\0". PID 1 refuses the whole plan if any record is malformed or unknown, so this module and plan.c
// change together.
import type { LogSettings, SuperviseSettings } from './config.js';
import type { Identity } from './users/identity.js';

export interface Plan {
  mode: 'exec' | 'supervise';
  command: readonly string[];
  /** Who PID 1 becomes; undefined: it keeps its own ids (not root, or no --user). */
  identity: Identity | undefined;
  /** --cap-add, as capability numbers. */
  capabilities: readonly number[];
  noNewPrivs: boolean;
  umask: number | undefined;
  parentDeathSignal: number | undefined;
  supervise: SuperviseSettings;
  log: LogSettings;
  /** What the service gets on top of PID 1's environment, in place of the same names. */
  environment: ReadonlyMap<string, string>;
  /** The line PID 1 writes once the drop held; undefined when the level hides it. */
  switchedLine: string | undefined;
}

const LEVEL_NUMBER = { debug: 20, info: 30, warn: 40, error: 50, silent: 60 } as const;

/** The records, in order; a value may hold anything but NUL (argv and the environment cannot either). */
export function planRecords(plan: Plan): Array<[string, string]> {
  const records: Array<[string, string]> = [['mode', plan.mode]];
  for (const arg of plan.command) records.push(['arg', arg]);
  if (plan.identity !== undefined) {
    records.push(['uid', String(plan.identity.uid)], ['gid', String(plan.identity.gid)]);
    for (const gid of plan.identity.groups) records.push(['group', String(gid)]);
  }
  for (const cap of plan.capabilities) records.push(['cap', String(cap)]);
  if (plan.noNewPrivs) records.push(['no-new-privs', '1']);
  if (plan.umask !== undefined) records.push(['umask', plan.umask.toString(8)]);
  if (plan.parentDeathSignal !== undefined) records.push(['pdeathsig', String(plan.parentDeathSignal)]);
  if (plan.supervise.singleChild) records.push(['single-child', '1']);
  for (const [from, to] of plan.supervise.rewrite) records.push(['rewrite', `${from}:${to}`]);
  records.push(['grace-ms', String(plan.supervise.gracePeriodMs)]);
  for (const [from, to] of plan.supervise.exitCodeMap) records.push(['exit-code-map', `${from}:${to}`]);
  records.push(['log-level', String(LEVEL_NUMBER[plan.log.level])], ['log-format', plan.log.format]);
  for (const [name, value] of plan.environment) records.push(['env', `${name}=${value}`]);
  if (plan.switchedLine !== undefined) records.push(['switched-line', plan.switchedLine]);
  return records;
}

export function encodePlan(plan: Plan): Buffer {
  const records = planRecords(plan);
  const text = [...records, ['end', '']].map(([key, value]) => `${key}\0${value}\0`).join('');
  return Buffer.from(text, 'utf8');
}
