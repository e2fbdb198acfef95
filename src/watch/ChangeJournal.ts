import picomatch from 'picomatch';

/**
 * Every path the watcher reported, with when: so a machine synced at time T needs only the files
 * changed since T (rsync --files-from) instead of a walk of the whole tree. It answers null — sync
 * everything — when it cannot vouch for the answer: T before the journal started or before what
 * it still keeps, or a change to something whose effects reach past the file itself (a lockfile or
 * package.json: installs change folders the watcher does not watch).
 */
export class ChangeJournal {
  readonly #changes = new Map<string, number>();
  readonly #startedAt = Date.now();
  readonly #fullSyncOn: (file: string) => boolean;
  readonly #keepMs: number;
  readonly #slackMs: number;
  #horizon = this.#startedAt;

  constructor(options: { fullSyncOn: string[]; keepMs?: number; slackMs?: number }) {
    this.#fullSyncOn = picomatch(options.fullSyncOn, { dot: true });
    this.#keepMs = options.keepMs ?? 10 * 60_000;
    // An event can arrive a little after the write it reports, and rsync's quick check cannot
    // tell same-size writes within the same second: resend what changed just before T too.
    this.#slackMs = options.slackMs ?? 2_000;
  }

  record(file: string, at = Date.now()): void {
    this.#changes.set(file, at);
    if (this.#changes.size > 50_000 || at - this.#horizon > 2 * this.#keepMs) this.#prune(at);
  }

  changesSince(at: number): string[] | null {
    if (at - this.#slackMs < this.#horizon) return null;
    const files: string[] = [];
    for (const [file, when] of this.#changes) {
      if (when < at - this.#slackMs) continue;
      if (this.#fullSyncOn(file)) return null;
      files.push(file);
    }
    return files.sort();
  }

  #prune(now: number): void {
    this.#horizon = now - this.#keepMs;
    for (const [file, when] of this.#changes) if (when < this.#horizon) this.#changes.delete(file);
  }
}
