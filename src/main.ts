// node-init, top to bottom: parse → resolve → setup → drop → exec | supervise.
// The addon is imported first: loading it records the fds and stdio flags node-init was started with.
import { setParentDeathSignal } from './native.js';
import { writeSync } from 'node:fs';
import { basename } from 'node:path';
import { isatty } from 'node:tty';
import { earlyLogSettings, parseCommandLine } from './cli/parse.js';
import { helpText } from './cli/help.js';
import { capabilityName } from './capabilities.js';
import type { Config, Environment } from './config.js';
import { withIdentity } from './environment.js';
import { ExitCode, NodeInitError } from './errors.js';
import { execService } from './exec/exec.js';
import { createLogger, type Logger } from './log.js';
import { dropPrivileges, forbidNewPrivileges } from './privileges/drop.js';
import { checkRunningAs, refuseIoUring } from './privileges/preflight.js';
import { heldCapabilities, requireCapabilities } from './privileges/capabilities-held.js';
import { runSetup } from './setup/setup.js';
import { supervise } from './supervise/supervise.js';
import { resolveTarget } from './users/target.js';
import { version } from '../package.json';

/** The flags that need root, as given, for the one warning a non-root start gets. */
function rootOnlyFlags(config: Config): string[] {
  const { setup } = config;
  return [
    ...(config.user === undefined ? [] : [`--user ${config.user}`]),
    ...(config.userFrom === undefined ? [] : [`--user-from ${config.userFrom}`]),
    ...config.groupAdd.map((group) => `--group-add ${group}`),
    ...setup.mkdir.map((path) => `--mkdir ${path}`),
    ...setup.chown.map((path) => `--chown ${path}`),
    ...setup.chmod.map((step) => `--chmod ${step.mode.text}:${step.path}`),
    ...config.socketGroups.map((path) => `--socket-group ${path}`),
    ...config.capabilities.map((capability) => `--cap-add ${capabilityName(capability)}`),
  ];
}

/** Resolve, setup and drop: the environment the service gets once node-init runs as the target user. */
function becomeUser(config: Config, log: Logger): Environment {
  const runningAs = checkRunningAs();
  const name = basename(config.command[0] as string);
  if (config.onlyFor.length > 0 && !config.onlyFor.includes(name)) {
    log.info(`${name} is not one of --only-for ${config.onlyFor.join(', ')}: running it as it is, with no setup and no user switch`);
    return config.environment;
  }
  if (config.setup.umask !== undefined) {
    process.umask(config.setup.umask);
    log.info(`umask ${config.setup.umask.toString(8).padStart(4, '0')}`);
  }
  if (!runningAs.isRoot) {
    const skipped = rootOnlyFlags(config);
    if (skipped.length > 0) {
      const list = skipped.length > 1 ? `${skipped.slice(0, -1).join(', ')} and ${skipped.at(-1)} are` : `${skipped[0]} is`;
      log.warn(`not started as root (uid ${runningAs.uid}), so ${list} skipped: the command runs as uid ${runningAs.uid}`);
    }
    return config.environment;
  }
  const target = resolveTarget({ user: config.user, userFrom: config.userFrom, groupAdd: config.groupAdd, socketGroups: config.socketGroups }, runningAs.uid, log);
  if (target === undefined) {
    if (config.groupAdd.length > 0) throw new NodeInitError('--group-add needs --user: name the user the groups are added to');
    if (config.capabilities.length > 0) {
      throw new NodeInitError('--cap-add needs --user: it keeps a capability across the switch to a non-root user; name that user');
    }
  } else {
    refuseIoUring(config.ioUringRequested);
  }
  // Without a user only --chmod can act (the others need one): otherwise there is nothing to check.
  if (target !== undefined || config.setup.chmod.length > 0) {
    const held = heldCapabilities();
    requireCapabilities(config, target, held);
    runSetup(config.setup, target, held, config.configFile, log);
  }
  if (target === undefined) return config.environment;
  const threads = dropPrivileges(target, config.capabilities);
  log.debug({ threads }, 'verified the new ids and capabilities in every thread');
  const capabilities = config.capabilities.map(capabilityName);
  log.info({ uid: target.uid, gid: target.gid, groups: target.groups, home: target.home, capabilities }, `switched to user ${target.name ?? target.uid}`);
  return withIdentity(config.environment, target);
}

/** After the drop: the kernel clears the parent-death signal whenever credentials change. */
function armParentDeathSignal(signal: number, parentAtStart: number): void {
  setParentDeathSignal(signal);
  if (process.ppid !== parentAtStart) process.kill(process.pid, signal); // the parent died before this
}

function run(config: Config, log: Logger, parentAtStart: number): number {
  const environment = becomeUser(config, log);
  if (config.noNewPrivs) forbidNewPrivileges();
  if (config.parentDeathSignal !== undefined) armParentDeathSignal(config.parentDeathSignal, parentAtStart);
  const service = { command: config.command, environment, inheritedFds: config.inheritedFds };
  if (config.mode === 'exec') {
    execService(service.command, environment, service.inheritedFds, () => log.info({ argv: config.command }, 'exec'));
  }
  return supervise(service, config.supervise, log);
}

function main(): number {
  const parentAtStart = process.ppid;
  // With no listener, SIGUSR1 would open Node's inspector (as root, before the drop).
  process.on('SIGUSR1', () => {});
  const stderrIsTerminal = isatty(2);
  let log = createLogger(earlyLogSettings(process.argv.slice(2), process.env, stderrIsTerminal));
  try {
    const request = parseCommandLine(process.argv.slice(2), process.env, stderrIsTerminal, process.geteuid?.() === 0);
    if (request.kind === 'help') {
      writeSync(1, helpText(version));
      return 0;
    }
    if (request.kind === 'version') {
      writeSync(1, `node-init ${version} (node ${process.version})\n`);
      return 0;
    }
    log = createLogger(request.config.log);
    return run(request.config, log, parentAtStart);
  } catch (error) {
    if (error instanceof NodeInitError) {
      log.error(error.message);
      return error.exitCode;
    }
    log.error({ stack: (error as Error).stack }, `internal error: ${(error as Error).message}; please report it`);
    return ExitCode.NodeInitFailed;
  }
}

process.exit(main());
