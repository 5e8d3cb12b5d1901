// src/plan.ts: the records PID 1's plan.c reads. The process tests run them through PID 1; these pin
// the encoding itself.
import { describe, expect, it } from 'vitest';
import { encodePlan, planRecords, type Plan } from '../../src/plan.js';

const base: Plan = {
  mode: 'supervise',
  command: ['redis-server', '--port', '6379'],
  identity: undefined,
  capabilities: [],
  noNewPrivs: false,
  umask: undefined,
  parentDeathSignal: undefined,
  supervise: { singleChild: false, rewrite: new Map(), gracePeriodMs: 5000, exitCodeMap: new Map() },
  log: { level: 'warn', format: 'json' },
  environment: new Map(),
  switchedLine: undefined,
};

describe('plan records', () => {
  it('the least plan: mode, every argument in order, grace, log settings', () => {
    expect(planRecords(base)).toEqual([
      ['mode', 'supervise'], ['arg', 'redis-server'], ['arg', '--port'], ['arg', '6379'],
      ['grace-ms', '5000'], ['log-level', '40'], ['log-format', 'json'],
    ]);
  });

  it('a user: uid, gid, each group, HOME/USER/LOGNAME and the line PID 1 writes after the drop', () => {
    const records = planRecords({
      ...base,
      identity: { uid: 999, gid: 998, groups: [998, 4], home: '/data', name: 'redis' },
      capabilities: [10],
      environment: new Map([['HOME', '/data'], ['USER', 'redis']]),
      switchedLine: '{"msg":"switched to user redis"}\n',
    });
    expect(records).toEqual(expect.arrayContaining([['uid', '999'], ['gid', '998'], ['group', '998'], ['group', '4'], ['cap', '10'],
      ['env', 'HOME=/data'], ['env', 'USER=redis'], ['switched-line', '{"msg":"switched to user redis"}\n']]));
  });

  it('umask in octal, signals and codes as numbers, silent as 60', () => {
    const records = planRecords({
      ...base, umask: 0o27, parentDeathSignal: 15, noNewPrivs: true, log: { level: 'silent', format: 'pretty' },
      supervise: { singleChild: true, rewrite: new Map([[15, 3], [28, 0]]), gracePeriodMs: 0, exitCodeMap: new Map([[143, 0]]) },
    });
    expect(records).toEqual(expect.arrayContaining([['umask', '27'], ['pdeathsig', '15'], ['no-new-privs', '1'], ['single-child', '1'],
      ['rewrite', '15:3'], ['rewrite', '28:0'], ['grace-ms', '0'], ['exit-code-map', '143:0'], ['log-level', '60'], ['log-format', 'pretty']]));
  });

  it('bytes: key NUL value NUL each, "end" last; arguments keep any byte but NUL, as UTF-8', () => {
    const bytes = encodePlan({ ...base, command: ['echo', 'a=b\n"é"', ''] });
    expect(bytes.toString('utf8')).toBe('mode\0supervise\0arg\0echo\0arg\0a=b\n"é"\0arg\0\0grace-ms\x005000\0log-level\x0040\0log-format\0json\0end\0\0');
  });
});
