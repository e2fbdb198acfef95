/**
 * A one-line progress display on a TTY (snapshot build, pool start, a run's tests done/total),
 * redrawn in place on stderr. Without a TTY each step is a plain line, and repeats are dropped.
 */
export class Progress {
  readonly #stream: NodeJS.WriteStream;
  readonly #tty: boolean;
  #shown = false;
  #last = '';

  constructor(stream: NodeJS.WriteStream = process.stderr) {
    this.#stream = stream;
    this.#tty = stream.isTTY === true && process.env.VMWATCH_NO_TTY !== '1';
  }

  /** Show `text` as the current step; `transient` steps (counters) are shown on a TTY only. */
  update(text: string, options: { transient?: boolean } = {}): void {
    if (text === this.#last || (options.transient === true && !this.#tty)) return;
    this.#last = text;
    if (this.#tty) {
      const width = this.#stream.columns ?? 100;
      this.#stream.write(`\r\x1b[2K${text.slice(0, Math.max(10, width - 1))}`);
      this.#shown = true;
    } else {
      this.#stream.write(`${text}\n`);
    }
  }

  /** Print a permanent line above the progress line. */
  log(line: string): void {
    this.clear();
    this.#stream.write(`${line}\n`);
  }

  clear(): void {
    if (this.#shown) this.#stream.write('\r\x1b[2K');
    this.#shown = false;
    this.#last = '';
  }
}
