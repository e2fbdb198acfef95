import path from 'node:path';
import type { ResolvedConfig } from '../../config/types.ts';
import { logger } from '../../log.ts';
import { ChangeBatcher, type BatchTiming } from '../../watch/ChangeBatcher.ts';
import { ChangeJournal } from '../../watch/ChangeJournal.ts';
import { watchFiles } from '../../watch/watchFiles.ts';

const log = logger('watch');

/** The watched tree: chokidar, its debounce, and the journal of what changed when. */
export interface WatchedTree {
  journal: ChangeJournal;
  close(): Promise<void>;
}

/**
 * Watch the app: every change goes to the journal (for partial syncs) and to a debounce that hands
 * `onBatch` the changed files. `files` is the project's known files, read when a folder goes.
 * The journal starts once the watcher is ready: from then on it has seen every change.
 */
export async function watchTree(
  config: ResolvedConfig,
  files: ReadonlySet<string>,
  onBatch: (files: string[], timing: BatchTiming) => void,
): Promise<WatchedTree> {
  let journal: ChangeJournal | null = null;
  const batcher = new ChangeBatcher({ debounceMs: config.watch.debounceMs, onBatch });
  const watcher = await watchFiles({
    root: config.root,
    include: config.watch.include,
    ignore: config.watch.ignore,
    outputs: [config.artifactsInto, path.join(config.root, config.artifacts.dir)],
    onChange: (file) => {
      journal?.record(file);
      batcher.add(file);
    },
    isKnown: (file) => files.has(file),
    knownUnder: (dir) => [...files].filter((f) => f.startsWith(`${dir}/`)),
    // The folder itself too: files the project does not know (untracked) went with it.
    onDirRemoved: (dir) => journal?.record(dir),
    onError: (err) => log.warn({ err }, 'file watcher error'),
  });
  journal = new ChangeJournal({ fullSyncOn: [...config.triggers.runAll, '**/package.json'] });
  return {
    journal,
    close: async () => {
      batcher.close();
      await watcher.close();
    },
  };
}
