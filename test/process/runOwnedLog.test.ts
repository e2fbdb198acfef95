import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runOwned } from '../../src/process/runOwned.ts';

describe('runOwned with a log file', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'vmwatch-runowned-log-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a log that cannot be written (disk full: /dev/full) is reported, and the command still runs to its own exit code', async () => {
    const r = await runOwned('/bin/sh', ['-c', 'head -c 5000000 /dev/zero; echo done >&2; exit 3'], {
      output: { appendTo: '/dev/full', maxBytes: 1_000_000 },
    });
    expect(r.exitCode).toBe(3);
    expect(r.logError).toMatch(/could not write \/dev\/full: .*ENOSPC/);
  });

  it('keeps the head and the tail within maxBytes, stdout and stderr in order, with the dropped-bytes line', async () => {
    const log = path.join(dir, 'output.log');
    writeFileSync(log, 'header\n');
    const r = await runOwned(
      '/bin/sh',
      ['-c', 'echo start; echo err >&2; i=0; while [ $i -lt 2000 ]; do echo line-$i-xxxxxxxxxxxxxxxxxxxxxxxx; i=$((i+1)); done; echo end'],
      { output: { appendTo: log, maxBytes: 4096 } },
    );
    expect(r.exitCode).toBe(0);
    const text = readFileSync(log, 'utf8');
    expect(text.startsWith('header\nstart\nerr\nline-0-')).toBe(true);
    expect(text.endsWith('line-1999-xxxxxxxxxxxxxxxxxxxxxxxx\nend\n')).toBe(true);
    expect(text).toMatch(/\n\[vmwatch: \d+ bytes of output dropped here/);
    expect(Buffer.byteLength(text)).toBeLessThan(4096 + 300);
  });

  it('never writes through a symlink at the log path', async () => {
    const victim = path.join(dir, 'victim');
    writeFileSync(victim, 'untouched\n');
    symlinkSync(victim, path.join(dir, 'output.log'));
    await expect(runOwned('/bin/sh', ['-c', 'echo hi'], { output: { appendTo: path.join(dir, 'output.log') } })).rejects.toThrow(/ELOOP/);
    expect(readFileSync(victim, 'utf8')).toBe('untouched\n');
  });
});
