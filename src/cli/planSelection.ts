import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ResolvedConfig } from '../config/types.ts';
import { UsageError } from '../errors.ts';
import { logger } from '../log.ts';
import { discoverTests, unmatchedRules } from '../select/discover.ts';
import { listChangedFiles } from '../select/git/gitChanges.ts';
import type { ImportGraph } from '../select/graph/importGraph.ts';
import { listProjectFiles } from '../select/git/listFiles.ts';
import { openGraph } from '../select/graph/openGraph.ts';
import { selectTests } from '../select/selectTests.ts';
import type { Plan, TestCase } from '../select/types.ts';

export interface PlanOptions {
  since?: string;
  all?: boolean;
  /** Only these test ids (from --tests). */
  tests?: string[];
  /** Use these changed files instead of asking git (the watcher's batch). */
  changedFiles?: string[];
  /**
   * Reuse a graph (watch mode), already refreshed for `changedFiles` by the caller (refreshGraph);
   * otherwise one is built and refreshed here.
   */
  graph?: ImportGraph;
  testCases?: TestCase[];
  /** With a shared graph: re-read the changed files into it first (the watcher's start-up). */
  refreshGraph?: boolean;
}

export interface PlanResult {
  plan: Plan;
  testCases: Map<string, TestCase>;
  graph: ImportGraph;
}

const log = logger('select');

/** Every test the project has, and its import graph (warm from `.vmwatch/graph.json` when it can be). */
export async function loadProject(config: ResolvedConfig): Promise<{ testCases: TestCase[]; graph: ImportGraph; files: string[] }> {
  const files = await listProjectFiles(config.root);
  for (const warning of unmatchedRules(config, files)) log.warn(warning);
  const graph = await openGraph({ config, files, onWarning: (message) => log.warn(message) });
  return { testCases: discoverTests(config, files), graph, files };
}

/** The shared path of `run`, `select` and the watcher: changes → selection → plan. */
export async function planSelection(config: ResolvedConfig, options: PlanOptions = {}): Promise<PlanResult> {
  const project = options.graph && options.testCases ? { graph: options.graph, testCases: options.testCases } : await loadProject(config);
  let tests = project.testCases;
  if (options.tests !== undefined) {
    const known = new Set(tests.map((t) => t.id));
    const unknown = options.tests.filter((id) => !known.has(id));
    if (unknown.length > 0) throw new UsageError(`unknown test id(s): ${unknown.join(', ')}. 'vmwatch select --all --json' lists them.`);
    tests = tests.filter((t) => options.tests!.includes(t.id));
  }
  let changedFiles: string[] = options.changedFiles ?? [];
  let all = options.all === true || options.tests !== undefined;
  let allReason = options.tests !== undefined ? 'named with --tests' : 'all requested';
  if (!all && options.changedFiles === undefined) {
    const changes = await listChangedFiles({ root: config.root, ...(options.since === undefined ? {} : { since: options.since }) });
    changedFiles = changes.files;
    if (changes.all) {
      all = true;
      allReason = changes.reason ?? 'everything changed';
    }
  }
  // A graph of its own (one-shot commands) is brought up to date here; a shared one only when asked.
  if (!options.graph || options.refreshGraph === true) await refreshGraph(project.graph, config.root, changedFiles);
  const plan = selectTests({ tests, config, graph: project.graph, changedFiles, all, allReason });
  return { plan, testCases: new Map(tests.map((t) => [t.id, t])), graph: project.graph };
}

/**
 * Re-reads the changed files into the graph: a changed file's new imports, a new file's edges, a
 * deleted file kept as a tombstone (its importers still resolve to it until `remove`).
 */
export async function refreshGraph(graph: ImportGraph, root: string, changedFiles: readonly string[]): Promise<void> {
  for (const file of changedFiles) {
    const exists = existsSync(path.join(root, file));
    if (!exists || graph.has(file)) await graph.update(file, exists);
    else await graph.addFile(file);
  }
}
