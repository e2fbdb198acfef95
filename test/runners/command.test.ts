import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandAdapter, fillCommand } from '../../src/runners/command.ts';
import { RunnerMachine, statuses } from '../helpers/runnerMachine.ts';
import { sandboxUnavailable } from '../helpers/sandboxAvailable.ts';

/** A user's own runner: writes JUnit with classnames that spell the test files' paths. */
const FAKE_RUNNER = [
  'set -e',
  'mkdir -p out',
  '{',
  '  echo \'<?xml version="1.0"?><testsuites><testsuite name="all">\'',
  '  for f in "$@"; do',
  '    c=$(echo "${f#./}" | sed "s#\\.sh\\$##; s#/#.#g")',
  '    sh "$f" "$c"',
  '  done',
  '  echo "</testsuite></testsuites>"',
  '} > out/junit.xml',
  'grep -q "<failure" out/junit.xml && exit 1 || exit 0',
  '',
].join('\n');

const FILES: Record<string, string> = {
  'run-tests.sh': FAKE_RUNNER,
  'checks/a.sh': 'echo "<testcase classname=\\"$1\\" name=\\"adds\\" time=\\"0.002\\"/>"\n',
  'checks/-b.sh':
    'echo "<testcase classname=\\"$1\\" name=\\"fails\\" time=\\"0.001\\"><failure message=\\"expected 1 &amp; 2\\">at ' +
    'checks/-b.sh:7</failure></testcase>"\n',
};

describe.skipIf(sandboxUnavailable() !== null)('command adapter, a real command in a sandbox machine', () => {
  let machine: RunnerMachine;
  beforeAll(async () => {
    machine = new RunnerMachine(FILES);
    await machine.start();
  });
  afterAll(async () => machine.stop());

  it('runs {files} in one batch and gives each file the JUnit cases whose classname spells its path', async () => {
    const rule = { runner: 'command' as const, command: 'sh run-tests.sh {files}', junit: 'out/junit.xml' };
    expect(commandAdapter.needsOneFilePerBatch(rule)).toBe(false);
    const run = await machine.run(commandAdapter, rule, ['checks/a.sh', 'checks/-b.sh']);
    expect(run.command).toBe(
      'rm -f out/junit.xml; (sh run-tests.sh ./checks/a.sh ./checks/-b.sh); s=$?; mkdir -p test-runs/batch-1 && { cp ' +
        'out/junit.xml test-runs/batch-1/command-junit.xml 2>/dev/null || true; }; exit $s',
    );
    expect(run.exitCode).toBe(1);
    // Names follow the report's structure: enclosing suites (other than ones naming a file), then the case.
    expect(statuses(run.results.get('checks/a.sh'))).toEqual({ 'all › adds': 'passed' });
    const b = run.results.get('checks/-b.sh')!;
    expect(b.status).toBe('failed');
    expect(b.cases[0]!.failure).toEqual({
      message: 'expected 1 & 2',
      stack: 'at checks/-b.sh:7',
      location: { file: 'checks/-b.sh', line: 7 },
    });
  });

  it('has no results when the command wrote no JUnit, and none without a junit setting', async () => {
    const rule = { runner: 'command' as const, command: 'exit 3', junit: 'out/junit.xml' };
    const run = await machine.run(commandAdapter, rule, ['checks/a.sh']);
    expect(run.exitCode).toBe(3);
    expect(run.results.size).toBe(0);
    const plain = { runner: 'command' as const, command: 'sh {file}' };
    expect(commandAdapter.needsOneFilePerBatch(plain)).toBe(true);
    expect((await machine.run(commandAdapter, plain, ['checks/a.sh'])).results.size).toBe(0);
  });
});

describe('fillCommand', () => {
  it('shell-quotes files so that a leading dash or a space stays a file name', () => {
    expect(fillCommand('pytest {files}', ['-x.py', 'a b.py'])).toBe("pytest ./-x.py './a b.py'");
    expect(fillCommand('run {file}', ['it.sh'])).toBe('run ./it.sh');
    expect(() => fillCommand('run {file}', ['a.sh', 'b.sh'])).toThrow(/\{file\}.*given 2.*\{files\}/);
  });
});
