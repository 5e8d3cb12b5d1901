// Options from the environment (NODE_INIT_*) and from a JSON config file, as Flags.
import { resolve } from 'node:path';
import { NodeInitError } from '../errors.js';
import { readRegularFile, readRootOnlyFile } from '../paths/read.js';
import type { Flags } from './flags.js';
import { nearest } from './suggest.js';
import { envName, OPTIONS, type OptionName, type OptionSpec } from './options.js';

const SETTABLE = (OPTIONS as readonly OptionSpec[]).filter((option) => !option.commandLineOnly);
/** node-init's own variables that are not options. */
// (NODE_INIT_PLAN_FD and NODE_INIT_ADDON are set by PID 1 for the planner, in place of any the user set.)
const OTHER_VARIABLES = new Set(['NODE_INIT_LOG_LEVEL', 'NODE_INIT_PLAN_FD', 'NODE_INIT_ADDON']);
const TRUE = ['1', 'true', 'yes', 'on'];
const FALSE = ['0', 'false', 'no', 'off', ''];

/** A list in one variable: items separated by commas ("\," for a comma inside an item), trimmed. */
export function splitList(text: string): string[] {
  return text
    .split(/(?<!\\),/)
    .map((item) => item.replace(/\\,/g, ',').trim())
    .filter((item) => item !== '');
}

function flagValues(option: OptionSpec, text: string, where: string): string[] {
  if (option.value) return option.repeatable ? splitList(text) : [text];
  const word = text.trim().toLowerCase();
  if (option.repeatable && /^[0-9]+$/.test(word)) return Array<string>(Number(word)).fill('true'); // -v count
  if (TRUE.includes(word)) return ['true'];
  if (FALSE.includes(word)) return ['false'];
  throw new NodeInitError(`${where} must be 1/true/yes/on or 0/false/no/off, not "${text}"`);
}

export function flagsFromEnv(env: NodeJS.ProcessEnv): Flags {
  const flags: Flags = new Map();
  const byName = new Map(SETTABLE.map((option) => [envName(option), option]));
  for (const [name, value] of Object.entries(env)) {
    // Empty means unset: what compose's ${RUN_USER:-} gives when the operator set nothing.
    if (!name.startsWith('NODE_INIT_') || OTHER_VARIABLES.has(name) || value === undefined || value === '') continue;
    const option = byName.get(name);
    if (!option) {
      const near = nearest(name, [...byName.keys(), 'NODE_INIT_LOG_LEVEL']);
      throw new NodeInitError(near === undefined ? `unknown variable ${name}; "node-init --help" lists the NODE_INIT_* variables` : `unknown variable ${name}: did you mean ${near}?`);
    }
    flags.set(option.name as OptionName, flagValues(option, value, name));
  }
  return flags;
}

function configValues(option: OptionSpec, value: unknown, where: string): string[] {
  const wrongType = (expected: string): NodeInitError => new NodeInitError(`${where} must be ${expected}, not ${JSON.stringify(value)}`);
  if (!option.value) {
    if (option.repeatable && typeof value === 'number' && Number.isInteger(value) && value >= 0) return Array<string>(value).fill('true');
    if (typeof value !== 'boolean') throw wrongType(option.repeatable ? 'true, false or a count' : 'true or false');
    return [String(value)];
  }
  const one = (item: unknown): string => {
    if (typeof item === 'string') {
      if (item.includes('\0')) throw new NodeInitError(`${where} contains a NUL byte, which no path, name or command can hold; remove it`);
      return item;
    }
    // A number is fine where it means the same as its decimal text; a umask must stay a string ("0077").
    if (typeof item === 'number' && option.name !== 'umask') return String(item);
    throw wrongType(option.repeatable ? 'an array of strings' : 'a string');
  };
  if (!option.repeatable) return [one(value)];
  if (!Array.isArray(value)) throw wrongType('an array of strings');
  return value.map(one);
}

/** Larger than any sensible config; a bigger file is refused rather than read into memory. */
const MAX_CONFIG_BYTES = 1024 * 1024;

/**
 * Options from a JSON file. `option` is how the user named it (--config or NODE_INIT_CONFIG). Read as
 * root, the file decides what root does, so it must be one only root could have written.
 */
/**
 * V8's message with the line and column where the JSON went wrong: Node 20 says only "at position 46",
 * which nobody can find in a file.
 */
export function jsonProblem(text: string, message: string): string {
  const position = /at position (\d+)/.exec(message);
  if (position === null || /line \d+ column \d+/.test(message)) return message;
  const before = text.slice(0, Number(position[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `${message.replace(/ in JSON at position \d+| at position \d+/, '')} at line ${line} column ${column}`;
}

export function flagsFromConfigFile(given: string, option: string, asRoot: boolean): Flags {
  const path = resolve(given);
  const text = asRoot ? readRootOnlyFile(path, option, MAX_CONFIG_BYTES) : readRegularFile(path, `${option} ${path}`, MAX_CONFIG_BYTES);
  if (text === undefined) throw new NodeInitError(`${option} ${path}: it does not exist`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new NodeInitError(`${option} ${path}: not valid JSON: ${jsonProblem(text, (error as Error).message)}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new NodeInitError(`${option} ${path}: must hold a JSON object like {"user": "redis", "chown": ["/data"]}`);
  }
  const flags: Flags = new Map();
  for (const [key, value] of Object.entries(data)) {
    const spec = SETTABLE.find((candidate) => candidate.name === key && candidate.name !== 'config');
    if (!spec) {
      const near = nearest(key, SETTABLE.map((candidate) => candidate.name).filter((name) => name !== 'config'));
      throw new NodeInitError(`${option} ${path}: unknown key "${key}"; ${near === undefined ? 'the keys are the long option names, e.g. "user", "chown"' : `did you mean "${near}"?`}`);
    }
    flags.set(spec.name as OptionName, configValues(spec, value, `${option} ${path}: "${key}"`));
  }
  return flags;
}
