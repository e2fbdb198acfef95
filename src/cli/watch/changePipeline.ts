import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ResolvedConfig } from '../../config/types.ts';
import { shownText } from '../../report/shownText.ts';
import { discoverTests } from '../../select/discover.ts';
import { filterIgnored } from '../../select/git/gitFilter.ts';
import type { ImportGraph } from '../../select/graph/importGraph.ts';
import type { Plan, TestCase } from '../../select/types.ts';
import type { ContentHashFilter } from '../../watch/ContentHashFilter.ts';
import { planSelection, refreshGraph } from '../planSelection.ts';

/**
 * What the watcher does with one batch of changed paths, as named steps:
 * content filter → layout update → graph refresh → plan → graph prune → submit.
 * Each step is exported to be tested alone; ChangePipeline runs them in order.
 */

/** Step 1: drop what git ignores and what did not really change (same content as last seen). */
export async function contentFilter(root: string, batch: readonly string[], hashes: ContentHashFilter): Promise<string[]> {
  return hashes.changed(await filterIgnored(root, [...batch]));
}

/** Step 2: keep the set of project files current; true when a file appeared or went (tests may have too). */
export function layoutUpdate(root: string, files: Set<string>, changed: readonly string[]): boolean {
  let layoutChanged = false;
  for (const file of changed) {
    const exists = existsSync(path.join(root, file));
    if (exists !== files.has(file)) layoutChanged = true;
    if (exists) files.add(file);
    else files.delete(file);
  }
  return layoutChanged;
}

/** Step 5: after planning, deleted files leave the graph (their tombstones have served the plan). */
export async function graphPrune(graph: ImportGraph, files: ReadonlySet<string>, changed: readonly string[]): Promise<void> {
  for (const file of changed) if (!files.has(file)) await graph.remove(file);
}

/** The terminal line for a batch: `change: a.ts, b.ts → 3 test(s)`. */
export function describeChange(changed: readonly string[], plan: Plan): string {
  const head = `change: ${changed.slice(0, 5).map(shownText).join(', ')}${changed.length > 5 ? ` and ${changed.length - 5} more` : ''}`;
  if (plan.tests.length > 0) return `${head} → ${plan.tests.length} test(s)`;
  const uncovered = plan.uncovered.length ? ` (not covered by any test or rule: ${plan.uncovered.map(shownText).join(', ')})` : '';
  return `${head} → no test affected${uncovered}`;
}

export interface ChangePipelineOptions {
  config: ResolvedConfig;
  graph: ImportGraph;
  hashes: ContentHashFilter;
  /** The project's files, kept current by the layout step (shared with the watcher). */
  files: Set<string>;
  testCases: TestCase[];
  /** After each batch that touched the graph. */
  onGraphChanged: () => void;
  /** The batch's line for the terminal. */
  say: (line: string) => void;
  /** Step 6: a plan with tests goes to the scheduler. */
  submit: (plan: Plan) => void;
}

export class ChangePipeline {
  readonly #o: ChangePipelineOptions;
  #testCases: TestCase[];

  constructor(options: ChangePipelineOptions) {
    this.#o = options;
    this.#testCases = options.testCases;
  }

  /** The project's tests, rediscovered when files appear or go. */
  get testCases(): TestCase[] {
    return this.#testCases;
  }

  async handle(batch: readonly string[]): Promise<void> {
    const { config, graph, files } = this.#o;
    const changed = await contentFilter(config.root, batch, this.#o.hashes);
    if (changed.length === 0) return;
    if (layoutUpdate(config.root, files, changed)) this.#testCases = discoverTests(config, [...files]);
    await refreshGraph(graph, config.root, changed);
    const { plan } = await planSelection(config, { changedFiles: changed, graph, testCases: this.#testCases });
    await graphPrune(graph, files, changed);
    this.#o.onGraphChanged();
    this.#o.say(describeChange(changed, plan));
    if (plan.tests.length > 0) this.#o.submit(plan);
  }
}
