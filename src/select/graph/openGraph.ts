import type { ResolvedConfig } from '../../config/types.ts';
import { errorMessage } from '../../errors.ts';
import { loadGraphCache, saveGraphCache } from './graphCache.ts';
import { ImportGraph } from './importGraph.ts';

export interface OpenGraphOptions {
  config: Pick<ResolvedConfig, 'root' | 'select'>;
  /** Every project file (listProjectFiles). */
  files: Iterable<string>;
  /** A persisted graph that could not be used, or not saved: the caller logs it. */
  onWarning?: (message: string) => void;
}

/**
 * The project's import graph, warm when `<root>/.vmwatch/graph.json` holds parses of unchanged
 * files (`select.persistGraph`, default on), saved back after the build.
 */
export async function openGraph({ config, files, onWarning }: OpenGraphOptions): Promise<ImportGraph> {
  const persist = config.select.persistGraph !== false;
  const cache = persist ? await loadGraphCache(config.root) : { value: undefined };
  if (cache.warning !== undefined) onWarning?.(cache.warning);
  const tsconfig = config.select.tsconfig;
  const graph = await ImportGraph.build(config.root, files, {
    ...(cache.value ? { cached: cache.value } : {}),
    ...(config.select.sourceRoots ? { sourceRoots: config.select.sourceRoots } : {}),
    ...(tsconfig === undefined ? {} : { tsconfigs: typeof tsconfig === 'string' ? [tsconfig] : tsconfig }),
  });
  if (persist && graph.stats.reads > 0) await persistGraph(graph, onWarning);
  return graph;
}

/** Saves the graph's parses; a failure is a warning (the next start is merely cold). */
export async function persistGraph(graph: ImportGraph, onWarning?: (message: string) => void): Promise<void> {
  try {
    await saveGraphCache(graph);
  } catch (err) {
    onWarning?.(`could not save the import graph: ${errorMessage(err)}`);
  }
}
