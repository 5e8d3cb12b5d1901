// node-init's logger: pino, written synchronously to stderr. An asynchronous destination loses lines at
// execve (1 of 1000 survived, ../shared/FACTS.md); a synchronous one loses none.
// pino is loaded on the first line that passes the level: by default node-init prints nothing, and then
// it never pays pino's start-up.
import type pinoModule from 'pino';
import type { LogLevel, LogSettings } from './config.js';

type Pino = typeof pinoModule;
type LogFn = (objectOrMessage: object | string, message?: string) => void;

export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  /** For hot paths (the signal loop): skip building a line nobody will see. */
  isEnabled(level: Exclude<LogLevel, 'silent'>): boolean;
}

const RANK: Record<LogLevel, number> = { debug: 20, info: 30, warn: 40, error: 50, silent: Infinity };

/**
 * Control characters and line separators as escapes: messages quote what the user typed (a --user
 * value, a command name), and that must neither break the one line nor reach a terminal as escape
 * sequences.
 */
function escapeControls(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (char) => {
    const short: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
    return short[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/** One readable line per record: "node-init: warning: message (key=value ...)". */
export function prettyLine(json: string): string {
  const { level, msg, time: _time, name: _name, ...fields } = JSON.parse(json) as Record<string, unknown>;
  const label = level === 'warn' ? 'warning: ' : level === 'debug' ? 'debug: ' : '';
  const extra = Object.entries(fields)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  return `node-init: ${label}${escapeControls(String(msg))}${extra ? ` (${escapeControls(extra)})` : ''}\n`;
}

type Sink = { write(line: string): unknown };

function prettyStream(destination: Sink): Sink {
  return { write: (line) => destination.write(prettyLine(line)) };
}

function createPino(settings: LogSettings, sink?: Sink): pinoModule.Logger {
  const pino = require('pino') as Pino;
  const destination: Sink = sink ?? pino.destination({ dest: 2, sync: true });
  return pino(
    {
      name: 'node-init',
      base: {},
      level: settings.level,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    settings.format === 'pretty' ? prettyStream(destination) : destination,
  );
}

/**
 * One line as the logger would write it, for PID 1 to write later (the planner's messages about what
 * PID 1 does after the plan: "switched to user …"); undefined when the level hides it.
 */
export function renderLine(settings: LogSettings, level: Exclude<LogLevel, 'silent'>, fields: object, message: string): string | undefined {
  if (RANK[level] < RANK[settings.level]) return undefined;
  let line = '';
  createPino(settings, { write: (text) => (line += text) })[level](fields, message);
  return line;
}

export function createLogger(settings: LogSettings): Logger {
  let instance: pinoModule.Logger | undefined;
  const at = (level: Exclude<LogLevel, 'silent'>): LogFn => {
    if (RANK[level] < RANK[settings.level]) return () => {};
    return (objectOrMessage, message) => {
      instance ??= createPino(settings);
      if (typeof objectOrMessage === 'string') instance[level](objectOrMessage);
      else instance[level](objectOrMessage, message);
    };
  };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    isEnabled: (level) => RANK[level] >= RANK[settings.level],
  };
}
