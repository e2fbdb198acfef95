import path from 'node:path';
import picomatch from 'picomatch';
import type { ResolvedConfig } from '../config/types.ts';
import type { ImportGraph } from './graph/importGraph.ts';
import type { Plan, TestCase } from './types.ts';

export interface SelectInput {
  tests: readonly TestCase[];
  config: Pick<ResolvedConfig, 'triggers' | 'tests' | 'configFile' | 'root'>;
  graph: Pick<ImportGraph, 'importersOf'>;
  /** Root-relative posix paths; deleted files should still be tombstones in the graph. */
  changedFiles: readonly string[];
  all?: boolean;
  allReason?: string;
}

type Matcher = (file: string) => boolean;

interface Rules {
  runAll: Matcher;
  maps: Array<{ matches: Matcher; tests: string[] }>;
  suites: Array<{ id: string; files: Matcher; covers: Matcher }>;
  discovered: Map<string, string[]>;
}

/**
 * Which tests a change runs, and why. A changed file selects: every test (`all`, or a
 * `triggers.runAll` match, the config file included); the discovered test that is the file, or
 * that imports it through any chain (the shortest chain is named); a suite whose `files` or
 * `covers` match it, or whose `files` import it; the tests a `triggers.map` entry lists. A changed
 * file that selects nothing and matches no rule is `uncovered`.
 */
export function selectTests(input: SelectInput): Plan {
  const { tests, changedFiles } = input;
  const reasons = new Map<string, Set<string>>(tests.map((test) => [test.id, new Set<string>()]));
  const add = (id: string, reason: string): boolean => {
    const why = reasons.get(id);
    why?.add(reason);
    return why !== undefined;
  };
  if (input.all === true) {
    for (const test of tests) add(test.id, input.allReason ?? 'all requested');
    return toPlan(changedFiles, true, reasons, []);
  }
  const rules = compileRules(input);
  const uncovered: string[] = [];
  let runAll = false;
  for (const file of new Set(changedFiles)) {
    let covered = false;
    const select = (id: string, reason: string) => {
      covered = add(id, reason) || covered;
    };
    if (rules.runAll(file)) {
      runAll = covered = true;
      for (const test of tests) select(test.id, `runAll trigger ${file}`);
    }
    for (const map of rules.maps.filter(({ matches }) => matches(file))) {
      covered = true;
      for (const id of map.tests) select(id, `trigger map ${file}`);
    }
    for (const suite of rules.suites) {
      if (suite.files(file)) select(suite.id, `changed ${file}`);
      if (suite.covers(file)) select(suite.id, `covers ${file}`);
      covered ||= suite.files(file) || suite.covers(file);
    }
    for (const id of rules.discovered.get(file) ?? []) select(id, `changed ${file}`);
    selectImporters(file, input.graph, rules, select);
    if (!covered) uncovered.push(file);
  }
  return toPlan(changedFiles, runAll, reasons, uncovered);
}

/** Tests whose file, or a suite's entry file, imports `changed` through some chain. */
function selectImporters(changed: string, graph: SelectInput['graph'], rules: Rules, select: (id: string, reason: string) => void): void {
  const towards = importerTree(changed, graph);
  const suitesDone = new Set<string>();
  for (const file of towards.keys()) {
    if (file === changed) continue;
    const ids = rules.discovered.get(file) ?? [];
    const suites = rules.suites.filter((suite) => !suitesDone.has(suite.id) && suite.files(file));
    if (ids.length === 0 && suites.length === 0) continue;
    const chain = chainFrom(file, changed, towards);
    for (const id of ids) select(id, importsReason(changed, chain));
    for (const suite of suites) {
      suitesDone.add(suite.id);
      select(suite.id, importsReason(changed, [file, ...chain]));
    }
  }
}

/**
 * Breadth-first over importers from `changed`: each reached file → the file it imports on a
 * shortest path back to `changed`. Insertion order is distance order.
 */
export function importerTree(changed: string, graph: SelectInput['graph']): Map<string, string | undefined> {
  const towards = new Map<string, string | undefined>([[changed, undefined]]);
  const queue = [changed];
  for (let i = 0; i < queue.length; i++) {
    const file = queue[i] as string;
    for (const importer of graph.importersOf(file)) {
      if (towards.has(importer)) continue;
      towards.set(importer, file);
      queue.push(importer);
    }
  }
  return towards;
}

/** The files strictly between `file` and `changed` on the recorded shortest path. */
function chainFrom(file: string, changed: string, towards: Map<string, string | undefined>): string[] {
  const chain: string[] = [];
  for (let next = towards.get(file); next !== undefined && next !== changed; next = towards.get(next)) chain.push(next);
  return chain;
}

function importsReason(changed: string, via: string[]): string {
  return via.length === 0 ? `imports ${changed}` : `imports ${changed} via ${via.join(' -> ')}`;
}

function compileRules(input: SelectInput): Rules {
  const glob = (patterns: string[]): Matcher => (patterns.length === 0 ? () => false : picomatch(patterns, { dot: true }));
  const { config, tests } = input;
  const runAllGlobs = glob(config.triggers.runAll);
  const configFile = configInRoot(config.root, config.configFile);
  const suiteIds = new Set(tests.filter((test) => test.kind === 'suite').map((test) => test.id));
  const discovered = new Map<string, string[]>();
  for (const test of tests) {
    if (test.kind === 'discovered' && test.file !== undefined) discovered.set(test.file, [...(discovered.get(test.file) ?? []), test.id]);
  }
  return {
    runAll: (file) => file === configFile || runAllGlobs(file),
    maps: config.triggers.map.map((entry) => ({ matches: glob(entry.files), tests: entry.tests })),
    suites: config.tests.filter((suite) => suiteIds.has(suite.id)).map((suite) => ({ id: suite.id, files: glob(suite.files), covers: glob(suite.covers) })),
    discovered,
  };
}

/** The config file relative to root, when it lies inside root. */
function configInRoot(root: string, configFile: string): string | undefined {
  const relative = path.relative(root, configFile);
  if (relative === '' || relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) return undefined;
  return relative.split(path.sep).join('/');
}

function toPlan(changedFiles: readonly string[], all: boolean, reasons: Map<string, Set<string>>, uncovered: string[]): Plan {
  const tests = [...reasons]
    .filter(([, why]) => why.size > 0)
    .map(([id, why]) => ({ id, reasons: [...why].sort(byLength) }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { changedFiles: [...changedFiles], all, tests, uncovered };
}

/** Shortest (most direct) reason first, then alphabetical. */
function byLength(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
