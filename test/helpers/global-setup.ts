// Before any test: the tools the tests need, and a bundle, addon and PID 1 program built from the current
// sources.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export default function setup(): void {
  const root = join(__dirname, '../..');
  const run = (command: string, args: string[], cwd = root): void => {
    execFileSync(command, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
  };
  run('sh', ['scripts/test-deps.sh']);
  if (!existsSync(join(root, 'native/build/Release/posix_exec.node')) || !existsSync(join(root, 'native/build/Release/node-init'))) {
    run('npm', ['run', '--prefix', 'native', 'install']);
  }
  run('node', ['scripts/bundle.mjs']);
  // bin/node-init is the PID 1 program built with the addon (npm run build does the same).
  mkdirSync(join(root, 'bin'), { recursive: true });
  copyFileSync(join(root, 'native/build/Release/node-init'), join(root, 'bin/node-init'));
}
