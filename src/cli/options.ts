// Every flag node-init accepts, in one table: the parser reads it and --help prints it.

export interface OptionSpec {
  /** Long name without the dashes. */
  readonly name: string;
  readonly short?: string;
  /** Placeholder shown in --help; present when the flag takes a value. */
  readonly value?: string;
  readonly repeatable?: boolean;
  readonly help: string;
}

export const OPTIONS = [
  { name: 'user', short: 'u', value: 'SPEC', help: 'run the command as SPEC: name, uid, name:group, uid:gid or :group (read from /etc/passwd and /etc/group)' },
  { name: 'group-add', value: 'GROUP', repeatable: true, help: 'add a supplementary group, by name or gid (as docker run --group-add)' },
  { name: 'cap-add', value: 'CAP', repeatable: true, help: 'with --user: keep capability CAP (e.g. NET_BIND_SERVICE) as an ambient capability; the user gets no other' },
  { name: 'no-new-privs', help: 'set no_new_privs: setuid/setgid bits and file capabilities no longer give the service anything' },
  { name: 'exec', help: 'replace node-init with the command (gosu style, same PID) instead of supervising it' },
  { name: 'single-child', short: 'c', help: 'supervise: no new session; signals go to the child only, not its process group' },
  { name: 'rewrite', short: 'r', value: 'FROM:TO', repeatable: true, help: 'supervise: forward signal FROM as TO (names or numbers; TO 0 drops it), e.g. --rewrite TERM:QUIT' },
  { name: 'grace-period', value: 'SECONDS', help: 'supervise: time between SIGTERM and SIGKILL for what is left when stopping (default 5; also 500ms, 2s)' },
  { name: 'exit-code-map', value: 'FROM:TO', repeatable: true, help: 'supervise: exit with TO when the service exits with FROM, e.g. 143:0' },
  { name: 'pdeathsig', value: 'SIGNAL', help: 'signal node-init (in exec mode: the service) gets when its parent dies' },
  { name: 'verbose', short: 'v', repeatable: true, help: 'log each step (-vv: also debug details); same as NODE_INIT_LOG_LEVEL=info' },
  { name: 'log-format', value: 'json|pretty', help: 'log format; default: pretty on a terminal, JSON lines otherwise (NODE_INIT_LOG_FORMAT)' },
  { name: 'help', short: 'h', help: 'print this help and exit' },
  { name: 'version', short: 'V', help: 'print the version and exit' },
] as const satisfies readonly OptionSpec[];

export type OptionName = (typeof OPTIONS)[number]['name'];

export function findLong(name: string): OptionSpec | undefined {
  return (OPTIONS as readonly OptionSpec[]).find((option) => option.name === name);
}

export function findShort(letter: string): OptionSpec | undefined {
  return (OPTIONS as readonly OptionSpec[]).find((option) => option.short === letter);
}
