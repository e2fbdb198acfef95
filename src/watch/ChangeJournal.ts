import picomatch from 'picomatch';

/**
 * Every path the watcher reported, with when: so a machine synced at time T needs only the files
 * changed since T (rsync --files-from) instead of a walk of the whole tree. It answers null — sync
 * everything — when it cannot vouch for the answer: T before the journal started (the watcher was
 * not ready: a write then went unrecorded), T too close to what it has forgotten (the slack reaches
 * back into it), or a change to something whose effects reach past the file itself (a lockfile or
 * package.json: installs change folders the watcher does not watch).
 *
 * A sync that starts after the journal copies every file as it is then, so writes before the
 * journal started are in it: a machine synced right after start-up is answered from its first test.
 */
export class ChangeJournal {
  readonly #changes = new Map<string, number>();
  readonly #startedAt = Date.now();
  readonly #fullSyncOn: (file: string) => boolean;
  readonly #keepMs: number;
  readonly #slackMs: number;
  /** Entries older than this have been dropped. */
  #forgottenBefore = Number.NEGATIVE_INFINITY;

  constructor(options: { fullSyncOn: string[]; keepMs?: number; slackMs?: number }) {
    this.#fullSyncOn = picomatch(options.fullSyncOn, { dot: true });
    this.#keepMs = options.keepMs ?? 10 * 60_000;
    // An event can arrive a little after the write it reports, and rsync's quick check cannot
    // tell same-size writes within the same second: resend what changed just before T too.
    this.#slackMs = options.slackMs ?? 2_000;
  }

  record(file: string, at = Date.now()): void {
    this.#changes.set(file, at);
    const kept = Number.isFinite(this.#forgottenBefore) ? this.#forgottenBefore : this.#startedAt;
    if (this.#changes.size > 50_000 || at - kept > 2 * this.#keepMs) this.#prune(at);
  }

  changesSince(at: number): string[] | null {
    if (at < this.#startedAt || at - this.#slackMs < this.#forgottenBefore) return null;
    const files: string[] = [];
    for (const [file, when] of this.#changes) {
      if (when < at - this.#slackMs) continue;
      if (this.#fullSyncOn(file)) return null;
      files.push(file);
    }
    return files.sort();
  }

  #prune(now: number): void {
    this.#forgottenBefore = now - this.#keepMs;
    for (const [file, when] of this.#changes) if (when < this.#forgottenBefore) this.#changes.delete(file);
  }
}
