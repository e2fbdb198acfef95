/** What a key asks the watcher to do (Jest's and Vitest's watch-mode keys). */
export type KeyAction =
  | { kind: 'runAll' }
  | { kind: 'rerunFailed' }
  | { kind: 'rerunLast' }
  | { kind: 'filter'; pattern: string }
  | { kind: 'help' }
  | { kind: 'openUi' }
  | { kind: 'quit' }
  | { kind: 'prompt'; text: string | null };

export const KEY_HELP = [
  'a run all',
  'f rerun failed',
  'Enter rerun last',
  'p filter by test id',
  'u open the dashboard',
  'w show keys',
  'q quit',
];

/**
 * Turns raw keystrokes into actions. `p` opens a one-line prompt for a test id pattern (Enter
 * applies it, an empty one clears the filter, Esc cancels); while it is open, keys are text.
 * Pure: the caller feeds it what stdin gave in raw mode.
 */
export class KeyParser {
  #prompt: string | null = null;

  /** The prompt's text while it is open, else null. */
  get prompt(): string | null {
    return this.#prompt;
  }

  feed(data: string): KeyAction[] {
    const actions: KeyAction[] = [];
    for (const key of splitKeys(data)) {
      if (key === '\x03') {
        // Raw mode swallows Ctrl-C's signal: it still means stop.
        actions.push({ kind: 'quit' });
        continue;
      }
      if (this.#prompt !== null) {
        actions.push(...this.#promptKey(key));
        continue;
      }
      const action = commandKey(key);
      if (action) actions.push(action);
      if (key === 'p') {
        this.#prompt = '';
        actions.push({ kind: 'prompt', text: '' });
      }
    }
    return actions;
  }

  #promptKey(key: string): KeyAction[] {
    if (key === '\r' || key === '\n') {
      const pattern = this.#prompt!.trim();
      this.#prompt = null;
      return [
        { kind: 'prompt', text: null },
        { kind: 'filter', pattern },
      ];
    }
    if (key === '\x1b') {
      this.#prompt = null;
      return [{ kind: 'prompt', text: null }];
    }
    if (key === '\x7f' || key === '\b') this.#prompt = this.#prompt!.slice(0, -1);
    else if (key.length === 1 && key >= ' ') this.#prompt += key;
    else return [];
    return [{ kind: 'prompt', text: this.#prompt }];
  }
}

function commandKey(key: string): KeyAction | null {
  switch (key) {
    case 'a':
      return { kind: 'runAll' };
    case 'f':
      return { kind: 'rerunFailed' };
    case '\r':
    case '\n':
      return { kind: 'rerunLast' };
    case 'u':
      return { kind: 'openUi' };
    case 'w':
    case '?':
      return { kind: 'help' };
    case 'q':
      return { kind: 'quit' };
    default:
      return null;
  }
}

/** One key per item; escape sequences (arrows, F-keys) kept whole so they are ignored as one. */
function splitKeys(data: string): string[] {
  const keys: string[] = [];
  for (let i = 0; i < data.length; i++) {
    if (data[i] === '\x1b' && data[i + 1] === '[') {
      let j = i + 2;
      while (j < data.length && !/[A-Za-z~]/.test(data[j]!)) j++;
      keys.push(data.slice(i, j + 1));
      i = j;
    } else {
      keys.push(data[i]!);
    }
  }
  return keys;
}
