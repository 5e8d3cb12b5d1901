import type { ModeChange } from './setup/mode.js';

// What the CLI stage hands to the rest of node-init: everything read from argv and the environment.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export type LogFormat = 'json' | 'pretty';

export interface LogSettings {
  level: LogLevel;
  format: LogFormat;
}

export interface SuperviseSettings {
  /** --single-child: no new session; signals go to the child only, not its process group. */
  singleChild: boolean;
  /** --rewrite FROM:TO, by signal number; TO 0 drops the signal. */
  rewrite: Map<number, number>;
  /** --grace-period: how long what is left gets between SIGTERM and SIGKILL. */
  gracePeriodMs: number;
  /** --exit-code-map FROM:TO. */
  exitCodeMap: Map<number, number>;
}

export interface ChmodStep {
  mode: ModeChange;
  path: string;
}

/** The root-only steps, run in this order before the drop (umask also without root), then stdio. */
export interface SetupSettings {
  umask: number | undefined;
  mkdir: string[];
  chown: string[];
  /** --allow-hardlinks: --chown and --chmod may change regular files with more than one link. */
  allowHardlinks: boolean;
  chmod: ChmodStep[];
}

export interface Config {
  /** exec: replace node-init with the command; supervise: stay PID 1 and supervise it. */
  mode: 'exec' | 'supervise';
  /** --user SPEC, undefined when the command runs as node-init's own user. */
  user: string | undefined;
  /** --user-from PATH: the user is PATH's owner. */
  userFrom: string | undefined;
  /** --only-for: setup and drop only for these command basenames (empty: always). */
  onlyFor: string[];
  setup: SetupSettings;
  /** --group-add values, in order. */
  groupAdd: string[];
  /** --socket-group: the groups owning these sockets are added to the user's. */
  socketGroups: string[];
  /** --config or NODE_INIT_CONFIG, as an absolute path. */
  configFile: string | undefined;
  /** --cap-add, as capability numbers, sorted, without duplicates. */
  capabilities: number[];
  /** --no-new-privs. */
  noNewPrivs: boolean;
  /** The command and its arguments; never empty. */
  command: string[];
  log: LogSettings;
  supervise: SuperviseSettings;
  /** --pdeathsig: the signal node-init (and, in exec mode, the service) gets when its parent dies. */
  parentDeathSignal: number | undefined;
  /** Lines for the info log about what the options decided (--user-env without its variables). */
  notes: string[];
  /** HOME as node-init was started with it (non-empty), for a uid that has no passwd entry. */
  callerHome: string | undefined;
}

export type CliRequest = { kind: 'run'; config: Config } | { kind: 'help' } | { kind: 'version' };
