// Before any test: the tools the tests need, and a bundle, addon and PID 1 program built from the current
// sources.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// What the tests leave in the temporary directory (tempDir(), withEtc(), the terminal tests' files):
// removed when the run ends, or a few runs fill the disk (up to 100 MB each for the --chown trees).
const LEFT_BEHIND = /^node-init-(test|etc|tiocsti|outside|sandbox)-/;

function removeWhatThisRunMade(since: number): void {
  const dir = tmpdir();
  for (const name of readdirSync(dir)) {
    if (!LEFT_BEHIND.test(name)) continue;
    const path = join(dir, name);
    try {
      const stats = statSync(path);
      if ((stats.birthtimeMs || stats.ctimeMs) >= since) rmSync(path, { recursive: true, force: true });
    } catch {
      // gone meanwhile
    }
  }
}

export default function setup(): () => void {
  const started = Date.now() - 1000;
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
  return () => removeWhatThisRunMade(started);
}
