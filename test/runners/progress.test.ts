import { describe, expect, it } from 'vitest';
import { type ProgressEvent, ProgressReader, progressLine } from '../../src/runners/progress.ts';

function read(chunks: Array<string | Buffer>, end = true): ProgressEvent[] {
  const events: ProgressEvent[] = [];
  const reader = new ProgressReader((e) => events.push(e));
  for (const chunk of chunks) reader.push(chunk);
  if (end) reader.end();
  return events;
}

describe('ProgressReader', () => {
  it('reads the lines a runner prints, cut anywhere, also inside a multi-byte character', () => {
    const text = `out\n${progressLine('started', 'src/ü.test.ts')}more output\n${progressLine('finished', 'src/ü.test.ts')}`;
    const bytes = Buffer.from(text);
    const chunks = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
    expect(read(chunks)).toEqual([
      { kind: 'started', file: 'src/ü.test.ts' },
      { kind: 'finished', file: 'src/ü.test.ts' },
    ]);
  });

  it('finds a marker after another reporter left a line unfinished, and a last line without a newline only at the end', () => {
    expect(read(['✓ a.test.ts (1 test)[vmwatch] started "a.test.ts"\n'])).toEqual([{ kind: 'started', file: 'a.test.ts' }]);
    expect(read(['[vmwatch] finished "a.test.ts"'], false)).toEqual([]);
    expect(read(['[vmwatch] finished "a.test.ts"'])).toEqual([{ kind: 'finished', file: 'a.test.ts' }]);
  });

  it('keeps a hostile name whole (quotes, backslashes, a newline) and ignores what is not a marker', () => {
    const name = 'we"ird\\na\nme.test.ts';
    expect(read([progressLine('started', name)])).toEqual([{ kind: 'started', file: name }]);
    expect(
      read(['[vmwatch] started unquoted.ts\n', '[vmwatch] started ""\n', '[vmwatch] begun "a.ts"\n', '[vmwatch] started "\\x"\n']),
    ).toEqual([]);
  });

  it('in a line that never ends (only its last 8 KiB are held), reads a marker from the part let go and one after it', () => {
    const events: ProgressEvent[] = [];
    const counting = new ProgressReader((e) => events.push(e));
    counting.push(`${'x'.repeat(100)}[vmwatch] started "a.ts"`);
    for (let i = 0; i < 200; i++) {
      counting.push('y'.repeat(10_000));
    }
    expect(events).toEqual([{ kind: 'started', file: 'a.ts' }]);
    counting.push('[vmwatch] finished "a.ts"\n');
    expect(events).toEqual([
      { kind: 'started', file: 'a.ts' },
      { kind: 'finished', file: 'a.ts' },
    ]);
  });
});
