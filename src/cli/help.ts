import { OPTIONS, type OptionSpec } from './options.js';

const EXAMPLES = `Examples:
  node-init --user redis -- redis-server          supervise redis-server as user redis (node-init stays PID 1)
  node-init --exec --user nobody -- id            replace node-init with \`id\` run as nobody (gosu style)
  ENTRYPOINT ["node-init", "--user", "node", "--"]   in a Dockerfile`;

const SETUP = `Setup steps run as root, after the user (with its --socket-group groups) is resolved and before
the switch, in this order: umask, mkdir, chown, chmod, stdio. Paths are walked from / without following
any symlink; system directories (/, /usr/local, /var/lib, /tmp…) and node-init's own files are never a
target. Every path is checked first; a failing step stops node-init before the command runs.
Started as non-root, the steps that need root are skipped with one warning.`;

const ENVIRONMENT = `Environment:
  every option can be set as NODE_INIT_<NAME>, e.g. NODE_INIT_USER=redis, NODE_INIT_CHOWN=/data,/logs
  (lists: comma-separated, "\\," for a comma in an item; switches: 1/true/yes/on or 0/false/no/off).
  Flags win over NODE_INIT_* variables, which win over --config. NODE_INIT_LOG_LEVEL: debug, info, warn
  (default), error or silent. The command never sees node-init's NODE_INIT_* variables.`;

const EXIT_CODES = `Exit codes:
  the command's own code, or 128+N when it was killed by signal N
  125  node-init itself failed (bad flag, unknown user, failed privilege drop)
  126  the command was found but could not be executed
  127  the command was not found`;

function flagColumn(option: OptionSpec): string {
  const long = `--${option.name}${option.value ? ` ${option.value}` : ''}`;
  return option.short ? `-${option.short}, ${long}` : `    ${long}`;
}

export function helpText(version: string): string {
  const rows = (OPTIONS as readonly OptionSpec[]).map((option) => {
    const more = option.repeatable && option.value ? ' (repeatable)' : '';
    return `  ${flagColumn(option).padEnd(28)} ${option.help}${more}`;
  });
  return [
    `node-init ${version}: PID 1 for containers. Drops to a user, then supervises or execs the command.`,
    '',
    'Usage: node-init [OPTIONS] [--] COMMAND [ARG...]',
    '',
    'Options:',
    ...rows,
    '',
    EXAMPLES,
    '',
    SETUP,
    '',
    ENVIRONMENT,
    '',
    EXIT_CODES,
    '',
  ].join('\n');
}
