import pino from 'pino';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CommandSink } from '../../src/report/commandSink.ts';
import { DesktopSink } from '../../src/report/desktopSink.ts';
import { buildNotification, Notifier } from '../../src/report/notify.ts';
import type { Notification, NotificationSink } from '../../src/report/types.ts';
import type { RunSummary, TestStatus } from '../../src/report/types.ts';
import { notificationDaemonAvailable, startNotificationDaemon, type NotificationDaemon } from '../helpers/notificationDaemon.ts';

function run(tests: Array<[id: string, status: TestStatus]>): RunSummary {
  return {
    runId: 'r1',
    startedAt: '2025-01-01T00:00:00.000Z',
    finishedAt: '2025-01-01T00:00:05.000Z',
    changedFiles: [],
    tests: tests.map(([id, status]) => ({
      id,
      status,
      exitCode: null,
      durationMs: 100,
      vm: 'vm-1',
      reasons: [],
      artifactsDir: `/runs/r1/${id}`,
    })),
    passed: tests.filter(([, status]) => status === 'passed').length,
    failed: tests.filter(([, status]) => status !== 'passed').length,
  };
}

const before = (entries: Array<[string, TestStatus]>): Map<string, TestStatus> => new Map(entries);

describe('buildNotification', () => {
  it('reports failures, telling new ones from those already failing', () => {
    const summary = run([
      ['a', 'failed'],
      ['b', 'passed'],
      ['c', 'timedout'],
      ['d', 'error'],
    ]);
    expect(
      buildNotification(
        summary,
        before([
          ['c', 'failed'],
          ['a', 'passed'],
        ]),
      ),
    ).toEqual({
      kind: 'failure',
      title: 'vmwatch: 3 tests failed',
      body: 'new: a, d · still failing: c',
    });
  });

  it('uses the singular for one failure and leaves out empty groups', () => {
    expect(
      buildNotification(
        run([
          ['a', 'failed'],
          ['b', 'passed'],
        ]),
        before([]),
      ),
    ).toEqual({
      kind: 'failure',
      title: 'vmwatch: 1 test failed',
      body: 'new: a',
    });
    expect(buildNotification(run([['a', 'error']]), before([['a', 'timedout']]))?.body).toBe('still failing: a');
  });

  it('reports flaky tests (passed on retry) as neither green nor red, and lists them beside failures', () => {
    expect(
      buildNotification(
        run([
          ['a', 'flaky'],
          ['b', 'passed'],
        ]),
        before([['a', 'failed']]),
      ),
    ).toEqual({
      kind: 'flaky',
      title: 'vmwatch: 1 flaky test (passed on retry)',
      body: 'flaky: a',
    });
    expect(
      buildNotification(
        run([
          ['a', 'flaky'],
          ['b', 'failed'],
        ]),
        before([]),
      )?.body,
    ).toBe('new: b · flaky: a');
  });

  it('counts a test that was cancelled or passing before as a new failure', () => {
    const summary = run([
      ['a', 'failed'],
      ['b', 'failed'],
    ]);
    expect(
      buildNotification(
        summary,
        before([
          ['a', 'cancelled'],
          ['b', 'passed'],
        ]),
      )?.body,
    ).toBe('new: a, b');
  });

  it('lists at most 8 names, new ones first, then says how many more', () => {
    const fresh = Array.from({ length: 6 }, (_, i) => `n${i}`);
    const still = Array.from({ length: 5 }, (_, i) => `s${i}`);
    const summary = run([...fresh, ...still].map((id) => [id, 'failed']));
    const notification = buildNotification(summary, before(still.map((id) => [id, 'failed'])));
    expect(notification?.title).toBe('vmwatch: 11 tests failed');
    expect(notification?.body).toBe('new: n0, n1, n2, n3, n4, n5 · still failing: s0, s1 · and 3 more');
  });

  it('says green again when a run without failures fixes a test that was failing', () => {
    const summary = run([
      ['a', 'passed'],
      ['b', 'passed'],
      ['c', 'passed'],
      ['d', 'cancelled'],
    ]);
    const previous = before([
      ['a', 'failed'],
      ['b', 'passed'],
      ['c', 'error'],
      ['d', 'failed'],
    ]);
    expect(buildNotification(summary, previous)).toEqual({ kind: 'recovery', title: 'vmwatch: green again', body: 'fixed: a, c' });
  });

  it('truncates the recovered list too', () => {
    const ids = Array.from({ length: 10 }, (_, i) => `t${i}`);
    const notification = buildNotification(run(ids.map((id) => [id, 'passed'])), before(ids.map((id) => [id, 'failed'])));
    expect(notification?.body).toBe('fixed: t0, t1, t2, t3, t4, t5, t6, t7 · and 2 more');
  });

  it('names failing tests by their failing cases and messages where the runner reported them', () => {
    const summary = run([
      ['src/utils.test.ts', 'failed'],
      ['suite', 'failed'],
    ]);
    summary.tests[0]!.cases = [
      { name: 'url › parses url', status: 'failed', durationMs: 3, failure: { message: 'expected 1 to be 2\n- Expected' } },
      { name: 'url › other', status: 'passed', durationMs: 1 },
    ];
    const n = buildNotification(summary, before([['suite', 'failed']]));
    expect(n?.body).toBe('new: src/utils.test.ts › url › parses url — expected 1 to be 2 · still failing: suite');
  });

  it('says nothing when all pass and nothing was failing, or nothing ran', () => {
    expect(
      buildNotification(
        run([
          ['a', 'passed'],
          ['b', 'cancelled'],
        ]),
        before([['a', 'passed']]),
      ),
    ).toBeNull();
    expect(buildNotification(run([['a', 'passed']]), before([['other', 'failed']]))).toBeNull();
    expect(buildNotification(run([]), before([['a', 'failed']]))).toBeNull();
  });
});

