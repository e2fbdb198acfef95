import { MachineError, VmwatchError } from '../../errors.ts';

/** The controller answered with an error, or could not be reached. */
export class OrchardError extends VmwatchError {
  readonly status: number | undefined;

  constructor(message: string, options: { status?: number; cause?: unknown } = {}) {
    super('ORCHARD', message, options.cause === undefined ? {} : { cause: options.cause });
    this.status = options.status;
  }
}

/**
 * 401: wrong or unknown credentials (empty body), or a valid account missing a role (Orchard's
 * "all of the following roles must be present: …"). Exit 2: it is fixed in the config, not by retrying.
 */
export class OrchardAuthError extends VmwatchError {
  constructor(message: string) {
    super('ORCHARD_AUTH', message, { exitCode: 2 });
  }
}

/** A VM stayed `pending` past pool.orchard.pendingTimeoutMs: no worker had room (Orchard says nothing). */
export class OrchardCapacityError extends MachineError {}
