/**
 * Per-file progress of a batch: which test file the runner is running now. Each adapter's runner
 * prints one line when it starts a file and one when it is done with it, in its ordinary output:
 *
 *   [vmwatch] started "src/money.test.ts"
 *   [vmwatch] finished "src/money.test.ts"
 *
 * The name is a JSON string (a hostile name cannot break the line) and may be absolute or
 * relative; the host maps it to a batch file by suffix. The host gives each file its own
 * `timeoutMs` of running time from these lines (schedule/BatchClock.ts) and stops the batch when
 * one runs out. No verdict comes from them: a test can print such a line too (and so stop its
 * batch early, or keep it going up to the sum of its files' timeouts), so a file that ran out of
 * time in a batch runs again alone, where its own timeout decides.
 */

export type ProgressEvent = { kind: 'started' | 'finished'; file: string };

const MARK = /\[vmwatch\] (started|finished) ("(?:[^"\\\n]|\\.)*")/g;

/** The line a runner prints (shell, Python and JS emitters build the same text). */
export function progressLine(kind: ProgressEvent['kind'], file: string): string {
  return `[vmwatch] ${kind} ${JSON.stringify(file)}\n`;
}

/** Keep at most this much of a line that has no end yet: a marker is short, output may be one huge line. */
const MAX_PENDING = 8192;

/**
 * Reads progress lines out of a command's output as it streams, in chunks cut anywhere. A marker
 * may sit anywhere in a line (a reporter may print after another's partial line).
 */
export class ProgressReader {
  #pending = '';
  #ended = false;
  readonly #decoder = new TextDecoder();
  readonly #onEvent: (event: ProgressEvent) => void;

  constructor(onEvent: (event: ProgressEvent) => void) {
    this.#onEvent = onEvent;
  }

  push(chunk: Buffer | string): void {
    if (this.#ended) return;
    this.#pending += typeof chunk === 'string' ? chunk : this.#decoder.decode(chunk, { stream: true });
    const lastNl = this.#pending.lastIndexOf('\n');
    if (lastNl >= 0) {
      this.#scan(this.#pending.slice(0, lastNl));
      this.#pending = this.#pending.slice(lastNl + 1);
    }
    if (this.#pending.length > MAX_PENDING) {
      // A line without end: what is let go is read first (a marker wholly inside it still counts).
      const cut = this.#pending.length - MAX_PENDING;
      this.#scan(this.#pending.slice(0, cut));
      this.#pending = this.#pending.slice(cut);
    }
  }

  /** The output ended: a last line without a newline is read too. */
  end(): void {
    if (this.#ended) return;
    this.#scan(this.#pending + this.#decoder.decode());
    this.#pending = '';
    this.#ended = true;
  }

  #scan(text: string): void {
    for (const match of text.matchAll(MARK)) {
      let file: unknown;
      try {
        file = JSON.parse(match[2]!);
      } catch {
        continue;
      }
      if (typeof file === 'string' && file !== '') this.#onEvent({ kind: match[1] as ProgressEvent['kind'], file });
    }
  }
}
