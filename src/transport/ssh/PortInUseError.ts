import { VmwatchError } from '../../errors.ts';

/** A host port a machine's port is forwarded to is taken by something else on this host. */
export class PortInUseError extends VmwatchError {
  readonly hostPort: number;

  constructor(hostPort: number, guestPort: number, options: { cause?: unknown } = {}) {
    super(
      'PORT_IN_USE',
      `host port ${hostPort} (for the machine's port ${guestPort}) is already in use on this host. ` +
        'Another vmwatch pool or a local server may hold it: stop that, or change pool.ports ' +
        `(VM i's port p is forwarded to i·10000 + p). \`lsof -i :${hostPort}\` shows who has it.`,
      options,
    );
    this.hostPort = hostPort;
  }
}
