import type { ResolvedConfig } from '../../config/types.ts';
import { errorMessage } from '../../errors.ts';
import { writePoolStatus } from '../../pool/poolStatusFile.ts';
import type { Notifier } from '../../report/notify.ts';
import type { Progress } from '../../report/progress.ts';
import { openPool, type OpenPool } from '../openPool.ts';

/**
 * The watch's pool, with warm runners, its status file (`vmwatch pool status`) written once per
 * burst of changes; a pool that cannot open is also said by notification, since the developer
 * may not be looking at this terminal.
 */
export async function openWatchPool(
  config: ResolvedConfig,
  progress: Progress,
  notifier: Notifier,
  signal: AbortSignal,
  onPoolChange?: () => void,
): Promise<OpenPool> {
  let opened: OpenPool | undefined;
  let writing = false;
  const onChange = (): void => {
    onPoolChange?.();
    if (writing) return;
    writing = true;
    setTimeout(() => {
      writing = false;
      if (opened) writePoolStatus(config.pool.name, opened.pool.status());
    }, 100);
  };
  try {
    opened = await openPool(config, progress, { onChange, signal, warmRunners: true });
    return opened;
  } catch (err) {
    if (!signal.aborted) await notifier.notifyProblem(errorMessage(err));
    throw err;
  }
}
