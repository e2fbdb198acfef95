import { VmwatchError } from '../errors.ts';

/** The pool's snapshot does not exist yet (watch and run build it first). */
export class SnapshotMissingError extends VmwatchError {
  constructor(name: string, hint: string) {
    super('SNAPSHOT_MISSING', `snapshot "${name}" does not exist. ${hint}`, { exitCode: 2 });
  }
}
