// Exec mode: node-init becomes the service, keeping its PID (gosu style).
import type { Environment } from '../config.js';
import { toEnvp } from '../environment.js';
import { ExitCode, NodeInitError } from '../errors.js';
import { errnoName, execve, giveUpForeignTerminal, SyscallError } from '../native.js';
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
 * A service started from someone else's terminal session must not keep that terminal as its controlling
 * terminal: through it, ioctl(TIOCSTI) types commands into the shell that ran node-init. node-init keeps
 * its PID here, so it cannot setsid() (a process-group leader, as under a job-control shell, may not);
 * it leaves the terminal instead. As the session leader owning it (docker run -it), it keeps it.
 */
export function leaveForeignTerminal(): void {
  try {
    giveUpForeignTerminal();
  } catch (error) {
    if (!(error instanceof SyscallError)) throw error;
    throw new NodeInitError(`cannot leave the controlling terminal of the session that started node-init (${error.message}); nothing was started`);
  }
}

/**
 * Replaces node-init with the command. Only returns by throwing. `beforeExec` runs right before the
 * execve (the logger's last flush).
 */
export function execService(command: readonly string[], environment: Environment, inheritedFds: readonly number[], beforeExec: () => void): never {
  const path = resolveCommand(command, environment);
  beforeExec();
  leaveForeignTerminal();
  const errno = execve(path, command, toEnvp(environment), inheritedFds);
  throw execFailure(command[0] as string, errno);
}
