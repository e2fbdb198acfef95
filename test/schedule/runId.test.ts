import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRunDir, testArtifactsDir } from '../../src/schedule/runId.ts';

describe('run folders', () => {
  let into: string;
  beforeEach(() => (into = mkdtempSync(path.join(tmpdir(), 'vmwatch-runs-'))));
  afterEach(() => rmSync(into, { recursive: true, force: true }));

  it('never reuses a run folder, even within the same millisecond', async () => {
    const at = new Date(2026, 10, 25, 9, 8, 7, 6);
    const runs = await Promise.all([createRunDir(into, at), createRunDir(into, at), createRunDir(into, at)]);
    expect(runs.map((r) => r.runId).sort()).toEqual(['20261125-090807-006', '20261125-090807-006-1', '20261125-090807-006-2']);
    for (const r of runs) expect(existsSync(r.runDir)).toBe(true);
  });

  it('nests test ids as paths but never escapes the run folder', () => {
    expect(testArtifactsDir('/r', 'src/money.test.ts')).toBe('/r/src/money.test.ts');
    expect(testArtifactsDir('/r', '../../etc/passwd')).toBe('/r/etc/passwd');
    expect(testArtifactsDir('/r', 'a:b*c')).toBe('/r/a_b_c');
    expect(testArtifactsDir('/r', '..')).toBe('/r/_');
  });
});
