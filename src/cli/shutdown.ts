import { killAllGroups, liveGroups, killGroup } from '../process/childRegistry.ts';

export interface Shutdown {
  /** Aborted on the first SIGINT/SIGTERM. */
  signal: AbortSignal;
  /** Resolves when a shutdown was asked for. */
  requested: Promise<NodeJS.Signals | 'q'>;
  /** Stop as the first signal would (the `q` key). */
  request(reason: 'q'): void;
  dispose(): void;
}

/**
 * First SIGINT/SIGTERM: abort the root signal so every stage winds down (the caller cleans up and
 * exits); a hung cleanup is force-exited after `forceAfterMs`. Second signal: kill every child
 * group now and exit 130 at once.
 */
export function installShutdown(options: { forceAfterMs?: number; onForce?: () => void } = {}): Shutdown {
  const controller = new AbortController();
  let resolveRequested!: (s: NodeJS.Signals | 'q') => void;
  const requested = new Promise<NodeJS.Signals | 'q'>((r) => (resolveRequested = r));
  let count = 0;
  const force = (): never => {
    options.onForce?.();
    for (const pid of liveGroups()) killGroup(pid, 'SIGKILL');
    process.exit(130);
  };
  const onSignal = (sig: NodeJS.Signals | 'q'): void => {
    count++;
    if (count > 1) force();
    process.stderr.write(
      `\nvmwatch: ${sig === 'q' ? 'q pressed' : sig} — stopping (cancelling tests, pulling artifacts, removing machines). ` +
        'Press Ctrl-C again to force.\n',
    );
    controller.abort(new Error(`received ${sig}`));
    resolveRequested(sig);
    const timer = setTimeout(() => {
      process.stderr.write('vmwatch: shutdown took too long; forcing exit\n');
      void killAllGroups(200).finally(force);
    }, options.forceAfterMs ?? 10_000);
    timer.unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    requested,
    request: (reason) => onSignal(reason),
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