class RecordingSink implements NotificationSink {
  sent: Notification[] = [];
  error: Error | null = null;
  async send(notification: Notification): Promise<void> {
    if (this.error) throw this.error;
    this.sent.push(notification);
  }
}

function captureLogger(): { logger: pino.Logger; lines: Array<{ level: number; msg: string }> } {
  const lines: Array<{ level: number; msg: string }> = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}

describe('Notifier', () => {
  const failing = run([['a', 'failed']]);
  const recovered = run([['a', 'passed']]);
  const wasFailing = before([['a', 'failed']]);

  it('sends only the kinds listed in notify.on', async () => {
    const sink = new RecordingSink();
    const notifier = new Notifier({ config: { on: ['recovery'], minIntervalMs: 0 }, sink });
    expect(await notifier.notifyRun(failing, before([]))).toBeNull();
    expect(await notifier.notifyRun(recovered, wasFailing)).toMatchObject({ kind: 'recovery' });
    expect(sink.sent.map((n) => n.title)).toEqual(['vmwatch: green again']);
  });

  it('sends nothing when notify is false', async () => {
    const sink = new RecordingSink();
    expect(await new Notifier({ config: false, sink }).notifyRun(failing, before([]))).toBeNull();
    expect(sink.sent).toEqual([]);
  });

  it('never throws when the sink fails, and warns only once', async () => {
    const sink = new RecordingSink();
    sink.error = new Error('no daemon');
    const { logger, lines } = captureLogger();
    const notifier = new Notifier({ config: { on: ['failure'], minIntervalMs: 0 }, sink, logger });
    await expect(notifier.notifyRun(failing, before([]))).resolves.toMatchObject({ kind: 'failure' });
    await expect(notifier.notifyRun(failing, before([]))).resolves.toMatchObject({ kind: 'failure' });
    const warnings = lines.filter((line) => line.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.msg).toContain('no daemon');
    expect(lines.filter((line) => line.level === 20)).toHaveLength(1);
  });
});

