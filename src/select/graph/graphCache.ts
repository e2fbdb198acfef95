import type { CachedParse, ImportGraph } from './importGraph.ts';
import { readState, writeState, type StateRead } from '../stateFile.ts';

const FILE = 'graph.json';
/** Bump when the extractors change what they return: older caches are then ignored (v2: type-only specifiers, JSX pragmas). */
const FORMAT = 'graph-v2';

interface GraphFile {
  format: typeof FORMAT;
  /** file → [stamp, parse]. */
  files: Record<string, [string, CachedParse['parsed']]>;
}

function isGraphFile(json: unknown): json is GraphFile {
  const candidate = json as Partial<GraphFile> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    candidate.format === FORMAT &&
    typeof candidate.files === 'object' &&
    candidate.files !== null
  );
}

/**
 * The parses persisted by an earlier run, for a warm start: only files whose stamp (mtime and
 * size) is unchanged are reused; everything else is read again.
 */
export async function loadGraphCache(root: string): Promise<StateRead<Map<string, CachedParse>>> {
  const read = await readState(root, FILE, isGraphFile);
  if (read.value === undefined) return read;
  const parses = new Map<string, CachedParse>();
  for (const [file, entry] of Object.entries(read.value.files)) {
    if (Array.isArray(entry) && typeof entry[0] === 'string' && typeof entry[1] === 'object' && entry[1] !== null)
      parses.set(file, { stamp: entry[0], parsed: entry[1] });
  }
  return { value: parses };
}

/** Persists the graph's parses to `<root>/.vmwatch/graph.json` (atomically). */
export async function saveGraphCache(graph: Pick<ImportGraph, 'root' | 'parses'>): Promise<void> {
  const files: GraphFile['files'] = {};
  for (const [file, entry] of graph.parses()) files[file] = [entry.stamp, entry.parsed];
  await writeState(graph.root, FILE, { format: FORMAT, files } satisfies GraphFile);
}
