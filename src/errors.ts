/**
 * Every error vmwatch raises on purpose is a VmwatchError: a stable `code`, a message that tells
 * the user what to do, and the `cause` attached. The CLI maps `exitCode` to the process exit.
 */
export class VmwatchError extends Error {
  readonly code: string;
  readonly exitCode: number;

  constructor(code: string, message: string, options: { cause?: unknown; exitCode?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = options.exitCode ?? 1;
  }
}

/** A config file that cannot be loaded or does not validate. Exit 2. */
export class ConfigError extends VmwatchError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('CONFIG_INVALID', message, { ...options, exitCode: 2 });
  }
}

/** Bad command-line usage. Exit 2. */
export class UsageError extends VmwatchError {
  constructor(message: string) {
    super('USAGE', message, { exitCode: 2 });
  }
}

/** A program vmwatch needs is not installed; the message names the install command. */
export class MissingToolError extends VmwatchError {
  constructor(tool: string, install: string) {
    super('TOOL_MISSING', `'${tool}' is not installed or not on PATH. Install it with: ${install}`, { exitCode: 2 });
  }
}

/** A machine could not be created, started, reverted or reached. */
export class MachineError extends VmwatchError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('MACHINE', message, options);
  }
}

/**
 * sshd answered and refused the login (a wrong pool.user, password or key): final, never retried,
 * since asking again gets the same answer. `attempts` is how many logins were tried (1).
 */
export class LoginRefusedError extends MachineError {
  readonly attempts: number;
  constructor(message: string, attempts: number, options: { cause?: unknown } = {}) {
    super(message, options);
    this.attempts = attempts;
  }
}

/** Whether ssh's stderr says the server refused the login (it answered: the machine is up). */
export function isLoginRefused(stderr: string): boolean {
  return /Permission denied \(|Too many authentication failures/.test(stderr);
}

/** The pool cannot serve (destroyed, every slot failed, already in use). */
export class PoolError extends VmwatchError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('POOL', message, options);
  }
}

/** A command in a machine, or a copy to or from it, failed for a reason other than the test itself. */
export class TransportError extends VmwatchError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('TRANSPORT', message, options);
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A host path vmwatch was to write through is a symlink (or not a folder): refused, never followed. */
export class UnsafePathError extends VmwatchError {
  constructor(message: string) {
    super('UNSAFE_PATH', message);
  }
}

/** The artifacts folder (`artifacts.into`) cannot be written: missing and not creatable, read-only, or full. Exit 2. */
export class ArtifactsError extends VmwatchError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('ARTIFACTS', message, { ...options, exitCode: 2 });
  }
}
