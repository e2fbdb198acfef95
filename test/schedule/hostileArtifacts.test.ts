import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { VMPool } from '../../src/pool/VMPool.ts';
import { runPlan, type RunOutcome } from '../../src/schedule/runPlan.ts';
import type { TestJob } from '../../src/schedule/types.ts';
import { connect } from '../../src/transport/connect.ts';
import { sandboxUnavailable } from '../helpers/sandboxAvailable.ts';
import { tempSandbox, type TempSandbox } from '../helpers/tempSandbox.ts';

const GUEST = '/mnt/vmwatch-test/app';
const job = (id: string, command: string): TestJob => ({ test: { id, kind: 'suite', command }, reasons: ['hostile'] });

/** Every file under `dir` (relative), links included, for "nothing was left behind" checks. */
function listAll(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

describe.skipIf(sandboxUnavailable() !== null)('artifacts from hostile tests (real sandboxes, real links)', () => {
  let sb: TempSandbox;
  let pool: VMPool;
  let app: string;
  let into: string;
  let hostSecret: string;

  beforeAll(async () => {
    sb = tempSandbox({ guestPath: GUEST });
    pool = new VMPool({ provider: sb.provider, connect, pool: 'hostile', size: 2, backoffMs: 10 });
    await pool.init();
    app = mkdtempSync(path.join(tmpdir(), 'vmwatch-hostile-app-'));
    writeFileSync(path.join(app, 'README'), 'app\n');
  });
  afterAll(async () => {
    await pool.destroy();
    await sb.cleanup();
    rmSync(app, { recursive: true, force: true });
  });
  beforeEach(() => {
    into = mkdtempSync(path.join(tmpdir(), 'vmwatch-hostile-runs-'));
    hostSecret = mkdtempSync(path.join(tmpdir(), 'vmwatch-host-secret-'));
    writeFileSync(path.join(hostSecret, 'id_rsa'), 'PRIVATE KEY\n');
    return () => {
      rmSync(into, { recursive: true, force: true });
      rmSync(hostSecret, { recursive: true, force: true });
    };
  });

  const run = (jobs: TestJob[], extra: Partial<Parameters<typeof runPlan>[0]> = {}): Promise<RunOutcome> =>
    runPlan({
      pool,
      root: app,
      guestPath: GUEST,
      artifactsDir: 'test-runs',
      excludes: [],
      env: {},
      defaultTimeoutMs: 60_000,
      into,
      jobs,
      changedFiles: [],
      concurrency: 1,
      ...extra,
    });

  it('an artifacts folder that is itself a symlink to a host folder: nothing is pulled, and the summary says so', async () => {
    const { summary } = await run([job('steal', `ln -s ${hostSecret} test-runs; exit 0`)]);
    const t = summary.tests[0]!;
    expect(t.status).toBe('passed');
    expect(listAll(t.artifactsDir)).toEqual(['output.log']);
    expect(t.artifactsNote).toMatch(/test-runs is a symlink in the machine .*-> .*vmwatch-host-secret.*nothing was copied/);
  });

  it('links out of the artifacts are dropped and listed; links inside stay links; a chain through a link is caught too', async () => {
    const cmd = [
      'mkdir -p test-runs/sub test-runs/d && echo ok > test-runs/ok.txt',
      'ln -s /etc/shadow test-runs/shadow',
      `ln -s ${hostSecret}/id_rsa test-runs/key`,
      'ln -s ../../../../x test-runs/sub/rel',
      'ln -s ok.txt test-runs/inside',
      'ln -s . test-runs/d/self',
      // textually inside (d/self/../.. is depth 0), but d/self is d itself, so it really ends above test-runs
      'ln -s d/self/../.. test-runs/chain',
    ].join(' && ');
    const { summary } = await run([job('links', cmd)]);
    const t = summary.tests[0]!;
    expect(t.status, t.error).toBe('passed');
    expect([...t.droppedLinks!].sort()).toEqual([
      `chain -> d/self/../..`,
      `key -> ${hostSecret}/id_rsa`,
      'shadow -> /etc/shadow',
      'sub/rel -> ../../../../x',
    ]);
    for (const gone of ['shadow', 'key', 'sub/rel', 'chain'])
      expect(existsSync(path.join(t.artifactsDir, gone)) || isLink(path.join(t.artifactsDir, gone)), gone).toBe(false);
    expect(readlinkSync(path.join(t.artifactsDir, 'inside'))).toBe('ok.txt');
    expect(readFileSync(path.join(t.artifactsDir, 'inside'), 'utf8')).toBe('ok\n');
    expect(readlinkSync(path.join(t.artifactsDir, 'd/self'))).toBe('.');
    expect(
      JSON.parse(readFileSync(path.join(path.dirname(path.dirname(t.artifactsDir)), 'summary.json'), 'utf8')).tests[0].droppedLinks,
    ).toHaveLength(4);
  });

  it('a test that leaves test-runs/child -> host folder cannot make test parent/child write there', async () => {
    const { summary } = await run([
      job('parent', `mkdir -p test-runs && ln -s ${hostSecret} test-runs/child`),
      job('parent/child', 'mkdir -p test-runs && echo planted > test-runs/planted.txt; echo child output'),
    ]);
    expect(summary.tests.map((t) => t.status)).toEqual(['passed', 'passed']);
    expect(readdirSync(hostSecret)).toEqual(['id_rsa']);
    const child = summary.tests.find((t) => t.id === 'parent/child')!;
    expect(readFileSync(path.join(child.artifactsDir, 'output.log'), 'utf8')).toContain('child output');
    expect(readFileSync(path.join(child.artifactsDir, 'planted.txt'), 'utf8')).toBe('planted\n');
  });

  it('ids x and ../x, ü and u+◌̈, a and a/b, and a suite named summary.json each keep their own files', async () => {
    const ids = ['x', '../x', 'ü', 'u\u0308', 'a', 'a/b', 'summary.json', 'junit.xml'];
    const { summary, runDir } = await run(
      ids.map((id) => job(id, 'mkdir -p test-runs && printf %s "$VMWATCH_TEST_ID" > test-runs/who.txt')),
      { concurrency: 2 },
    );
    expect(summary.tests.map((t) => t.status)).toEqual(ids.map(() => 'passed'));
    expect(new Set(summary.tests.map((t) => t.artifactsDir)).size).toBe(ids.length);
    for (const t of summary.tests) {
      expect(path.dirname(t.artifactsDir)).toBe(path.join(runDir, 'tests'));
      expect(readFileSync(path.join(t.artifactsDir, 'who.txt'), 'utf8'), t.id).toBe(t.id);
    }
    expect(statSync(path.join(runDir, 'summary.json')).isFile()).toBe(true);
    expect(statSync(path.join(runDir, 'junit.xml')).isFile()).toBe(true);
    expect(listAll(runDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('summary.json that cannot be written marks the run error with the reason and leaves no temp file', async () => {
    const outcome = await run([job('ok', 'true')], {
      onStart: ({ runDir }) => {
        mkdirSync(path.join(runDir, 'summary.json', 'blocker'), { recursive: true });
      },
    });
    expect(outcome.summary.tests[0]!.status).toBe('passed');
    expect(outcome.summary.error).toMatch(/could not write .*summary\.json: .*(EISDIR|ENOTEMPTY|EEXIST)/);
    expect(listAll(outcome.runDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it("a test folder that cannot be made is that test's error, not a crash", async () => {
    const outcome = await run([job('ok', 'true')], { onStart: ({ runDir }) => writeFileSync(path.join(runDir, 'tests'), 'in the way') });
    expect(outcome.summary.tests[0]!.status).toBe('error');
    expect(outcome.summary.tests[0]!.error).toMatch(/cannot write the test's folder: .*tests is not a folder|exists and is not a folder/);
  });

  it('200 MB of output: the test still passes, output.log keeps head and tail under the cap, memory stays flat', async () => {
    const maxBytes = 1024 * 1024;
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const { summary } = await run(
      [job('loud', 'echo FIRST-LINE; head -c 200000000 /dev/zero | tr "\\0" x; echo; echo LAST-LINE; exit 0')],
      { outputMaxBytes: maxBytes },
    ).finally(() => clearInterval(sampler));
    const t = summary.tests[0]!;
    expect(t.status, t.error).toBe('passed');
    expect(t.exitCode).toBe(0);
    const log = readFileSync(path.join(t.artifactsDir, 'output.log'), 'utf8');
    expect(log.length).toBeLessThan(maxBytes + 4096);
    expect(log).toContain('FIRST-LINE');
    expect(log.trimEnd().endsWith('LAST-LINE')).toBe(true);
    expect(log).toMatch(/\[vmwatch: (\d+) bytes of output dropped here/);
    const dropped = Number(/\[vmwatch: (\d+) bytes/.exec(log)![1]);
    expect(dropped).toBeGreaterThan(200_000_000 - maxBytes);
    expect(peak - before).toBeLessThan(200 * 1024 * 1024);
  });
});

function isLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}
