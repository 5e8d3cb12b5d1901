// Whether the first argument is a command at all, as the lookup PID 1 does before exec would find one
// (native/src/pid1/service.c): a name with a "/" as it is, otherwise the first regular, executable file
// on PATH. Official images' entrypoints put the server first when it is not (redis: `IMG redis.conf`).
import { accessSync, constants, statSync } from 'node:fs';
import { join } from 'node:path';

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function isCommand(name: string, pathVariable: string | undefined): boolean {
  if (name.includes('/')) return isExecutableFile(name);
  return (pathVariable ?? DEFAULT_PATH).split(':').some((dir) => isExecutableFile(join(dir === '' ? '.' : dir, name)));
}
