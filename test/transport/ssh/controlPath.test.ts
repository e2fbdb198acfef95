import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { controlDir, fitsSocketPath, newControlPath } from '../../../src/transport/ssh/controlPath.ts';

describe('control socket paths', () => {
  it('live under the vmwatch home when it is short enough', () => {
    expect(controlDir('/home/me/.vmwatch', 501)).toBe('/home/me/.vmwatch/cm');
  });

  it('move to a private /tmp folder, one per home, when the home is too deep for a unix socket', () => {
    const deep = `/Users/someone/${'very-long-folder-name/'.repeat(5)}.vmwatch`;
    const dir = controlDir(deep, 501);
    expect(dir).toMatch(/^\/tmp\/vmwatch-501-cm\/[0-9a-f]{8}$/);
    expect(controlDir(`${deep}2`, 501)).not.toBe(dir);
    expect(fitsSocketPath(path.join(dir, 'x'.repeat(12)))).toBe(true);
  });

  it('are fresh for each master and short enough for ssh (which adds 17 characters while binding)', async () => {
    const home = mkdtempSync(path.join(tmpdir(), 'vmwatch-cp-'));
    try {
      const a = await newControlPath(home);
      const b = await newControlPath(home);
      expect(a).not.toBe(b);
      expect(Buffer.byteLength(a) + 17).toBeLessThan(104);
      const deepHome = path.join(home, 'x'.repeat(80));
      const c = await newControlPath(deepHome);
      expect(c.startsWith('/tmp/vmwatch-')).toBe(true);
      expect(Buffer.byteLength(c) + 17).toBeLessThan(104);
      rmSync(path.dirname(c), { recursive: true, force: true });
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
