import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { errorMessage } from '../errors.ts';

const APPEND_NO_LINK = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW;

/**
 * A command's output streamed into a log file with a cap: the first half of `maxBytes` goes to
 * disk as it comes, the last half is kept in memory (and only that: memory does not grow with the
 * output), and at the end a line saying how many bytes were dropped between them, then the tail.
 * It never stops consuming: a write that fails (disk full) is remembered in `writeError` and the
 * rest is drained and discarded, so the command never sees a closed pipe because of vmwatch.
 */
export class CappedLog extends Writable {
  readonly #handle: FileHandle;
  readonly #maxBytes: number;
  #headLeft: number;
  readonly #tailLimit: number;
  #tail: Buffer[] = [];
  #tailBytes = 0;
  #dropped = 0;
  /** Why the log could not be written (the output went on being drained). */
  writeError: string | undefined;

  constructor(handle: FileHandle, maxBytes: number) {
    super();
    this.#handle = handle;
    this.#maxBytes = maxBytes;
    this.#headLeft = Number.isFinite(maxBytes) ? Math.ceil(maxBytes / 2) : Infinity;
    this.#tailLimit = Number.isFinite(maxBytes) ? maxBytes - this.#headLeft : 0;
  }

  /** Bytes of output left out of the log. */
  get dropped(): number {
    return this.#dropped;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    if (this.#headLeft <= 0) {
      this.#keepTail(chunk);
      done();
      return;
    }
    const head = chunk.subarray(0, Math.min(chunk.length, this.#headLeft));
    this.#headLeft -= head.length;
    this.#write(head).then(() => {
      this.#keepTail(chunk.subarray(head.length));
      done();
    }, done);
  }

  override _final(done: (err?: Error | null) => void): void {
    const end = async (): Promise<void> => {
      if (this.#dropped > 0) {
        const mib = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MiB`;
        await this.#write(
          Buffer.from(
            `\n[vmwatch: ${this.#dropped} bytes of output dropped here (${mib(this.#dropped)}); ` +
              `output.maxBytes is ${this.#maxBytes}: the log keeps the first and the last ${mib(this.#tailLimit)}]\n`,
          ),
        );
      }
      for (const part of this.#tail) await this.#write(part);
      this.#tail = [];
      await this.#handle.close().catch(() => {});
    };
    end().then(() => done(), done);
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    this.#handle.close().then(
      () => done(err),
      () => done(err),
    );
  }

  async #write(bytes: Buffer): Promise<void> {
    if (this.writeError !== undefined || bytes.length === 0) return;
    try {
      for (let at = 0; at < bytes.length; ) at += (await this.#handle.write(bytes, at, bytes.length - at)).bytesWritten;
    } catch (err) {
      this.writeError = errorMessage(err);
    }
  }

  #keepTail(bytes: Buffer): void {
    if (bytes.length === 0) return;
    if (this.#tailLimit === 0) {
      this.#dropped += bytes.length;
      return;
    }
    // A copy: a slice would keep the whole chunk it came from alive.
    this.#tail.push(Buffer.from(bytes));
    this.#tailBytes += bytes.length;
    let over = this.#tailBytes - this.#tailLimit;
    while (over > 0) {
      const first = this.#tail[0]!;
      const cut = Math.min(first.length, over);
      if (cut === first.length) this.#tail.shift();
      else this.#tail[0] = first.subarray(cut);
      this.#tailBytes -= cut;
      this.#dropped += cut;
      over -= cut;
    }
  }
}

/** Open `file` for appending (never through a symlink) as a CappedLog; `maxBytes` Infinity for no cap. */
export async function openCappedLog(file: string, maxBytes: number): Promise<CappedLog> {
  return new CappedLog(await open(file, APPEND_NO_LINK, 0o644), maxBytes);
}
