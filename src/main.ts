// node-init, top to bottom: parse → resolve → setup → drop → exec | supervise.
// The addon is imported first: loading it records the fds and stdio flags node-init was started with.
import './native.js';
import { writeSync } from 'node:fs';
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
import { loadUserDatabase } from './users/database.js';
import { resolveIdentity } from './users/resolve.js';
import { setParentDeathSignal } from './native.js';
import { supervise } from './supervise/supervise.js';
import { version } from '../package.json';

/** Resolve and drop: the environment the service gets once node-init runs as the target user. */
function becomeUser(config: Config, log: Logger): Environment {
  const runningAs = checkRunningAs();
  if (config.user === undefined) {
    if (config.groupAdd.length > 0) throw new NodeInitError('--group-add needs --user: name the user the groups are added to');
    if (config.capabilities.length > 0) {
      throw new NodeInitError('--cap-add needs --user: it keeps a capability across the switch to a non-root user; name that user');
    }
    return config.environment;
  }
  if (!runningAs.isRoot) {
    const capAdd = config.capabilities.length > 0 ? ` and --cap-add ${config.capabilities.map(capabilityName).join(',')} are` : ' is';
    log.warn(`not started as root (uid ${runningAs.uid}), so --user ${config.user}${capAdd} skipped: the command runs as uid ${runningAs.uid}`);
    return config.environment;
  }
  refuseIoUring(config.ioUringRequested);
  const identity = resolveIdentity({
    spec: config.user,
    groupAdd: config.groupAdd,
    database: loadUserDatabase(),
    callerUid: runningAs.uid,
  });
  const threads = dropPrivileges(identity, config.capabilities);
  log.debug({ threads }, 'verified the new ids and capabilities in every thread');
  const capabilities = config.capabilities.map(capabilityName);
  log.info({ uid: identity.uid, gid: identity.gid, groups: identity.groups, home: identity.home, capabilities }, `switched to user ${identity.name ?? identity.uid}`);
  return withIdentity(config.environment, identity);
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
    const request = parseCommandLine(process.argv.slice(2), process.env, stderrIsTerminal);
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
