import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readResultsFrame, resultsRequest } from '../../../src/schedule/warm/resultsFrame.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'vmwatch-frame-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A frame as the warm runners print it. */
function frame(nonce: string, body: unknown): string {
  const json = JSON.stringify(body);
  return `\nvmwatch warm runner: results ${nonce} ${Buffer.byteLength(json)}\n${json}\n`;
}

let n = 0;
function log(text: string): string {
  const file = path.join(dir, `log-${++n}`);
  writeFileSync(file, text);
  return file;
}

const report = Buffer.from('{"testResults":[]}').toString('base64');

describe('the results frame of a warm runner', () => {
  it('is read from the log with its byte range, output after it included', async () => {
    const before = 'RUN v4\n ✓ a.test.ts\n';
    const text = before + frame('n1', { complete: true, files: { 'vitest.json': report } }) + 'closing\n';
    const got = await readResultsFrame(log(text), 'n1');
    expect(got?.files?.get('vitest.json')?.toString()).toBe('{"testResults":[]}');
    expect(got?.start).toBe(Buffer.byteLength(before));
    expect(Buffer.from(text).subarray(got!.end).toString()).toBe('closing\n');
  });

  it("is not taken from a test's output: another nonce, or a copy printed before the real one", async () => {
    const fake = frame('guess', { complete: true, files: { 'vitest.json': 'ZmFrZQ==' } });
    expect(await readResultsFrame(log(fake), 'n2')).toBeNull();
    const real = frame('n2', { complete: true, files: { 'vitest.json': report } });
    const got = await readResultsFrame(log(fake + real), 'n2');
    expect(got?.files?.get('vitest.json')?.toString()).toBe('{"testResults":[]}');
  });

  it('has no files when cut or malformed, and its range still covers it (to the end of a cut log)', async () => {
    const whole = frame('n3', { complete: true, files: { 'vitest.json': report } });
    const cut = `before${whole.slice(0, -5)}`;
    expect(await readResultsFrame(log(cut), 'n3')).toEqual({ files: null, noArtifacts: false, start: 6, end: Buffer.byteLength(cut) });
    expect(await readResultsFrame(log(`x${whole.replace('"complete"', '"complete" ')}`), 'n3')).toMatchObject({ files: null, start: 1 });
    const quoted = whole.replace('"complete"', "'complete'");
    expect(await readResultsFrame(log(`${quoted}after\n`), 'n3')).toEqual({
      files: null,
      noArtifacts: false,
      start: 0,
      end: Buffer.byteLength(quoted),
    });
    expect(await readResultsFrame(log('no frame here\n'), 'n3')).toBeNull();
    expect(await readResultsFrame(path.join(dir, 'missing'), 'n3')).toBeNull();
  });

  it('has no files when incomplete, or when it names a file that is not a plain name (the folder is then copied out)', async () => {
    expect(await readResultsFrame(log(frame('n4', { complete: false })), 'n4')).toMatchObject({ files: null });
    for (const name of ['../x.json', '..', 'a/b.json', '.'])
      expect(await readResultsFrame(log(frame('n4', { complete: true, files: { [name]: report } })), 'n4')).toMatchObject({ files: null });
  });

  it('says the artifacts folder is absent only in a whole frame that says so, next to its files', async () => {
    const absent = frame('n5', { complete: true, files: {}, artifacts: 'absent' });
    expect(await readResultsFrame(log(absent), 'n5')).toMatchObject({ files: new Map(), noArtifacts: true });
    expect(await readResultsFrame(log(frame('n5', { complete: false, artifacts: 'absent' })), 'n5')).toMatchObject({
      files: null,
      noArtifacts: true,
    });
    expect(await readResultsFrame(log(frame('n5', { complete: true, files: {}, artifacts: true })), 'n5')).toMatchObject({
      noArtifacts: false,
    });
    expect(await readResultsFrame(log(absent.slice(0, -3)), 'n5')).toMatchObject({ noArtifacts: false });
    expect(resultsRequest('.r', undefined, 'test-runs').artifacts).toBe('test-runs');
  });

  it('is asked for with a fresh nonce, within a quarter of the output cap', () => {
    const a = resultsRequest('.vmwatch-results', 1_000_000);
    const b = resultsRequest('.vmwatch-results', undefined);
    expect(a.nonce).toMatch(/^[0-9a-f]{32}$/);
    expect(a.nonce).not.toBe(b.nonce);
    expect(a.maxBytes).toBe(250_000);
    expect(b.maxBytes).toBe(4 * 1024 * 1024);
  });
});
