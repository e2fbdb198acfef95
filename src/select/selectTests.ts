import path from 'node:path';
import picomatch from 'picomatch';
import type { ResolvedConfig } from '../config/types.ts';
import { ImporterChains, importsReason, type ImporterLookup } from './importChains.ts';
import type { Plan, TestCase } from './types.ts';

export interface SelectInput {
  tests: readonly TestCase[];
  config: Pick<ResolvedConfig, 'triggers' | 'tests' | 'configFile' | 'root'>;
  graph: ImporterLookup;
  /** Root-relative posix paths; deleted files should still be tombstones in the graph. */
  changedFiles: readonly string[];
  all?: boolean;
  allReason?: string;
}

type Matcher = (file: string) => boolean;

interface Rules {
  runAll: Matcher;
  maps: Array<{ matches: Matcher; tests: string[] }>;
  suites: Array<{ id: string; files: Matcher; covers: Matcher; typecheck: boolean; typechecks: boolean }>;
  discovered: Map<string, string[]>;
  /** Test ids whose runner does not typecheck. */
  untyped: Set<string>;
}

/**
 * Which tests a change runs, and why. A changed file selects: every test (`all`, or a
 * `triggers.runAll` match, the config file included); the discovered test that is the file, or
 * that imports it through any chain (the shortest chain is named); a suite whose `files` or
 * `covers` match it, or whose `files` import it; a `typecheck` suite, on any TypeScript file or
 * tsconfig; the tests a `triggers.map` entry lists. A chain through a type-only import selects
 * only a test whose runner typechecks (`typechecks` not false). A changed file that selects
 * nothing and matches no rule is `uncovered`.
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
      if (suite.typecheck && isTypeScriptInput(file)) select(suite.id, `typecheck: ${file} changed`);
      covered ||= suite.files(file) || suite.covers(file);
    }
    for (const id of rules.discovered.get(file) ?? []) select(id, `changed ${file}`);
    selectImporters(file, input.graph, rules, select);
    if (!covered) uncovered.push(file);
  }
  return toPlan(changedFiles, runAll, reasons, uncovered);
}

/** Tests whose file, or a suite's entry file, imports `changed` through some chain they can observe. */
function selectImporters(changed: string, graph: ImporterLookup, rules: Rules, select: (id: string, reason: string) => void): void {
  const chains = new ImporterChains(changed, graph);
  const suitesDone = new Set<string>();
  for (const file of chains.importers()) {
    const ids = rules.discovered.get(file) ?? [];
    const suites = rules.suites.filter((suite) => !suitesDone.has(suite.id) && suite.files(file));
    if (ids.length === 0 && suites.length === 0) continue;
    for (const id of ids) {
      const chain = chains.chainOf(file, !rules.untyped.has(id));
      if (chain !== undefined) select(id, importsReason(changed, chain));
    }
    for (const suite of suites) {
      const chain = chains.chainOf(file, suite.typechecks);
      if (chain === undefined) continue;
      suitesDone.add(suite.id);
      select(suite.id, importsReason(changed, { ...chain, via: [file, ...chain.via] }));
    }
  }
}

/** A change a whole-project typecheck sees: TypeScript sources and tsconfig files. */
function isTypeScriptInput(file: string): boolean {
  return /\.[cm]?tsx?$/.test(file) || /(^|\/)tsconfig[^/]*\.json$/.test(file);
}

function compileRules(input: SelectInput): Rules {
  const glob = (patterns: string[]): Matcher => (patterns.length === 0 ? () => false : picomatch(patterns, { dot: true }));
  const { config, tests } = input;
  const runAllGlobs = glob(config.triggers.runAll);
  const configFile = configInRoot(config.root, config.configFile);
  const suiteIds = new Set(tests.filter((test) => test.kind === 'suite').map((test) => test.id));
  const discovered = new Map<string, string[]>();
  const untyped = new Set(tests.filter((test) => test.typechecks === false).map((test) => test.id));
  for (const test of tests) {
    if (test.kind === 'discovered' && test.file !== undefined) discovered.set(test.file, [...(discovered.get(test.file) ?? []), test.id]);
  }
  return {
    runAll: (file) => file === configFile || runAllGlobs(file),
    maps: config.triggers.map.map((entry) => ({ matches: glob(entry.files), tests: entry.tests })),
    suites: config.tests
      .filter((suite) => suiteIds.has(suite.id))
      .map((suite) => ({
        id: suite.id,
        files: glob(suite.files),
        covers: glob(suite.covers),
        typecheck: suite.typecheck === true,
        typechecks: !untyped.has(suite.id),
      })),
    discovered,
    untyped,
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
