import picomatch from 'picomatch';
import type { DiscoverRule, SuiteConfig } from '../config/types.ts';
import { adapterFor } from '../runners/index.ts';
import type { TestCase } from './types.ts';
import { shellQuote } from '../process/shellQuote.ts';

type Matcher = (file: string) => boolean;

/** A discover rule, and whether its runner typechecks the files it loads (unknown when absent). */
type DiscoverInput = DiscoverRule & { typecheck?: boolean };

export interface DiscoverConfig {
  tests: readonly SuiteConfig[];
  discover: readonly DiscoverInput[];
}

/**
 * The tests of a project: every named suite, then one test per file that a `discover` rule
 * matches (the first matching rule wins; id = the file, relative to root). A discovered file
 * whose path equals a suite id is left to the suite. Sorted by id. Each test `typechecks` as its
 * suite's or rule's `typecheck` says (left out when unset: unknown).
 */
export function discoverTests(config: DiscoverConfig, files: readonly string[]): TestCase[] {
  const tests = new Map<string, TestCase>();
  for (const suite of config.tests) {
    tests.set(
      suite.id,
      withTypecheck(withTimeout({ id: suite.id, kind: 'suite', command: suite.command }, suite.timeoutMs), suite.typecheck),
    );
  }
  const rules = config.discover.map((rule) => ({ rule, matches: compileRule(rule) }));
  for (const file of files) {
    if (tests.has(file)) continue;
    const found = rules.find(({ matches }) => matches(file));
    if (found === undefined) continue;
    const { rule } = found;
    const runner = rule.runner ?? 'command';
    const command = rule.command === undefined ? '' : fillCommand(rule.command, file);
    const test: TestCase = { id: file, kind: 'discovered', command, file, runner, rule: config.discover.indexOf(rule) };
    // A known runner says whether it typechecks (Vitest only with typecheck on); a plain command may: unknown.
    const typechecks = runner === 'command' ? rule.typecheck : adapterFor(runner).typechecks({ ...rule, runner });
    tests.set(file, withTypecheck(withTimeout(test, rule.timeoutMs), typechecks));
  }
  return [...tests.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function compileRule(rule: DiscoverInput): Matcher {
  const options = { dot: true, ...(rule.ignore.length > 0 ? { ignore: rule.ignore } : {}) };
  return picomatch(rule.pattern, options);
}

function withTimeout(test: TestCase, timeoutMs: number | undefined): TestCase {
  return timeoutMs === undefined ? test : { ...test, timeoutMs };
}

function withTypecheck(test: TestCase, typecheck: boolean | undefined): TestCase {
  return typecheck === undefined ? test : { ...test, typechecks: typecheck };
}

/**
 * Replaces every `{file}` in `command` with the file, shell-quoted when it needs to be; a name
 * starting with `-` gets `./` so no command reads it as an option (`./-x.test.js`).
 */
export function fillCommand(command: string, file: string): string {
  return command.split('{file}').join(shellQuote(file.startsWith('-') ? `./${file}` : file));
}

/** A warning for each discover rule that matches no file of the project (a typo, or a moved folder). */
export function unmatchedRules(config: Pick<DiscoverConfig, 'discover'>, files: readonly string[]): string[] {
  return config.discover.flatMap((rule, i) => {
    const matches = compileRule(rule);
    if (files.some((file) => matches(file))) return [];
    const pattern = Array.isArray(rule.pattern) ? rule.pattern.join('", "') : rule.pattern;
    return [`discover[${i}].pattern "${pattern}" matches no file under the root: no test comes from this rule`];
  });
}
