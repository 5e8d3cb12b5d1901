// Options as given, from any source: each option's values in order. A flag without a value is recorded
// as "true" (or "false" when the environment or a config file turns it off), so that a higher source
// can override a lower one either way.
import { NodeInitError } from '../errors.js';
import { findLong, findShort, OPTIONS, type OptionName, type OptionSpec } from './options.js';
import { nearest } from './suggest.js';

export type Flags = Map<OptionName, string[]>;

export const HELP_HINT = 'run "node-init --help" to see every option';

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

function unknownLong(given: string, name: string): NodeInitError {
  const near = nearest(name, (OPTIONS as readonly OptionSpec[]).map((option) => option.name));
  return new NodeInitError(near === undefined ? `unknown option ${given}; ${HELP_HINT}` : `unknown option ${given}: did you mean --${near}? (${HELP_HINT})`);
}

/** Splits argv into flags and the command: options stop at "--" or at the first non-option word. */
export function parseArgv(argv: readonly string[]): { flags: Flags; command: string[] } {
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
      if (!option) throw unknownLong(`--${name}`, name);
      if (option.value) {
        const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
        if (value === undefined) throw missingValue(option);
        record(flags, option, value);
      } else if (eq >= 0) {
        throw new NodeInitError(`--${name} takes no value; remove "=${arg.slice(eq + 1)}"`);
      } else {
        record(flags, option, 'true');
      }
      continue;
    }
    // A long name with one dash (-user) would read as -u ser: said instead of guessed.
    const single = arg.slice(1).split('=')[0] as string;
    if (single.length > 1 && findLong(single)) throw new NodeInitError(`${arg}: a long option takes two dashes: --${arg.slice(1)}`);
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
      record(flags, option, 'true');
    }
  }
  return { flags, command: argv.slice(i) };
}

/** Per option, the values of the highest source that sets it: later sources win. */
export function mergeFlags(...sources: Flags[]): Flags {
  const merged: Flags = new Map();
  for (const source of sources) for (const [name, values] of source) merged.set(name, values);
  return merged;
}

export const isOn = (flags: Flags, name: OptionName): boolean => flags.get(name)?.at(-1) === 'true';
export const countOn = (flags: Flags, name: OptionName): number => (flags.get(name) ?? []).filter((value) => value === 'true').length;
export const valueOf = (flags: Flags, name: OptionName): string | undefined => flags.get(name)?.[0];
export const valuesOf = (flags: Flags, name: OptionName): string[] => flags.get(name) ?? [];
