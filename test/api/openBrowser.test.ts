import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { openBrowser } from '../../src/api/openBrowser.ts';

describe.skipIf(process.platform === 'darwin')('openBrowser', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vmwatch-open-'));
  const savedPath = process.env.PATH;
  afterAll(() => {
    process.env.PATH = savedPath;
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives the opener a page only this user can read, never the URL with its token (command lines are public)', async () => {
    const bin = path.join(dir, 'bin');
    const args = path.join(dir, 'args.txt');
    (await import('node:fs')).mkdirSync(bin);
    writeFileSync(path.join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$@" > ${JSON.stringify(args)}\n`);
    chmodSync(path.join(bin, 'xdg-open'), 0o755);
    process.env.PATH = `${bin}:${savedPath}`;
    const launcher = path.join(dir, 'daemons', 'p.open.html');
    const url = 'http://127.0.0.1:4567/?token=secret-token';
    expect(await openBrowser(url, launcher)).toBe(true);
    await vi.waitFor(() => expect(readFileSync(args, 'utf8')).toBe(`${launcher}\n`), { timeout: 10_000 });
    expect(statSync(launcher).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(launcher)).mode & 0o777).toBe(0o700);
    expect(readFileSync(launcher, 'utf8')).toContain(`location.replace("${url}")`);
  });
});
