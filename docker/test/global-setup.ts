// Before the end-to-end suite: a Docker engine that answers, and images built from the current sources
// (both steps do nothing when already done; Docker's layer cache keeps a rebuild to seconds).
// After it: no container of the suite is left, even from a test that crashed.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');

export default function setup(): () => void {
  const run = (script: string): void => {
    execFileSync('sh', [join(ROOT, 'docker/scripts', script)], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  };
  run('ensure-docker.sh');
  run('build-images.sh');
  return () => {
    const left = execFileSync('docker', ['ps', '--all', '--quiet', '--filter', 'label=node-init-e2e'], { encoding: 'utf8' }).split('\n').filter(Boolean);
    if (left.length > 0) execFileSync('docker', ['rm', '--force', '--volumes', ...left], { stdio: 'ignore' });
  };
}
