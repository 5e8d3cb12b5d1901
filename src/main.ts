// node-init's planner, top to bottom: parse → resolve → setup → plan. The native PID 1
// (native/src/pid1/main.c) runs it as a short-lived child and then does the rest itself: the drop, and
// exec or supervise. The planner never touches the service's fds or environment: PID 1 keeps them.
import { writeSync } from 'node:fs';
import { basename } from 'node:path';
import { earlyLogSettings, parseCommandLine, planFd } from './cli/parse.js';
import { helpText } from './cli/help.js';
import { capabilityName } from './capabilities.js';
import type { Config } from './config.js';
import { identityVariables } from './environment.js';
import { ExitCode, NodeInitError } from './errors.js';
import { createLogger, renderLine, type Logger } from './log.js';
import { isatty } from './native.js';
import { encodePlan, type Plan } from './plan.js';
import { checkCapAdd } from './privileges/cap-add.js';
import { checkRunningAs } from './privileges/preflight.js';
import { heldCapabilities, requireCapabilities } from './privileges/capabilities-held.js';
import { runSetup } from './setup/setup.js';
import type { Identity } from './users/identity.js';
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

/** Resolve and setup: who PID 1 is to become, or undefined when it keeps its own ids. */
function prepareUser(config: Config, log: Logger): Identity | undefined {
  const runningAs = checkRunningAs();
  const name = basename(config.command[0] as string);
  if (config.onlyFor.length > 0 && !config.onlyFor.includes(name)) {
    log.info(`${name} is not one of --only-for ${config.onlyFor.join(', ')}: running it as it is, with no setup and no user switch`);
    return undefined;
  }
  if (config.setup.umask !== undefined) {
    process.umask(config.setup.umask); // for the setup steps here; PID 1 sets it for the service
    log.info(`umask ${config.setup.umask.toString(8).padStart(4, '0')}`);
  }
  if (!runningAs.isRoot) {
    const skipped = rootOnlyFlags(config);
    if (skipped.length > 0) {
      const list = skipped.length > 1 ? `${skipped.slice(0, -1).join(', ')} and ${skipped.at(-1)} are` : `${skipped[0]} is`;
      log.warn(`not started as root (uid ${runningAs.uid}), so ${list} skipped: the command runs as uid ${runningAs.uid}`);
    }
    return undefined;
  }
  const target = resolveTarget({ user: config.user, userFrom: config.userFrom, groupAdd: config.groupAdd, socketGroups: config.socketGroups }, runningAs.uid, log);
  // (--group-add and --cap-add without a user were refused by the CLI stage.)
  if (target !== undefined) checkCapAdd(target, config.capabilities);
  // Without a user only --chmod can act (the others need one): otherwise there is nothing to check.
  if (target !== undefined || config.setup.chmod.length > 0) {
    const held = heldCapabilities();
    requireCapabilities(config, target, held);
    runSetup(config.setup, target, held, config.configFile, log);
  }
  return target;
}

function makePlan(config: Config, log: Logger): Plan {
  for (const note of config.notes) log.info(note);
  const identity = prepareUser(config, log);
  const switchedLine = identity === undefined ? undefined : renderLine(config.log, 'info',
    { uid: identity.uid, gid: identity.gid, groups: identity.groups, home: identity.home, capabilities: config.capabilities.map(capabilityName) },
    `switched to user ${identity.name ?? identity.uid}`);
  return {
    mode: config.mode,
    command: config.command,
    identity,
    capabilities: identity === undefined ? [] : config.capabilities,
    noNewPrivs: config.noNewPrivs,
    umask: config.setup.umask,
    parentDeathSignal: config.parentDeathSignal,
    supervise: config.supervise,
    log: config.log,
    environment: identity === undefined ? new Map() : identityVariables(identity, config.callerHome),
    switchedLine,
  };
}

function writeAll(fd: number, data: Buffer): void {
  for (let offset = 0; offset < data.length;) offset += writeSync(fd, data, offset);
}

function main(): number {
  // With no listener, SIGUSR1 would open Node's inspector (as root).
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
    const fd = planFd(process.env);
    if (fd === undefined) throw new NodeInitError('this bundle is node-init\'s planner: run bin/node-init, which starts it and carries out its plan');
    writeAll(fd, encodePlan(makePlan(request.config, log)));
    return 0;
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
