// The CLI stage: the only place that reads argv and the environment. Options come from a --config file,
// then NODE_INIT_* variables, then flags; for each option the last of these that sets it wins.
import { resolve } from 'node:path';
import type { CliRequest, ChmodStep, LogFormat, LogLevel, LogSettings, SetupSettings, SuperviseSettings } from '../config.js';
import { NodeInitError } from '../errors.js';
import { normalizePath } from '../paths/protected.js';
import { parseMode } from '../setup/mode.js';
import { parseCapability } from '../capabilities.js';
import { parseSignal } from '../signals.js';
import { countOn, isOn, mergeFlags, parseArgv, valueOf, valuesOf, type Flags } from './flags.js';
import { envName, findLong, type OptionName, type OptionSpec } from './options.js';

/** How a message names an option: as the user set it (flag, NODE_INIT_* variable, or config key). */
type Label = (name: OptionName) => string;
import { isCommand } from './command.js';
import { flagsFromConfigFile, flagsFromEnv } from './sources.js';

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];
const LOG_FORMATS: readonly LogFormat[] = ['json', 'pretty'];

function oneOf<T extends string>(what: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new NodeInitError(`${what} must be one of ${allowed.join(', ')}, not "${value}"`);
}

/**
 * Log settings read before the options are parsed, so that even a mistake in them is reported in the
 * format the user asked for. A bad value here falls back to the default (the parse reports it).
 */
export function earlyLogSettings(argv: readonly string[], env: NodeJS.ProcessEnv, stderrIsTerminal: boolean): LogSettings {
  const level = env.NODE_INIT_LOG_LEVEL;
  let format = env.NODE_INIT_LOG_FORMAT;
  for (let i = 0; i < argv.length && argv[i] !== '--' && argv[i]?.startsWith('-'); i++) {
    const arg = argv[i] as string;
    const value = arg === '--log-format' ? argv[i + 1] : arg.startsWith('--log-format=') ? arg.slice('--log-format='.length) : undefined;
    if (value !== undefined && (LOG_FORMATS as readonly string[]).includes(value)) format = value;
  }
  return {
    level: level && (LOG_LEVELS as readonly string[]).includes(level) ? (level as LogLevel) : 'warn',
    format: format && (LOG_FORMATS as readonly string[]).includes(format) ? (format as LogFormat) : stderrIsTerminal ? 'pretty' : 'json',
  };
}

function logSettings(flags: Flags, env: NodeJS.ProcessEnv, stderrIsTerminal: boolean, label: Label): LogSettings {
  const settings = earlyLogSettings([], env, stderrIsTerminal);
  if (env.NODE_INIT_LOG_LEVEL) oneOf('NODE_INIT_LOG_LEVEL', env.NODE_INIT_LOG_LEVEL, LOG_LEVELS); // empty means unset
  const verbose = countOn(flags, 'verbose');
  if (verbose > 0) settings.level = verbose > 1 ? 'debug' : 'info';
  const format = valueOf(flags, 'log-format');
  if (format !== undefined) settings.format = oneOf(label('log-format'), format, LOG_FORMATS);
  return settings;
}

/** FROM:TO pairs of a repeatable flag. */
function pairs<T>(flag: 'rewrite' | 'exit-code-map', label: Label, values: readonly string[], parse: (text: string, side: 'FROM' | 'TO') => T): Map<T, T> {
  const map = new Map<T, T>();
  for (const value of values) {
    const parts = value.split(':');
    if (parts.length !== 2) throw new NodeInitError(`${label(flag)} "${value}" must be FROM:TO, e.g. --${flag} ${flag === 'rewrite' ? 'TERM:QUIT' : '143:0'}`);
    map.set(parse(parts[0] as string, 'FROM'), parse(parts[1] as string, 'TO'));
  }
  return map;
}

function exitCode(text: string, label: Label): number {
  if (!/^[0-9]{1,3}$/.test(text) || Number(text) > 255) throw new NodeInitError(`${label('exit-code-map')}: "${text}" is not an exit code from 0 to 255`);
  return Number(text);
}

/** Seconds ("5", "0.5", "2s") or milliseconds ("500ms"). */
function duration(flag: string, text: string): number {
  const match = /^([0-9]+(?:\.[0-9]+)?)(ms|s)?$/.exec(text);
  if (!match) throw new NodeInitError(`${flag} "${text}" is not a duration; give seconds (5, 0.5, 2s) or milliseconds (500ms)`);
  const ms = Number(match[1]) * (match[2] === 'ms' ? 1 : 1000);
  if (ms > 2_147_483_647) throw new NodeInitError(`${flag} "${text}" is too long; the most is 24 days`);
  return Math.round(ms);
}

