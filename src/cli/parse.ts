// The CLI stage: the only place that reads argv and the environment.
import type { CliRequest, LogFormat, LogLevel, LogSettings, SuperviseSettings } from '../config.js';
import { NodeInitError } from '../errors.js';
import { serviceEnvironment } from '../environment.js';
import { parseCapability } from '../capabilities.js';
import { parseSignal } from '../signals.js';
import { findLong, findShort, type OptionName, type OptionSpec } from './options.js';

const HELP_HINT = 'run "node-init --help" to see every option';
const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];
const LOG_FORMATS: readonly LogFormat[] = ['json', 'pretty'];

/** Flags as given: the values of each flag in order (an empty string for a flag without a value). */
type Flags = Map<OptionName, string[]>;

function record(flags: Flags, option: OptionSpec, value: string): void {
  const name = option.name as OptionName;
  const values = flags.get(name) ?? [];
  if (values.length > 0 && !option.repeatable) {
    throw new NodeInitError(`--${name} was given twice; give it once`);
  }
  values.push(value);
  flags.set(name, values);
}

function missingValue(option: OptionSpec): NodeInitError {
  return new NodeInitError(`--${option.name} needs a value (${option.value}); ${HELP_HINT}`);
}

/** Splits argv into flags and the command: options stop at "--" or at the first non-option word. */
function splitArgv(argv: readonly string[]): { flags: Flags; command: string[] } {
  const flags: Flags = new Map();
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      i++;
      break;
    }
    if (arg === '-' || !arg.startsWith('-')) break;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      const option = findLong(name);
      if (!option) throw new NodeInitError(`unknown option --${name}; ${HELP_HINT}`);
      if (option.value) {
        const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
        if (value === undefined) throw missingValue(option);
        record(flags, option, value);
      } else if (eq >= 0) {
        throw new NodeInitError(`--${name} takes no value; remove "=${arg.slice(eq + 1)}"`);
      } else {
        record(flags, option, '');
      }
      continue;
    }
    // A cluster of short flags: -vv, -u redis, -uredis.
    for (let j = 1; j < arg.length; j++) {
      const letter = arg[j] as string;
      const option = findShort(letter);
      if (!option) throw new NodeInitError(`unknown option -${letter}; ${HELP_HINT}`);
      if (option.value) {
        const value = j + 1 < arg.length ? arg.slice(j + 1) : argv[++i];
        if (value === undefined) throw missingValue(option);
        record(flags, option, value);
        break;
      }
      record(flags, option, '');
    }
  }
  return { flags, command: argv.slice(i) };
}

function oneOf<T extends string>(what: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new NodeInitError(`${what} must be one of ${allowed.join(', ')}, not "${value}"`);
}

/**
 * Log settings read before the flags are parsed, so that even a mistake in the flags is reported in the
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

function logSettings(flags: Flags, env: NodeJS.ProcessEnv, stderrIsTerminal: boolean): LogSettings {
  const settings = earlyLogSettings([], env, stderrIsTerminal);
  if (env.NODE_INIT_LOG_LEVEL !== undefined) oneOf('NODE_INIT_LOG_LEVEL', env.NODE_INIT_LOG_LEVEL, LOG_LEVELS);
  if (env.NODE_INIT_LOG_FORMAT !== undefined) oneOf('NODE_INIT_LOG_FORMAT', env.NODE_INIT_LOG_FORMAT, LOG_FORMATS);
  const verbose = flags.get('verbose')?.length ?? 0;
  if (verbose > 0) settings.level = verbose > 1 ? 'debug' : 'info';
  const format = flags.get('log-format')?.[0];
  if (format !== undefined) settings.format = oneOf('--log-format', format, LOG_FORMATS);
  return settings;
}

/** FROM:TO pairs of a repeatable flag. */
function pairs<T>(flag: string, values: readonly string[], parse: (text: string, side: 'FROM' | 'TO') => T): Map<T, T> {
  const map = new Map<T, T>();
  for (const value of values) {
    const parts = value.split(':');
    if (parts.length !== 2) throw new NodeInitError(`--${flag} "${value}" must be FROM:TO, e.g. --${flag} ${flag === 'rewrite' ? 'TERM:QUIT' : '143:0'}`);
    map.set(parse(parts[0] as string, 'FROM'), parse(parts[1] as string, 'TO'));
  }
  return map;
}

