// Exec mode: node-init becomes the service, keeping its PID (gosu style).
import type { Environment } from '../config.js';
import { toEnvp } from '../environment.js';
import { ExitCode, NodeInitError } from '../errors.js';
import { errnoName, execve } from '../native.js';
import { lookPath } from './lookpath.js';

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'no such file, or its interpreter is missing',
  EACCES: 'permission denied',
  ENOEXEC: 'not an executable format',
  EISDIR: 'is a directory',
  ETXTBSY: 'text file busy',
};

/** The exit code and message for an execve that failed, as shells and tini report them. */
export function execFailure(name: string, errno: number): NodeInitError {
  const code = errnoName(errno);
  const exitCode = code === 'ENOENT' ? ExitCode.NotFound : ExitCode.CannotExecute;
  return new NodeInitError(`${name}: cannot execute: ${ERRNO_TEXT[code] ?? code}`, exitCode);
}

/** Resolves the command on the service's PATH; returns the path execve should get. */
export function resolveCommand(command: readonly string[], environment: Environment): string {
  return lookPath(command[0] as string, environment.get('PATH'));
}

/**
 * Replaces node-init with the command. Only returns by throwing. `beforeExec` runs right before the
 * execve (the logger's last flush).
 */
export function execService(command: readonly string[], environment: Environment, inheritedFds: readonly number[], beforeExec: () => void): never {
  const path = resolveCommand(command, environment);
  beforeExec();
  const errno = execve(path, command, toEnvp(environment), inheritedFds);
  throw execFailure(command[0] as string, errno);
}
