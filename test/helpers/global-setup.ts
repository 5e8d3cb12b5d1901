// Before any test: the tools the tests need, and a bundle and addon built from the current sources.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export default function setup(): void {
  const root = join(__dirname, '../..');
  const run = (command: string, args: string[], cwd = root): void => {
    execFileSync(command, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
  };
  run('sh', ['scripts/test-deps.sh']);
  if (!existsSync(join(root, 'native/build/Release/posix_exec.node'))) run('npm', ['run', '--prefix', 'native', 'install']);
  run('node', ['scripts/bundle.mjs']);
}
