import { renderStatusArea, type LiveState } from '../../report/statusArea.ts';
import { KEY_HELP, KeyParser, type KeyAction } from './keyInput.ts';
import { LiveArea } from './liveArea.ts';

/** Keys and a live status area need a terminal on both ends (and not VMWATCH_NO_TTY=1). */
export function interactiveTerminal(): boolean {
  return process.stdin.isTTY === true && process.stdout.isTTY === true && process.env.VMWATCH_NO_TTY !== '1';
}

/**
 * Watch mode on a TTY: raw keys (a f Enter p w q) and the status area under the log lines.
 * `stop` gives the terminal back as it was.
 */
export class Interactive {
  readonly #parser = new KeyParser();
  readonly #area: LiveArea;
  readonly #onAction: (action: KeyAction) => void;
  #showHelp = false;
  #onData = (data: Buffer): void => this.#feed(data.toString('utf8'));

  constructor(options: { state: () => Omit<LiveState, 'prompt' | 'help' | 'showHelp'>; onAction: (action: KeyAction) => void }) {
    this.#onAction = options.onAction;
    this.#area = new LiveArea(() =>
      renderStatusArea({ ...options.state(), prompt: this.#parser.prompt, help: KEY_HELP, showHelp: this.#showHelp }, { color: true }),
    );
  }

  start(): void {
    process.stdin.setRawMode(true);
    process.stdin.on('data', this.#onData);
    process.stdin.resume();
    this.#area.start();
  }

  stop(): void {
    this.#area.stop();
    process.stdin.off('data', this.#onData);
    if (process.stdin.isTTY) process.stdin.setRawMode(false);
    process.stdin.pause();
  }

  #feed(data: string): void {
    for (const action of this.#parser.feed(data)) {
      if (action.kind === 'help') this.#showHelp = !this.#showHelp;
      else if (action.kind !== 'prompt') this.#onAction(action);
    }
    this.#area.refresh();
  }
}
