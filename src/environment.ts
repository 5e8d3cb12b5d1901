import type { Identity } from './users/identity.js';

// The service's environment is PID 1's own, kept by the native PID 1 (without node-init's NODE_INIT_*
// settings); the planner only names what a switch of user changes in it.

/** HOME always (as gosu), USER and LOGNAME when the uid has a name. */
export function identityVariables(identity: Identity): Map<string, string> {
  const variables = new Map([['HOME', identity.home]]);
  if (identity.name !== undefined) {
    variables.set('USER', identity.name);
    variables.set('LOGNAME', identity.name);
  }
  return variables;
}
