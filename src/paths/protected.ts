// Which paths root's setup steps (--chown, --mkdir, --chmod) may never act on: a target is a data
// directory and what is below it, never the system. Pure: node-init's own files are passed in.

/** The standard hierarchy (FHS and what images add): never a target, nor is any ancestor of one. */
const SYSTEM_DIRECTORIES = new Set([
  '/', '/bin', '/boot', '/dev', '/etc', '/home', '/lib', '/lib32', '/lib64', '/libx32', '/media', '/mnt', '/opt', '/proc',
  '/root', '/run', '/sbin', '/srv', '/sys', '/tmp', '/usr', '/var',
  '/run/lock', '/run/user', '/var/lib/apt', '/var/lib/dpkg', '/var/lib/rpm', '/var/lib/docker', '/var/lib/containerd',
]);

/** Every child of these is a system directory too (/usr/local, /usr/local/bin, /var/lib, /var/tmp, /dev/shm…). */
const SYSTEM_PARENTS = new Set(['/usr', '/usr/local', '/var', '/dev']);

/**
 * Where root's own code and configuration live (what root runs, loads or reads at the next start:
 * programs, libraries, PAM modules, sudoers, cron tables, ld.so.preload, packages): nothing below these
 * is a target either. Data directories below /usr (/usr/src/app, /usr/share/nginx/html) stay allowed.
 */
const SYSTEM_SUBTREES = [
  '/etc', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/boot', '/root', '/usr/bin', '/usr/sbin', '/usr/lib', '/usr/lib32', '/usr/lib64', '/usr/libx32',
  '/usr/libexec', '/usr/local/bin', '/usr/local/sbin', '/usr/local/lib', '/usr/local/lib64', '/usr/local/libexec', '/usr/local/etc',
  '/var/lib/apt', '/var/lib/dpkg', '/var/lib/rpm', '/var/spool/cron',
];

/** Collapses repeated slashes and drops a trailing one: "//data//x/" → "/data/x". */
export function normalizePath(path: string): string {
  const collapsed = path.replace(/\/+/g, '/');
  return collapsed.length > 1 && collapsed.endsWith('/') ? collapsed.slice(0, -1) : collapsed;
}

const parentOf = (path: string): string => path.slice(0, path.lastIndexOf('/')) || '/';
const isAncestorOrSelf = (ancestor: string, path: string): boolean => ancestor === path || ancestor === '/' || path.startsWith(`${ancestor}/`);

export function isSystemDirectory(path: string): boolean {
  if (SYSTEM_DIRECTORIES.has(path) || (path !== '/' && SYSTEM_PARENTS.has(parentOf(path)))) return true;
  for (const system of SYSTEM_DIRECTORIES) if (isAncestorOrSelf(path, system)) return true;
  return false;
}

export type Protection =
  | { rule: 'system'; path: string }
  /** Below a directory of root's code or configuration. */
  | { rule: 'system-subtree'; path: string; subtree: string }
  /** PATH holds, or is inside, `file`: one node-init runs from or reads as root at its next start. */
  | { rule: 'own-file'; file: string };

/**
 * Why `path` (absolute, plain, normalized) may not be a target, or undefined when it may. `ownFiles`:
 * files and directories (node-init's package) node-init runs from.
 */
export function protection(path: string, ownFiles: readonly string[]): Protection | undefined {
  if (isSystemDirectory(path)) return { rule: 'system', path };
  const subtree = SYSTEM_SUBTREES.find((top) => path.startsWith(`${top}/`));
  if (subtree !== undefined) return { rule: 'system-subtree', path, subtree };
  const file = ownFiles.find((own) => isAncestorOrSelf(path, own) || isAncestorOrSelf(own, path));
  return file === undefined ? undefined : { rule: 'own-file', file };
}
