// Every flag node-init accepts, in one table: the parser reads it and --help prints it.

export interface OptionSpec {
  /** Long name without the dashes. */
  readonly name: string;
  readonly short?: string;
  /** Placeholder shown in --help; present when the flag takes a value. */
  readonly value?: string;
  readonly repeatable?: boolean;
  /** Not settable from the environment or a config file. */
  readonly commandLineOnly?: boolean;
  readonly help: string;
}

export const OPTIONS = [
  { name: 'user', short: 'u', value: 'SPEC', help: 'run the command as SPEC: name, uid, name:group, uid:gid or :group (read from /etc/passwd and /etc/group)' },
  { name: 'user-from', value: 'PATH', help: 'run the command as the owner (uid:gid) of PATH, e.g. a mounted workspace' },
  { name: 'user-env', value: 'VAR[:VAR]', help: 'take --user from variable VAR (RUN_USER), or uid:gid from two (USER_ID:GROUP_ID); unset or empty: the command runs as it is, without the steps that need a user' },
  { name: 'group-add', value: 'GROUP', repeatable: true, help: 'add a supplementary group, by name or gid (as docker run --group-add)' },
  { name: 'umask', value: 'MODE', help: 'set the umask (octal, e.g. 0077) for the setup steps and the command' },
  { name: 'mkdir', value: 'PATH', repeatable: true, help: 'setup: create PATH and missing parents, owned by the user, mode from the umask' },
  { name: 'chown', value: 'PATH', repeatable: true, help: 'setup: give PATH and everything below to the user and its group (symlinks never followed)' },
  { name: 'allow-hardlinks', help: 'setup: let --chown and --chmod change regular files that have more than one hard link' },
  { name: 'chmod', value: 'MODE:PATH', repeatable: true, help: 'setup: chmod one path, symbolic (a+r, u=rwX,go=) or octal, e.g. --chmod a+r:/sys/firmware/dmi/tables/DMI' },
  { name: 'socket-group', value: 'PATH', repeatable: true, help: 'setup: the group owning PATH (e.g. /var/run/docker.sock) becomes a supplementary group of the user' },
  { name: 'default-command', value: 'CMD', help: 'put CMD first when there is no command, the first argument starts with "-", or it is no command (a file like redis.conf)' },
  { name: 'only-for', value: 'NAME', repeatable: true, help: 'setup and the user switch happen only when the command\'s basename is NAME; others run as they are' },
  { name: 'cap-add', value: 'CAP', repeatable: true, help: 'with --user: keep capability CAP (e.g. NET_BIND_SERVICE) as an ambient capability; the user gets no other' },
  { name: 'no-new-privs', help: 'set no_new_privs: setuid/setgid bits and file capabilities no longer give the service anything' },
  { name: 'exec', help: 'replace node-init with the command (gosu style, same PID) instead of supervising it' },
  { name: 'single-child', short: 'c', help: 'supervise: no new session; signals go to the child only, not its process group' },
  { name: 'rewrite', short: 'r', value: 'FROM:TO', repeatable: true, help: 'supervise: forward signal FROM as TO (names or numbers; TO 0 drops it), e.g. --rewrite TERM:QUIT' },
  { name: 'grace-period', value: 'SECONDS', help: 'supervise: time between SIGTERM and SIGKILL for what is left when stopping (default 5; also 500ms, 2s)' },
  { name: 'exit-code-map', value: 'FROM:TO', repeatable: true, help: 'supervise: exit with TO when the service exits with FROM, e.g. 143:0' },
  { name: 'pdeathsig', value: 'SIGNAL', help: 'signal node-init (in exec mode: the service) gets when its parent dies' },
  { name: 'config', value: 'FILE', help: 'read options from a JSON file ({"user": "redis", "chown": ["/data"]}); flags and NODE_INIT_* win' },
  { name: 'verbose', short: 'v', repeatable: true, help: 'log each step (-vv: also debug details); same as NODE_INIT_LOG_LEVEL=info' },
  { name: 'log-format', value: 'json|pretty', help: 'log format; default: pretty on a terminal, JSON lines otherwise' },
  { name: 'help', short: 'h', commandLineOnly: true, help: 'print this help and exit' },
  { name: 'version', short: 'V', commandLineOnly: true, help: 'print the version and exit' },
] as const satisfies readonly OptionSpec[];

export type OptionName = (typeof OPTIONS)[number]['name'];

export function findLong(name: string): OptionSpec | undefined {
  return (OPTIONS as readonly OptionSpec[]).find((option) => option.name === name);
}

export function findShort(letter: string): OptionSpec | undefined {
  return (OPTIONS as readonly OptionSpec[]).find((option) => option.short === letter);
}

/** The environment variable for an option: --group-add → NODE_INIT_GROUP_ADD. */
export const envName = (option: OptionSpec): string => `NODE_INIT_${option.name.toUpperCase().replace(/-/g, '_')}`;
