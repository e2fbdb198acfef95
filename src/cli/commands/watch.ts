import { loadConfig } from '../../config/load.ts';
import { checkWritable } from '../../files/checkWritable.ts';
import type { CommonFlags } from '../args.ts';
import { installShutdown } from '../shutdown.ts';
import { WatchLoop } from '../watchLoop.ts';

/** `vmwatch watch`: runs until SIGINT/SIGTERM, then cleans up everything it started. */
export async function watchCommand(flags: CommonFlags): Promise<number> {
  const config = await loadConfig(flags.config === undefined ? {} : { file: flags.config });
  await checkWritable(config.artifactsInto, `artifacts.into (${config.configFile})`);
  const shutdown = installShutdown();
  const loop = new WatchLoop(config, shutdown.signal, { onQuit: () => shutdown.request('q') });
  try {
    await Promise.race([loop.start(), shutdown.requested]);
    await shutdown.requested;
  } catch (err) {
    if (!shutdown.signal.aborted) throw err;
  } finally {
    await loop.stop();
    shutdown.dispose();
  }
  process.stderr.write('vmwatch: stopped; no machine left running\n');
  return 0;
}
