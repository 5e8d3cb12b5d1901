// The exit code the planner ends with when it fails. The service's own codes (0-255) pass through
// unchanged; 126 and 127 (a command that cannot be executed, or is not found) are PID 1's
// (native/src/pid1/service.c).
export const ExitCode = {
  /** node-init's own failure: bad flags, unknown user, a failed setup step or drop (Docker's "runner failed"). */
  NodeInitFailed: 125,
} as const;

/** A failure node-init reports as one line and ends with; never shown as a stack trace. */
export class NodeInitError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.NodeInitFailed,
  ) {
    super(message);
    this.name = 'NodeInitError';
  }
}
