// Exit codes node-init itself can end with. The service's own codes (0-255) pass through unchanged.
export const ExitCode = {
  /** node-init's own failure: bad flags, unknown user, a failed setup step or drop (Docker's "runner failed"). */
  NodeInitFailed: 125,
  /** The command was found but could not be executed. */
  CannotExecute: 126,
  /** The command was not found. */
  NotFound: 127,
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