function exitCode(text: string): number {
  if (!/^[0-9]{1,3}$/.test(text) || Number(text) > 255) throw new NodeInitError(`--exit-code-map: "${text}" is not an exit code from 0 to 255`);
  return Number(text);
}

/** Seconds ("5", "0.5", "2s") or milliseconds ("500ms"). */
function duration(flag: string, text: string): number {
  const match = /^([0-9]+(?:\.[0-9]+)?)(ms|s)?$/.exec(text);
  if (!match) throw new NodeInitError(`--${flag} "${text}" is not a duration; give seconds (5, 0.5, 2s) or milliseconds (500ms)`);
  const ms = Number(match[1]) * (match[2] === 'ms' ? 1 : 1000);
  if (ms > 2_147_483_647) throw new NodeInitError(`--${flag} "${text}" is too long; the most is 24 days`);
  return Math.round(ms);
}

function superviseSettings(flags: Flags, mode: 'exec' | 'supervise'): SuperviseSettings {
  if (mode === 'exec') {
    for (const name of ['single-child', 'rewrite', 'grace-period', 'exit-code-map'] as const) {
      if (flags.has(name)) throw new NodeInitError(`--${name} only applies when node-init supervises the command; remove it or remove --exec`);
    }
  }
  const grace = flags.get('grace-period')?.[0];
  return {
    singleChild: flags.has('single-child'),
    rewrite: pairs('rewrite', flags.get('rewrite') ?? [], (text, side) => parseSignal('--rewrite', text, side === 'TO')),
    gracePeriodMs: grace === undefined ? 5000 : duration('grace-period', grace),
    exitCodeMap: pairs('exit-code-map', flags.get('exit-code-map') ?? [], exitCode),
  };
}

/**
 * bin/node-init lists the fds it was started with (Node marks inherited fds close-on-exec at start-up,
 * so they can no longer be told apart afterwards). Started without it, node-init passes none on.
 */
function inheritedFds(list: string | undefined): number[] {
  return (list ?? '').split(' ').filter((word) => /^[0-9]+$/.test(word)).map(Number).filter((fd) => fd >= 3);
}

export function parseCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv, stderrIsTerminal: boolean): CliRequest {
  const { flags, command } = splitArgv(argv);
  if (flags.has('help')) return { kind: 'help' };
  if (flags.has('version')) return { kind: 'version' };
  if (command.length === 0) {
    throw new NodeInitError('no command given: put the command after the options, e.g. node-init --user nobody -- id');
  }
  if (command[0] === '') throw new NodeInitError('the command is an empty string; give the program to run');
  const uvUseIoUring = env.UV_USE_IO_URING;
  const mode = flags.has('exec') ? 'exec' : 'supervise';
  const parentDeathSignal = flags.get('pdeathsig')?.[0];
  return {
    kind: 'run',
    config: {
      mode,
      supervise: superviseSettings(flags, mode),
      parentDeathSignal: parentDeathSignal === undefined ? undefined : parseSignal('--pdeathsig', parentDeathSignal),
      user: flags.get('user')?.[0],
      groupAdd: flags.get('group-add') ?? [],
      capabilities: [...new Set((flags.get('cap-add') ?? []).map((text) => parseCapability('--cap-add', text)))].sort((a, b) => a - b),
      noNewPrivs: flags.has('no-new-privs'),
      command,
      log: logSettings(flags, env, stderrIsTerminal),
      environment: serviceEnvironment(env),
      inheritedFds: inheritedFds(env.NODE_INIT_INHERITED_FDS),
      ioUringRequested: uvUseIoUring !== undefined && uvUseIoUring !== '' && uvUseIoUring !== '0',
    },
  };
}
