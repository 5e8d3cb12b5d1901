import type { Environment } from './config.js';
import type { Identity } from './users/identity.js';

// bin/node-init moves the variables meant for the service's Node runtime (NODE_OPTIONS, NODE_*, UV_*,
// OPENSSL_CONF) out of node-init's own way under this prefix; they are restored here for the service.
export const SAVED_PREFIX = 'NODE_INIT_SAVED_';
// node-init's own settings; the service never sees them.
const OWN_PREFIX = 'NODE_INIT_';

/** The environment the service starts from: node-init's own, as node-init's parent gave it. */
export function serviceEnvironment(env: NodeJS.ProcessEnv): Environment {
  const result: Environment = new Map();
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (name.startsWith(SAVED_PREFIX)) {
      const original = name.slice(SAVED_PREFIX.length);
      if (original !== '') result.set(original, value);
    } else if (!name.startsWith(OWN_PREFIX) && !result.has(name)) {
      result.set(name, value);
    }
  }
  return result;
}

export function toEnvp(environment: Environment): string[] {
  return Array.from(environment, ([name, value]) => `${name}=${value}`);
}

/** The service's environment once it runs as `identity`: HOME always (as gosu), USER and LOGNAME when named. */
export function withIdentity(environment: Environment, identity: Identity): Environment {
  const result = new Map(environment);
  result.set('HOME', identity.home);
  if (identity.name !== undefined) {
    result.set('USER', identity.name);
    result.set('LOGNAME', identity.name);
  }
  return result;
}