describe('Notifier rate limit', () => {
  it('sends the first at once, holds runs that come fast, then sends one summary of them', async () => {
    const sink = new RecordingSink();
    const notifier = new Notifier({ config: { on: ['failure', 'recovery'], minIntervalMs: 60_000 }, sink });
    await notifier.notifyRun(run([['a', 'failed']]), before([]), '/runs/r1');
    await notifier.notifyRun(
      run([
        ['a', 'failed'],
        ['b', 'failed'],
      ]),
      before([['a', 'failed']]),
    );
    await notifier.notifyRun(
      run([
        ['a', 'failed'],
        ['b', 'failed'],
        ['c', 'failed'],
      ]),
      before([
        ['a', 'failed'],
        ['b', 'failed'],
      ]),
    );
    expect(sink.sent).toEqual([{ kind: 'failure', title: 'vmwatch: 1 test failed', body: 'new: a', open: '/runs/r1' }]);
    await notifier.flush();
    expect(sink.sent).toHaveLength(2);
    expect(sink.sent[1]).toEqual({
      kind: 'failure',
      title: 'vmwatch: 3 tests failed',
      body: 'new: c · still failing: a, b · (latest of 2 runs since the last notification)',
    });
    await notifier.flush();
    expect(sink.sent).toHaveLength(2);
  });

  it('sends the held summary by itself once the interval has passed', async () => {
    const sink = new RecordingSink();
    const notifier = new Notifier({ config: { on: ['failure', 'recovery'], minIntervalMs: 50 }, sink });
    await notifier.notifyRun(run([['a', 'failed']]), before([]));
    await notifier.notifyRun(run([['a', 'passed']]), before([['a', 'failed']]));
    expect(sink.sent).toHaveLength(1);
    await vi.waitFor(() => expect(sink.sent).toHaveLength(2), { timeout: 5_000 });
    expect(sink.sent[1]).toMatchObject({ kind: 'recovery', title: 'vmwatch: green again', body: 'fixed: a' });
  });

  it('says at once when vmwatch itself cannot run tests, whatever notify.on lists', async () => {
    const sink = new RecordingSink();
    const notifier = new Notifier({ config: { on: [], minIntervalMs: 60_000 }, sink });
    await notifier.notifyProblem('no machine of the pool could start: bwrap missing');
    expect(sink.sent).toEqual([
      { kind: 'problem', title: 'vmwatch cannot run tests', body: 'no machine of the pool could start: bwrap missing' },
    ]);
  });
});

