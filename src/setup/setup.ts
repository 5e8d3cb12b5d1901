// The setup stage: everything official images do in shell before `exec gosu`, in one fixed order, while
// node-init is still root, for an identity already resolved in full. Every path is checked before
// anything changes, so a mistake stops node-init with nothing done; each step checks again on the fd it
// acts through.
import type { SetupSettings } from '../config.js';
import type { Logger } from '../log.js';
import { nodeInitFiles } from '../paths/own-files.js';
import { hasCapability } from '../privileges/capabilities-held.js';
import type { Identity } from '../users/identity.js';
import { fixStdio } from './stdio.js';
import { changeMode, changeOwner, checkChmod, checkChown, checkMkdir, makeDirectory, type StepContext } from './steps.js';

/**
 * Runs mkdir, chown, chmod and the stdio step (the umask is already set). Without an identity (no
 * --user) only --chmod can be given. `held`: node-init's capabilities; `configFile`: read as root.
 */
export function runSetup(settings: SetupSettings, identity: Identity | undefined, held: bigint, configFile: string | undefined, log: Logger): void {
  const hasPaths = settings.mkdir.length + settings.chown.length + settings.chmod.length > 0;
  const context: StepContext = {
    ownFiles: hasPaths ? nodeInitFiles(configFile === undefined ? [] : [configFile]) : [],
    held,
    allowHardlinks: settings.allowHardlinks,
  };
  const willExist = (path: string): boolean => settings.mkdir.some((made) => path === made || path.startsWith(`${made}/`));
  if (identity !== undefined) {
    for (const path of settings.mkdir) checkMkdir(path, identity, context);
    for (const path of settings.chown) checkChown(path, identity, context, willExist(path));
  }
  for (const step of settings.chmod) checkChmod(step, identity, context, willExist(step.path));

  if (identity !== undefined) {
    for (const path of settings.mkdir) makeDirectory(path, identity, log);
    for (const path of settings.chown) changeOwner(path, identity, context, log);
  }
  for (const step of settings.chmod) changeMode(step, identity, context, log);
  if (identity !== undefined) fixStdio(identity, hasCapability(held, 'CHOWN'), log);
}
