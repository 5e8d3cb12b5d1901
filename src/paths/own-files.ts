// The files node-init runs from or trusts as root: a setup step that gave one of them to the service
// user would let the service run code as root at the next start.
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';

function realPath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/** Every file mapped into this process (the node binary, its libraries, the addon): /proc/self/maps. */
function mappedFiles(): string[] {
  try {
    return readFileSync('/proc/self/maps', 'utf8')
      .split('\n')
      .map((line) => line.slice(line.indexOf('/')))
      .filter((path) => path.startsWith('/') && !path.endsWith(' (deleted)'));
  } catch {
    return [];
  }
}

/** node-init's package (the bundle's parent directory: bin/node-init, dist/, the addon), node, its libraries and `more`. */
export function nodeInitFiles(more: readonly string[] = []): string[] {
  const files = [realPath(join(__dirname, '..')), realPath(process.execPath), ...mappedFiles(), ...more];
  return [...new Set(files.filter((path): path is string => path !== undefined))];
}
