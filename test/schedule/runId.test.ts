import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRunDir, testArtifactsDir, testFolderName, testIdOfFolder } from '../../src/schedule/runId.ts';

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

  it('a test folder is tests/<one name>: nothing escapes, no reserved run-root name can be hit', () => {
    expect(testArtifactsDir('/r', 'src/money.test.ts')).toBe('/r/tests/src%2Fmoney.test.ts');
    expect(testArtifactsDir('/r', '../../etc/passwd')).toBe('/r/tests/%2E.%2F..%2Fetc%2Fpasswd');
    expect(testArtifactsDir('/r', 'summary.json')).toBe('/r/tests/summary.json');
    for (const id of ['.', '..', '', '/', 'a/../..']) {
      const name = testFolderName(id);
      expect(name, id).not.toMatch(/^\.\.?$|\/|^$/);
    }
  });

  it('different ids never share a folder: ../x, ü precomposed and decomposed, a and a/b, case, lone surrogates', () => {
    const ids = [
      'x',
      '../x',
      './x',
      '%2Fx',
      '/x',
      'x/',
      'ü',
      'u\u0308',
      'ö',
      'a',
      'a/b',
      'a%2Fb',
      'A',
      'a b',
      'a_b',
      '^a',
      'a~',
      '\uD800',
      '\uFFFD',
      '😀',
      '.hidden',
      '%',
      '',
      'x'.repeat(300),
      `${'x'.repeat(300)}y`,
    ];
    const names = ids.map(testFolderName);
    expect(new Set(names).size).toBe(ids.length);
    // and case-insensitively (macOS disks), and on disks that normalise Unicode
    expect(new Set(names.map((n) => n.toLowerCase().normalize('NFC'))).size).toBe(ids.length);
    for (const n of names) expect(Buffer.byteLength(n)).toBeLessThanOrEqual(200);
  });

  it('the folder name decodes back to the id', () => {
    for (const id of ['src/money.test.ts', '../x', 'ü', 'u\u0308', 'Tests/TestFoo.py', 'a b/c:d*e', '\uD800x', '😀/%41', '.env', '']) {
      expect(testIdOfFolder(testFolderName(id)), id).toBe(id);
    }
    expect(testIdOfFolder(testFolderName('y'.repeat(300)))).toBeNull();
    expect(testIdOfFolder('%2e')).toBeNull();
  });
});
