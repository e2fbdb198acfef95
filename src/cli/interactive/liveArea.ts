type Write = typeof process.stdout.write;

/**
 * A block of status lines kept at the bottom of the terminal (like log-update): every other
 * write to stdout or stderr while it is active first erases the block, then the block is drawn
 * again under it. TTY only; `stop` restores the streams and leaves the last lines on screen.
 */
export class LiveArea {
  readonly #render: () => string[];
  readonly #out: NodeJS.WriteStream;
  #drawn = 0;
  #timer: NodeJS.Timeout | undefined;
  #pending: NodeJS.Immediate | undefined;
  #originals: { stdout: Write; stderr: Write } | undefined;

  constructor(render: () => string[], out: NodeJS.WriteStream = process.stdout) {
    this.#render = render;
    this.#out = out;
  }

  start(intervalMs = 500): void {
    if (this.#originals) return;
    this.#originals = { stdout: process.stdout.write.bind(process.stdout), stderr: process.stderr.write.bind(process.stderr) };
    for (const name of ['stdout', 'stderr'] as const) {
      const original = this.#originals[name];
      process[name].write = ((...args: Parameters<Write>) => {
        this.#erase();
        const ok = original(...args);
        this.refresh();
        return ok;
      }) as Write;
    }
    this.#timer = setInterval(() => this.refresh(), intervalMs);
    this.#timer.unref();
    this.#draw();
  }

  /** Redraw soon (coalesced). */
  refresh(): void {
    if (!this.#originals || this.#pending) return;
    this.#pending = setImmediate(() => {
      this.#pending = undefined;
      this.#erase();
      this.#draw();
    });
  }

  stop(): void {
    if (!this.#originals) return;
    clearInterval(this.#timer);
    if (this.#pending) clearImmediate(this.#pending);
    this.#pending = undefined;
    this.#erase();
    process.stdout.write = this.#originals.stdout;
    process.stderr.write = this.#originals.stderr;
    this.#originals = undefined;
  }

  #erase(): void {
    if (this.#drawn === 0 || !this.#originals) return;
    this.#originals.stdout(`\x1b[${this.#drawn}A\r\x1b[J`);
    this.#drawn = 0;
  }

  #draw(): void {
    if (!this.#originals) return;
    const width = Math.max(20, (this.#out.columns ?? 100) - 1);
    const lines = this.#render().map((line) => truncate(line, width));
    if (lines.length === 0) return;
    this.#originals.stdout(`${lines.join('\n')}\n`);
    this.#drawn = lines.length;
  }
}

/** Cut to `width` visible characters, keeping ANSI color codes out of the count. */
export function truncate(line: string, width: number): string {
  let visible = 0;
  let out = '';
  for (let i = 0; i < line.length; i++) {
    const esc = /^\x1b\[[0-9;]*m/.exec(line.slice(i));
    if (esc) {
      out += esc[0];
      i += esc[0].length - 1;
      continue;
    }
    if (visible >= width) continue;
    out += line[i];
    visible++;
  }
  return out;
}
