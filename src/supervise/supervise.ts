// Supervise mode, the life of PID 1: spawn the service, forward signals, reap every child, and when the
// service has ended, stop what is left: TERM, then KILL after the grace period. Stopping the service
// itself follows the runtime's clock: SIGTERM is forwarded like any signal and node-init never kills the
// service on a timer of its own (docker stop -t, Kubernetes' terminationGracePeriodSeconds decide).
// node-init has already dropped its privileges: no root process remains.
import { closeSync } from 'node:fs';
import { constants } from 'node:os';
import type { Environment, SuperviseSettings } from '../config.js';
import { toEnvp } from '../environment.js';
import { execFailure, resolveCommand } from '../exec/exec.js';
import { NodeInitError } from '../errors.js';
import type { Logger } from '../log.js';
import { detachTerminal, installSignalHandlers, setChildSubreaper, spawn, SyscallError, waitEvents } from '../native.js';
import { FORWARDED, signalName } from '../signals.js';
import { descendantsOf } from './processes.js';

const { SIGTERM, SIGKILL, SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU, SIGCHLD } = constants.signals;
const STOP_SIGNALS = new Set([SIGTSTP, SIGTTIN, SIGTTOU]);

export interface ServiceSpec {
  command: readonly string[];
  environment: Environment;
  inheritedFds: readonly number[];
}

function send(pid: number, signal: number): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false; // ESRCH: already gone
  }
}

function startService(service: ServiceSpec, newSession: boolean, log: Logger): number {
  const path = resolveCommand(service.command, service.environment);
  const takeTerminal = newSession && detachTerminal();
  let pid: number;
  try {
    // Without a new session (--single-child) the child would share node-init's controlling terminal:
    // it leaves it unless node-init leads the session that owns it (see leaveForeignTerminal).
    pid = spawn(path, service.command, toEnvp(service.environment), service.inheritedFds, { newSession, takeTerminal, giveUpForeignTerminal: !newSession });
  } catch (error) {
    if (error instanceof SyscallError && error.syscall === 'execve') throw execFailure(service.command[0] as string, error.errno);
    if (error instanceof SyscallError) throw new NodeInitError(`the service could not leave node-init's controlling terminal (${error.message}); it was not started`);
    throw error;
  }
  log.info({ pid, argv: service.command, newSession, terminal: takeTerminal }, 'started the service');
  return pid;
}

/** Runs the service to the end and returns node-init's exit code. */
export function supervise(service: ServiceSpec, settings: SuperviseSettings, log: Logger): number {
  const isPid1 = process.pid === 1;
  // Orphans of the service must come back to node-init to be reaped, even when it is not PID 1.
  if (!isPid1) setChildSubreaper();
  installSignalHandlers(FORWARDED);

  const newSession = !settings.singleChild;
  const child = startService(service, newSession, log);
  const target = newSession ? -child : child;
  // Never keep a mount busy, and hold no inherited fd the service may need closed (a pipe's write end).
  process.chdir('/');
  for (const fd of service.inheritedFds) closeSync(fd);

  const rewrite = (signal: number): number => settings.rewrite.get(signal) ?? signal;
  const everyoneLeft = (signal: number): number => {
    if (isPid1) return send(-1, signal) ? 1 : 0; // the whole PID namespace but node-init
    return descendantsOf(process.pid).filter((pid) => send(pid, signal)).length;
  };

  let exitCode: number | undefined;
  let deadline: number | undefined;
  let killed = false;


  const debug = log.isEnabled('debug');
  const info = log.isEnabled('info');

  const onSignal = (received: number): void => {
    if (received === SIGCHLD) return;
    const signal = rewrite(received);
    if (signal === 0) {
      if (debug) log.debug(`dropped ${signalName(received)}`);
      return;
    }
    if (newSession && STOP_SIGNALS.has(signal)) {
      // Job control as in dumb-init: stop the service's group, then node-init itself; SIGCONT resumes both.
      send(target, SIGSTOP);
      send(process.pid, SIGSTOP);
      return;
    }
    const delivered = send(target, signal);
    if (debug) log.debug(`forwarded ${signalName(received)}${signal === received ? '' : ` as ${signalName(signal)}`} to ${target}${delivered ? '' : ' (gone)'}`);
  };

  for (;;) {
    const timeout = deadline === undefined || killed ? -1 : Math.max(0, deadline - Date.now());
    const events = waitEvents(timeout);
    for (const signal of events.signals) onSignal(signal);
    for (const [pid, code, signal] of events.exits) {
      const how = (): string => (code >= 0 ? `exit code ${code}` : `signal ${signalName(signal)}`);
      if (pid !== child) {
        if (info) log.info({ pid }, `reaped ${pid} (${how()})`);
        continue;
      }
      exitCode = code >= 0 ? code : 128 + signal;
      log.info({ pid, exitCode }, `the service ended (${how()})`);
      deadline = Date.now() + settings.gracePeriodMs;
      const term = rewrite(SIGTERM);
      if (term !== 0 && !events.noChildren) log.info(`sent ${signalName(term)} to ${everyoneLeft(term)} remaining process(es)`);
    }
    if (exitCode !== undefined && events.noChildren) break;
    if (deadline !== undefined && !killed && Date.now() >= deadline) {
      killed = true;
      log.warn(`grace period of ${settings.gracePeriodMs} ms over: sent SIGKILL to ${everyoneLeft(SIGKILL)} process(es) still running`);
    }
  }
  return settings.exitCodeMap.get(exitCode) ?? exitCode;
}
