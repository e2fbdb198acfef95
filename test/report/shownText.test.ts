import { describe, expect, it } from 'vitest';
import { renderStatusArea } from '../../src/report/statusArea.ts';
import { shownText } from '../../src/report/shownText.ts';
import { formatTestLine } from '../../src/report/terminal.ts';
import { testArtifactsDir } from '../../src/schedule/runId.ts';

/** A file name a hostile test could create: clears the screen, retitles the terminal, rings. */
const HOSTILE = 'src/\x1b[2J\x1b]0;owned\x07x\n.test.ts';

describe('file names reach the terminal escaped', () => {
  it('control characters and ESC become visible escapes; ordinary text is untouched', () => {
    expect(shownText(HOSTILE)).toBe('src/\\x1b[2J\\x1b]0;owned\\x07x\\n.test.ts');
    expect(shownText('src/ünï códe\\a.test.ts')).toBe('src/ünï códe\\a.test.ts');
    expect(shownText('\x9b\x7f\t\r')).toBe('\\x9b\\x7f\\t\\r');
  });

  it('a test line and the status area show the escaped name, with no raw ESC but their own colors', () => {
    const line = formatTestLine({
      id: HOSTILE,
      status: 'error',
      exitCode: null,
      durationMs: 5,
      vm: null,
      reasons: [],
      artifactsDir: testArtifactsDir('/app/test-runs/r1', 'x'),
      error: 'boom \x1b[31m',
    });
    expect(line).toContain('src/\\x1b[2J\\x1b]0;owned\\x07x\\n.test.ts');
    expect(line).not.toMatch(/[\x00-\x1f]/);
    const area = renderStatusArea({
      machines: [],
      queued: [],
      running: [{ id: HOSTILE, vm: null, startedAt: 0 }],
      lastRun: null,
      filter: null,
      prompt: null,
      help: [],
      showHelp: false,
      now: 1000,
      cwd: '/app',
    } as unknown as Parameters<typeof renderStatusArea>[0]);
    const running = area.find((l) => l.includes('running'));
    expect(running).toContain('\\x1b[2J');
    expect(running).not.toContain('\x1b[2J');
  });
});
