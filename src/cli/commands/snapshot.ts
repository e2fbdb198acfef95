import { loadConfig } from '../../config/load.ts';
import { UsageError } from '../../errors.ts';
import { createProvider } from '../../providers/createProvider.ts';
import { Progress } from '../../report/progress.ts';
import { buildSnapshot } from '../../snapshot/buildSnapshot.ts';
import { snapshotStatus } from '../../snapshot/status.ts';
import { connect } from '../../transport/connect.ts';
import type { CommonFlags } from '../args.ts';
import { installShutdown } from '../shutdown.ts';

/** `vmwatch snapshot build|update|status`. */
export async function snapshotCommand(flags: CommonFlags, args: string[]): Promise<number> {
  const [action] = args;
  if (action !== 'build' && action !== 'update' && action !== 'status') {
    throw new UsageError(`usage: vmwatch snapshot build|update|status (got '${action ?? ''}')`);
  }
  const config = await loadConfig(flags.config === undefined ? {} : { file: flags.config });
  const provider = createProvider(config);
  if (action === 'status') {
    const status = await snapshotStatus(config, provider.kind);
    if (flags.json) process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
    else {
      const detail = status.state === 'fresh' ? `built ${status.meta?.builtAt}` : status.reasons.join(', ');
      process.stdout.write(`snapshot ${status.name} (${provider.kind}): ${status.state} — ${detail}\n`);
      if (status.state !== 'fresh')
        process.stdout.write(`run 'vmwatch snapshot build' to ${status.state === 'missing' ? 'build' : 'rebuild'} it\n`);
    }
    return status.state === 'fresh' ? 0 : 1;
  }
  const shutdown = installShutdown();
  const progress = new Progress();
  const started = Date.now();
  try {
    // `update` starts from the current snapshot, so unchanged dependencies are kept.
    const meta = await buildSnapshot({
      config,
      provider,
      connect,
      from: action === 'update' ? 'snapshot' : 'base',
      onProgress: (step) => progress.update(`snapshot: ${step}`),
      signal: shutdown.signal,
    });
    progress.clear();
    process.stdout.write(
      `snapshot ${meta.name} ${action === 'update' ? 'updated' : 'built'} in ${((Date.now() - started) / 1000).toFixed(1)}s` +
        `${meta.provides.length ? ` (provides ${meta.provides.join(', ')})` : ''}\n`,
    );
    return 0;
  } finally {
    shutdown.dispose();
  }
}
