// Finds the command on the service's PATH, after the drop, so that access is checked as the user.
import { accessSync, constants, statSync } from 'node:fs';
import { ExitCode, NodeInitError } from '../errors.js';

// What execvp(3) uses when PATH is unset.
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

function isExecutableFile(path: string): 'yes' | 'no' | 'missing' {
  try {
    const stats = statSync(path);
    if (stats.isDirectory()) return 'missing'; // shells skip directories on PATH
    if (!stats.isFile()) return 'no';
  } catch {
    return 'missing';
  }
  try {
    accessSync(path, constants.X_OK);
    return 'yes';
  } catch {
    return 'no';
  }
}

/** The path to execute: name itself when it holds a "/", else the first executable match on PATH. */
export function lookPath(name: string, pathVariable: string | undefined): string {
  if (name.includes('/')) return name; // execve reports what is wrong with it
  let foundButNotExecutable: string | undefined;
  for (const dir of (pathVariable ?? DEFAULT_PATH).split(':')) {
    const candidate = `${dir === '' ? '.' : dir}/${name}`;
    const state = isExecutableFile(candidate);
    if (state === 'yes') return candidate;
    if (state === 'no') foundButNotExecutable ??= candidate;
  }
  if (foundButNotExecutable) {
    throw new NodeInitError(`${name}: permission denied (${foundButNotExecutable} is not an executable file for this user)`, ExitCode.CannotExecute);
  }
  throw new NodeInitError(`${name}: command not found`, ExitCode.NotFound);
}
