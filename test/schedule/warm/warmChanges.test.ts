import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WARM_MAX_BYTES, WARM_MAX_FILES, warmChanges } from '../../../src/schedule/warm/warmChanges.ts';

describe('warmChanges', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'vmwatch-warm-changes-'));
    mkdirSync(path.join(root, 'src'));
    writeFileSync(path.join(root, 'src/a.js'), 'a');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('reads changed files (content and mode), lists deleted ones, and leaves excluded paths out', async () => {
    const changes = await warmChanges(root, ['src/a.js', 'src/gone.js', 'node_modules/x/index.js'], ['vitest.config.*'], ['/node_modules']);
    expect(changes).toEqual({
      write: [{ path: 'src/a.js', base64: Buffer.from('a').toString('base64'), mode: expect.any(Number) }],
      remove: ['src/gone.js'],
    });
  });

  it('goes cold when the changes are unknown, touch a loaded input, are links or folders, or are too many', async () => {
    expect(await warmChanges(root, null, [], [])).toEqual({ cold: expect.stringMatching(/not known/) });
    writeFileSync(path.join(root, 'vitest.config.ts'), 'x');
    expect(await warmChanges(root, ['vitest.config.ts'], ['vitest.config.*'], [])).toEqual({
      cold: expect.stringMatching(/vitest\.config\.ts changed, and the warm runner has loaded it/),
    });
    symlinkSync('a.js', path.join(root, 'src/link.js'));
    expect(await warmChanges(root, ['src/link.js'], [], [])).toEqual({ cold: 'src/link.js is not a plain file' });
    expect(await warmChanges(root, ['src'], [], [])).toEqual({ cold: 'src is not a plain file' });
    const many = Array.from({ length: WARM_MAX_FILES + 1 }, (_, i) => `src/gone-${i}.js`);
    expect(await warmChanges(root, many, [], [])).toEqual({ cold: expect.stringMatching(/more than 200/) });
    writeFileSync(path.join(root, 'src/big.bin'), Buffer.alloc(WARM_MAX_BYTES + 1));
    expect(await warmChanges(root, ['src/big.bin'], [], [])).toEqual({ cold: expect.stringMatching(/larger than/) });
  });

  it('goes cold for a file the runner said it loaded, matched exactly (a name with glob characters is no glob)', async () => {
    writeFileSync(path.join(root, 'src/[id].js'), 'x');
    writeFileSync(path.join(root, 'src/i.js'), 'x');
    const loaded = new Set(['src/[id].js']);
    expect(await warmChanges(root, ['src/[id].js'], [], [], loaded)).toEqual({
      cold: 'src/[id].js changed, and the warm runner has loaded it',
    });
    expect(await warmChanges(root, ['src/i.js'], [], [], loaded)).toMatchObject({ write: [{ path: 'src/i.js' }] });
  });
});
