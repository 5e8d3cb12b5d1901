// What the CLI stage hands to the rest of node-init: everything read from argv and the environment.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export type LogFormat = 'json' | 'pretty';

export interface LogSettings {
  level: LogLevel;
  format: LogFormat;
}

/** An environment as an ordered name → value map (the order the service sees). */
export type Environment = Map<string, string>;

export interface Config {
  /** exec: replace node-init with the command; supervise: stay PID 1 and supervise it. */
  mode: 'exec' | 'supervise';
  /** --user SPEC, undefined when the command runs as node-init's own user. */
  user: string | undefined;
  /** --group-add values, in order. */
  groupAdd: string[];
  /** The command and its arguments; never empty. */
  command: string[];
  log: LogSettings;
  /** The service's environment before the user's HOME/USER/LOGNAME are applied. */
  environment: Environment;
  /** The fds >= 3 node-init inherited, which the service inherits in turn. */
  inheritedFds: number[];
  /** True when node-init's own Node process could be using io_uring for file I/O (UV_USE_IO_URING). */
  ioUringRequested: boolean;
}

export type CliRequest = { kind: 'run'; config: Config } | { kind: 'help' } | { kind: 'version' };
