// README's exit-code table quotes node-init's messages: each quoted line is what node-init really prints
// for that code (issue 14: the table had drifted from the real messages).
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeInit, ROOT, tempDir } from './helpers/run.js';

function quotedFor(code: number): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const row = readme.split('\n').find((line) => line.startsWith(`| ${code} |`));
  if (row === undefined) throw new Error(`README has no exit-code row for ${code}`);
  return [...row.matchAll(/`(node-init: [^`]*)`/g)].map((match) => match[1] as string);
}

describe('README exit codes show the real messages', () => {
  it('126 and 127: each quoted line, NAME standing for the command', async () => {
    const dir = tempDir();
    chmodSync(dir, 0o755);
    const plain = join(dir, 'data.txt'); // no execute bit: permission denied
    writeFileSync(plain, 'x\n', { mode: 0o644 });
    const garbage = join(dir, 'garbage'); // executable, but no format the kernel knows
    writeFileSync(garbage, '\x00\x01\x02\x03', { mode: 0o755 });
    const cases: Array<[number, string]> = [[126, plain], [126, garbage], [127, 'no-such-command-anywhere']];
    const seen = new Map<number, string[]>();
    for (const [code, command] of cases) {
      const result = await nodeInit(['--log-format', 'pretty', '--user', 'nobody', '--', command]);
      expect(result.code).toBe(code);
      seen.set(code, [...(seen.get(code) ?? []), result.stderr.replace(command, 'NAME').trim()]);
    }
    for (const code of [126, 127]) {
      const quoted = quotedFor(code);
      expect(quoted.length).toBeGreaterThan(0);
      expect(seen.get(code)).toEqual(expect.arrayContaining(quoted));
    }
  });
});
