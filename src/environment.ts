import type { Identity } from './users/identity.js';

// The service's environment is PID 1's own, kept by the native PID 1 (without node-init's NODE_INIT_*
// settings); the planner only names what a switch of user changes in it.

/**
 * HOME, USER and LOGNAME when the uid has a passwd entry (as gosu). A uid without one (--user 1234:1234)
 * keeps the HOME the caller set (docker run -e HOME=/out), else gets "/": gosu forces "/" even then.
 */
export function identityVariables(identity: Identity, callerHome: string | undefined): Map<string, string> {
  const variables = new Map([['HOME', identity.name === undefined && callerHome ? callerHome : identity.home]]);
  if (identity.name !== undefined) {
    variables.set('USER', identity.name);
    variables.set('LOGNAME', identity.name);
  }
  return variables;
}
