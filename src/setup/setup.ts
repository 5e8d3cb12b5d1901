// The setup stage: everything official images do in shell before `exec gosu`, in one fixed order, while
// node-init is still root. Every path is checked before anything changes, so a mistake stops node-init
// with nothing half-done.
import type { SetupSettings } from '../config.js';
import { NodeInitError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Identity } from '../users/identity.js';
import { checkPath, refuseSystemDirectory } from './paths.js';
import { fixStdio } from './stdio.js';
import { changeMode, changeOwner, makeDirectory, socketGroup } from './steps.js';

/** Paths that --mkdir will create make "missing" fine for the later steps. */
function checkAll(settings: SetupSettings): void {
  const willExist = (path: string): boolean => settings.mkdir.some((made) => path === made || path.startsWith(`${made}/`));
  const mustExist = (flag: string, path: string): void => {
    refuseSystemDirectory(flag, path);
    if (checkPath(flag, path) === 'missing' && !willExist(path)) {
      throw new NodeInitError(`--${flag} ${path}: it does not exist; create it first (--mkdir ${path})`);
    }
  };
  for (const path of settings.mkdir) checkPath('mkdir', path);
  for (const path of settings.chown) mustExist('chown', path);
  for (const { path } of settings.chmod) mustExist('chmod', path);
}

/**
 * Runs the steps (mkdir, chown, chmod, socket groups, stdio; the umask is already set) and returns the
 * identity to drop to. Without an identity (no --user) only --chmod can be given.
 */
export function runSetup(settings: SetupSettings, identity: Identity | undefined, log: Logger): Identity | undefined {
  checkAll(settings);
  if (identity === undefined) {
    for (const step of settings.chmod) changeMode(step, log);
    return undefined;
  }
  for (const path of settings.mkdir) makeDirectory(path, identity, log);
  for (const path of settings.chown) changeOwner(path, identity, settings.chownHardlinks, log);
  for (const step of settings.chmod) changeMode(step, log);
  const groups = [...identity.groups];
  for (const path of settings.socketGroup) {
    const gid = socketGroup(path, log);
    if (gid !== undefined && gid !== identity.gid && !groups.includes(gid)) groups.push(gid);
  }
  const final = { ...identity, groups };
  fixStdio(final, log);
  return final;
}
