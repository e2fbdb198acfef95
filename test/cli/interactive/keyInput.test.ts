import { describe, expect, it } from 'vitest';
import { KeyParser } from '../../../src/cli/interactive/keyInput.ts';
import { truncate } from '../../../src/cli/interactive/liveArea.ts';

describe('KeyParser', () => {
  it('maps the watch-mode keys, ignores others and escape sequences', () => {
    const k = new KeyParser();
    expect(k.feed('afuwq\r').map((a) => a.kind)).toEqual(['runAll', 'rerunFailed', 'openUi', 'help', 'quit', 'rerunLast']);
    expect(k.feed('x\x1b[A\x1b[15~z')).toEqual([]);
    expect(k.feed('\x03')).toEqual([{ kind: 'quit' }]);
  });

  it('p opens a prompt: keys become text, backspace edits, Enter applies, Esc cancels', () => {
    const k = new KeyParser();
    expect(k.feed('p')).toEqual([{ kind: 'prompt', text: '' }]);
    expect(k.prompt).toBe('');
    k.feed('moneyq');
    expect(k.prompt).toBe('moneyq');
    k.feed('\x7f');
    expect(k.feed('\r')).toEqual([
      { kind: 'prompt', text: null },
      { kind: 'filter', pattern: 'money' },
    ]);
    expect(k.prompt).toBeNull();
    k.feed('pab');
    expect(k.feed('\x1b')).toEqual([{ kind: 'prompt', text: null }]);
    expect(k.feed('a')).toEqual([{ kind: 'runAll' }]);
    expect(k.feed('p\r')).toEqual([
      { kind: 'prompt', text: '' },
      { kind: 'prompt', text: null },
      { kind: 'filter', pattern: '' },
    ]);
  });
});

describe('truncate', () => {
  it('cuts at the visible width and keeps color codes', () => {
    expect(truncate('abcdef', 3)).toBe('abc');
    expect(truncate('\x1b[31mabcdef\x1b[39m', 4)).toBe('\x1b[31mabcd\x1b[39m');
  });
});