function superviseSettings(flags: Flags, mode: 'exec' | 'supervise', label: Label): SuperviseSettings {
  if (mode === 'exec') {
    for (const name of ['single-child', 'rewrite', 'grace-period', 'exit-code-map'] as const) {
      if (name === 'single-child' ? isOn(flags, name) : flags.has(name)) {
        throw new NodeInitError(`${label(name)} only applies when node-init supervises the command; remove it or remove ${label('exec')}`);
      }
    }
  }
  const grace = valueOf(flags, 'grace-period');
  return {
    singleChild: isOn(flags, 'single-child'),
    rewrite: pairs('rewrite', label, valuesOf(flags, 'rewrite'), (text, side) => parseSignal(label('rewrite'), text, side === 'TO')),
    gracePeriodMs: grace === undefined ? 5000 : duration(label('grace-period'), grace),
    exitCodeMap: pairs('exit-code-map', label, valuesOf(flags, 'exit-code-map'), (text) => exitCode(text, label)),
  };
}

function absolutePath(flag: string, path: string): string {
  if (!path.startsWith('/')) throw new NodeInitError(`${flag} "${path}" must be an absolute path, e.g. /data`);
  if (path.split('/').some((part) => part === '.' || part === '..')) throw new NodeInitError(`${flag} "${path}" must not contain . or .. parts`);
  return normalizePath(path);
}

function chmodStep(value: string, flag: string): ChmodStep {
  const colon = value.indexOf(':');
  const mode = colon > 0 ? parseMode(value.slice(0, colon)) : undefined;
  const last = value.lastIndexOf(':');
  if (mode === undefined && value.startsWith('/') && last > 0 && parseMode(value.slice(last + 1)) !== undefined) {
    throw new NodeInitError(`${flag} "${value}": the mode comes first: ${value.slice(last + 1)}:${value.slice(0, last)}`);
  }
  if (mode === undefined) {
    throw new NodeInitError(`${flag} "${value}" must be MODE:PATH with an octal (0644) or symbolic (a+r, u=rwX,go=) mode, e.g. --chmod a+r:/sys/firmware/dmi/tables/DMI`);
  }
  return { mode, path: absolutePath(flag, value.slice(colon + 1)) };
}

function setupSettings(flags: Flags, hasUser: boolean, label: Label): SetupSettings {
  const umask = valueOf(flags, 'umask');
  if (umask !== undefined && !/^0?[0-7]{1,3}$/.test(umask)) throw new NodeInitError(`${label('umask')} "${umask}" must be an octal mode from 000 to 0777, e.g. 0077`);
  const why = { chown: 'it acts for the user the command runs as', mkdir: 'it acts for the user the command runs as', 'socket-group': 'it adds a group to the user the command runs as',
    'group-add': 'name the user the groups are added to', 'cap-add': 'it keeps a capability across the switch to a non-root user; name that user' } as const;
  for (const name of ['chown', 'mkdir', 'socket-group', 'group-add', 'cap-add'] as const) {
    if (valuesOf(flags, name).length > 0 && !hasUser) throw new NodeInitError(`${label(name)} needs a user (--user, --user-from or --user-env): ${why[name]}`);
  }
  return {
    umask: umask === undefined ? undefined : Number.parseInt(umask, 8),
    mkdir: valuesOf(flags, 'mkdir').map((path) => absolutePath(label('mkdir'), path)),
    chown: valuesOf(flags, 'chown').map((path) => absolutePath(label('chown'), path)),
    allowHardlinks: isOn(flags, 'allow-hardlinks'),
    chmod: valuesOf(flags, 'chmod').map((value) => chmodStep(value, label('chmod'))),
  };
}

/**
 * --default-command goes first when there is no command, when the first argument is an option, or when
 * it is no command at all (not found on PATH, or a file that is not executable: redis's `IMG app.conf`).
 */
function finalCommand(command: string[], defaultCommand: string | undefined, pathVariable: string | undefined): string[] {
  if (defaultCommand !== undefined) {
    const first = command[0];
    if (first === undefined || first.startsWith('-') || (first !== '' && !isCommand(first, pathVariable))) return [defaultCommand, ...command];
  }
  if (command.length === 0) {
    throw new NodeInitError('no command given: put the command after the options, e.g. node-init --user nobody -- id');
  }
  if (command[0] === '') throw new NodeInitError('the command is an empty string; give the program to run');
  return command;
}

/**
 * --user-env VAR or UIDVAR:GIDVAR: the spec from the operator's own variables, read like a flag's value.
 * Both unset or empty: no user (spec undefined), as the images' scripts do (`[ -n "$RUN_USER" ]`).
 */
