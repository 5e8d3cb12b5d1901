import { OPTIONS, type OptionSpec } from './options.js';

const EXAMPLES = `Examples:
  node-init --user redis -- redis-server          supervise redis-server as user redis (node-init stays PID 1)
  node-init --exec --user nobody -- id            replace node-init with \`id\` run as nobody (gosu style)
  ENTRYPOINT ["node-init", "--user", "node", "--"]   in a Dockerfile`;

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
    EXIT_CODES,
    '',
  ].join('\n');
}
