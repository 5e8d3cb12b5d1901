// node-init's logger: pino, written synchronously to stderr. An asynchronous destination loses lines at
// execve (1 of 1000 survived, ../shared/FACTS.md); a synchronous one loses none.
import pino from 'pino';
import type { LogSettings } from './config.js';

export type Logger = pino.Logger;

type Destination = ReturnType<typeof pino.destination>;

/** One readable line per record: "node-init: warning: message (key=value ...)". */
export function prettyLine(json: string): string {
  const { level, msg, time: _time, name: _name, ...fields } = JSON.parse(json) as Record<string, unknown>;
  const label = level === 'warn' ? 'warning: ' : level === 'debug' ? 'debug: ' : '';
  const extra = Object.entries(fields)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  return `node-init: ${label}${String(msg)}${extra ? ` (${extra})` : ''}\n`;
}

function prettyStream(destination: Destination): { write(line: string): void } {
  return { write: (line) => destination.write(prettyLine(line)) };
}

export function createLogger(settings: LogSettings): Logger {
  const destination = pino.destination({ dest: 2, sync: true });
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