function userFromEnvironment(flags: Flags, env: NodeJS.ProcessEnv, label: Label): { spec: string | undefined; names: string } | undefined {
  const text = valueOf(flags, 'user-env');
  if (text === undefined) return undefined;
  const names = text.split(':');
  if (names.length > 2 || names.some((name) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))) {
    throw new NodeInitError(`${label('user-env')} "${text}" must name one variable (RUN_USER) or two, uid and gid (USER_ID:GROUP_ID)`);
  }
  const values = names.map((name) => env[name] ?? '');
  if (values.every((value) => value === '')) return { spec: undefined, names: names.join(' and ') };
  if (values.some((value) => value === '')) {
    throw new NodeInitError(`${label('user-env')} ${text}: ${names[values.indexOf('')]} is empty while ${names[values.findIndex((value) => value !== '')]} is set; set both, or neither to run the command as it is`);
  }
  return { spec: values.join(':'), names: names.join(' and ') };
}

/** Without the user --user-env names, the steps that act for a user are skipped: one note says which. */
function withoutUser(flags: Flags, names: string): string[] {
  const skipped = (['chown', 'mkdir', 'socket-group', 'group-add', 'cap-add'] as const).flatMap((name) => {
    const values = valuesOf(flags, name);
    flags.delete(name);
    return values.map((value) => `--${name} ${value}`);
  });
  return [`${names} ${names.includes(' and ') ? 'are' : 'is'} unset or empty: the command runs as it is${skipped.length > 0 ? `, without ${skipped.join(', ')}` : ''}`];
}

/** `asRoot`: node-init runs as root, so a config file must be one only root could have written. */
export function parseCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv, stderrIsTerminal: boolean, asRoot: boolean): CliRequest {
  const { flags: argvFlags, command } = parseArgv(argv);
  if (argvFlags.has('help')) return { kind: 'help' };
  if (argvFlags.has('version')) return { kind: 'version' };
  const envFlags = flagsFromEnv(env);
  const configFromArgv = valueOf(argvFlags, 'config');
  const configFile = configFromArgv ?? valueOf(envFlags, 'config');
  const configOption = configFromArgv === undefined ? 'NODE_INIT_CONFIG' : '--config';
  const fileFlags = configFile === undefined ? new Map() : flagsFromConfigFile(configFile, configOption, asRoot);
  const flags = mergeFlags(fileFlags, envFlags, argvFlags);
  // What the user actually set, for the messages: --chown, NODE_INIT_CHOWN or the config file's "chown".
  const label: Label = (name) =>
    argvFlags.has(name) ? `--${name}` : envFlags.has(name) ? envName(findLong(name) as OptionSpec) : fileFlags.has(name) ? `"${name}" in ${configOption} ${configFile}` : `--${name}`;

  const mode = isOn(flags, 'exec') ? 'exec' : 'supervise';
  const userFrom = valueOf(flags, 'user-from');
  const fromEnv = userFromEnvironment(flags, env, label);
  const user = fromEnv?.spec ?? valueOf(flags, 'user');
  if ([valueOf(flags, 'user'), userFrom, fromEnv].filter((source) => source !== undefined).length > 1) {
    throw new NodeInitError('--user, --user-from and --user-env each name the user; give only one');
  }
  const notes = fromEnv !== undefined && fromEnv.spec === undefined ? withoutUser(flags, fromEnv.names) : [];
  const parentDeathSignal = valueOf(flags, 'pdeathsig');
  return {
    kind: 'run',
    config: {
      mode,
      user,
      userFrom: userFrom === undefined ? undefined : absolutePath(label('user-from'), userFrom),
      onlyFor: valuesOf(flags, 'only-for'),
      groupAdd: valuesOf(flags, 'group-add'),
      socketGroups: valuesOf(flags, 'socket-group').map((path) => absolutePath(label('socket-group'), path)),
      configFile: configFile === undefined ? undefined : resolve(configFile),
      setup: setupSettings(flags, user !== undefined || userFrom !== undefined, label),
      supervise: superviseSettings(flags, mode, label),
      parentDeathSignal: parentDeathSignal === undefined ? undefined : parseSignal(label('pdeathsig'), parentDeathSignal),
      capabilities: [...new Set(valuesOf(flags, 'cap-add').map((text) => parseCapability(label('cap-add'), text)))].sort((a, b) => a - b),
      noNewPrivs: isOn(flags, 'no-new-privs'),
      command: finalCommand(command, valueOf(flags, 'default-command'), env.PATH),
      log: logSettings(flags, env, stderrIsTerminal, label),
      callerHome: env.HOME || undefined,
      notes,
    },
  };
}

/** The fd of the plan's pipe, which the native PID 1 gives its planner; undefined when started otherwise. */
export function planFd(env: NodeJS.ProcessEnv): number | undefined {
  const text = env.NODE_INIT_PLAN_FD;
  return text !== undefined && /^[0-9]+$/.test(text) ? Number(text) : undefined;
}