describe('CommandSink (notify.command)', () => {
  it('runs the command with the notification in its env and as JSON on stdin', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vmwatch-notify-cmd-'));
    try {
      const out = path.join(dir, 'out');
      const sink = new CommandSink(
        `printf '%s|%s|%s|%s\\n' "$VMWATCH_NOTIFY_KIND" "$VMWATCH_NOTIFY_TITLE" "$VMWATCH_NOTIFY_BODY" "$VMWATCH_NOTIFY_OPEN" ` +
          `> ${out}; cat >> ${out}`,
      );
      await sink.send({ kind: 'failure', title: 'vmwatch: 1 test failed', body: 'new: a `b` $c', open: '/runs/r1' });
      const [line, json] = readFileSync(out, 'utf8').trim().split('\n');
      expect(line).toBe('failure|vmwatch: 1 test failed|new: a `b` $c|/runs/r1');
      expect(JSON.parse(json!)).toEqual({ kind: 'failure', title: 'vmwatch: 1 test failed', body: 'new: a `b` $c', open: '/runs/r1' });
      await expect(new CommandSink('echo nope >&2; exit 3').send({ kind: 'problem', title: 't', body: 'b' })).rejects.toThrow(
        'exited with 3: nope',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('DesktopSink', () => {
  const notification: Notification = { kind: 'failure', title: 'vmwatch: 1 test failed', body: 'new: a' };

  it('gives up after its timeout when the notifier never answers', async () => {
    const sink = new DesktopSink({ timeoutMs: 20, notify: () => undefined });
    await expect(sink.send(notification)).rejects.toThrow('no answer from the notifier within 20 ms');
  });

  it('takes a stderr string passed as err for success, and never asks node-notifier to wait', async () => {
    let options: Record<string, unknown> = {};
    const sink = new DesktopSink({ notify: (opts, callback) => ((options = opts), callback('', '')) });
    await expect(sink.send(notification)).resolves.toBeUndefined();
    expect(options).toMatchObject({ title: 'vmwatch: 1 test failed', message: 'new: a', wait: false });
  });

  it('does not throw when no notification daemon is reachable', async () => {
    const saved = { DISPLAY: process.env.DISPLAY, DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS };
    delete process.env.DISPLAY;
    process.env.DBUS_SESSION_BUS_ADDRESS = 'unix:path=/nonexistent/vmwatch-test-bus';
    try {
      const { logger, lines } = captureLogger();
      const notifier = new Notifier({ config: { on: ['failure'], minIntervalMs: 0 }, logger });
      await expect(notifier.notifyRun(run([['a', 'failed']]), before([]))).resolves.toMatchObject({ kind: 'failure' });
      const warnings = lines.filter((line) => line.level === 40);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]?.msg).toContain('could not show a desktop notification');
    } finally {
      restoreEnv(saved);
    }
  });
});

function restoreEnv(saved: Record<string, string | undefined>): void {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
}

const unavailable = notificationDaemonAvailable();
if (unavailable !== null) console.warn(`[notify.test] ${unavailable}`);

describe.skipIf(unavailable !== null)('Notifier with a real notification daemon (Xvfb + dbus + dunst)', () => {
  let daemon: NotificationDaemon;

  beforeAll(async () => {
    daemon = await startNotificationDaemon();
  });

  afterAll(async () => {
    await daemon?.stop();
  });

  it('shows a failure notification through notify-send', async () => {
    const saved = { DISPLAY: process.env.DISPLAY, DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS };
    Object.assign(process.env, daemon.env);
    try {
      const { logger, lines } = captureLogger();
      const notifier = new Notifier({ config: { on: ['failure', 'recovery'], minIntervalMs: 0 }, logger });
      // Shell-sensitive characters: node-notifier builds a shell command line.
      const odd = 'src/$HOME `id` "q" back\\slash.test.ts';
      const summary = run([
        ['src/money.test.ts', 'failed'],
        [odd, 'timedout'],
        ['src/ok.test.ts', 'passed'],
      ]);
      await notifier.notifyRun(summary, before([[odd, 'failed']]));
      expect(lines.filter((line) => line.level >= 40)).toEqual([]);
    } finally {
      restoreEnv(saved);
    }
    expect(await daemon.history()).toEqual([
      {
        summary: 'vmwatch: 2 tests failed',
        body: 'new: src/money.test.ts · still failing: src/$HOME `id` "q" back\\slash.test.ts',
        appname: 'vmwatch',
      },
    ]);
  });

  it('rate limit: three fast runs reach the daemon as two notifications, the second summing up the rest', async () => {
    const saved = { DISPLAY: process.env.DISPLAY, DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS };
    Object.assign(process.env, daemon.env);
    const already = (await daemon.history()).length;
    try {
      const notifier = new Notifier({ config: { on: ['failure', 'recovery'], minIntervalMs: 300 } });
      await notifier.notifyRun(run([['x', 'failed']]), before([]));
      await notifier.notifyRun(
        run([
          ['x', 'failed'],
          ['y', 'failed'],
        ]),
        before([['x', 'failed']]),
      );
      await notifier.notifyRun(
        run([
          ['x', 'passed'],
          ['y', 'passed'],
        ]),
        before([
          ['x', 'failed'],
          ['y', 'failed'],
        ]),
      );
      await vi.waitFor(async () => expect((await daemon.history()).length).toBe(already + 2), { timeout: 10_000, interval: 100 });
    } finally {
      restoreEnv(saved);
    }
    expect((await daemon.history()).slice(already)).toEqual([
      { summary: 'vmwatch: 1 test failed', body: 'new: x', appname: 'vmwatch' },
      { summary: 'vmwatch: green again', body: 'fixed: x, y · (latest of 2 runs since the last notification)', appname: 'vmwatch' },
    ]);
  });

  it('stop() leaves no process behind', async () => {
    await daemon.stop();
    for (const pid of daemon.pids) {
      expect(() => process.kill(pid, 0)).toThrow();
      expect(() => process.kill(-pid, 0)).toThrow(); // nor anything in its process group
    }
    await expect(daemon.stop()).resolves.toBeUndefined();
  });
});
