import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { MachineError, VmwatchError } from '../../errors.ts';
import { logger } from '../../log.ts';
import { requireTool } from '../../process/tools.ts';
import type { Provider } from '../types.ts';
import type { SandboxEndpoint } from '../../transport/types.ts';
import { SnapshotMissingError } from '../SnapshotMissingError.ts';
import { sandboxDirs } from './sandboxDirs.ts';
import { commitSandboxSnapshot } from './commitSnapshot.ts';

const log = logger('sandbox');

/**
 * Linux machines made of bubblewrap + overlayfs: a machine is a writable layer over the snapshot
 * tree (copy-on-write, like an APFS clone); revert drops the layer. Nothing runs while a machine
 * is idle, so start and stop only check and forget.
 */
export class SandboxProvider implements Provider {
  readonly kind = 'sandbox' as const;
  readonly #snapshot: string;
  readonly #guestPath: string;
  /** Per machine: which tree is its lower layer (the snapshot, or empty/old snapshot for a builder). */
  readonly #lower = new Map<string, string>();
  readonly #trashing = new Set<Promise<void>>();

  constructor(options: { snapshot: string; guestPath: string }) {
    this.#snapshot = options.snapshot;
    this.#guestPath = options.guestPath;
  }

  async check(): Promise<void> {
    if (process.platform !== 'linux') {
      throw new VmwatchError(
        'PROVIDER_UNSUPPORTED',
        'the sandbox provider needs Linux (bubblewrap and overlayfs); on macOS use provider: "tart"',
        { exitCode: 2 },
      );
    }
    requireTool('bwrap');
    requireTool('unshare');
    requireTool('rsync');
    if (!this.snapshotExists()) {
      throw new SnapshotMissingError(this.#snapshot, 'Build it with: vmwatch snapshot build');
    }
  }

  snapshotExists(): boolean {
    return existsSync(path.join(sandboxDirs.snapshot(this.#snapshot), 'tree'));
  }

  async createVM(name: string): Promise<void> {
    await this.#createLayers(name, path.join(sandboxDirs.snapshot(this.#snapshot), 'tree'));
  }

  /** A machine for building or updating the snapshot: over the current snapshot, or over nothing. */
  async createBuilder(name: string, from: 'base' | 'snapshot'): Promise<SandboxEndpoint> {
    const lower =
      from === 'snapshot' && this.snapshotExists() ? path.join(sandboxDirs.snapshot(this.#snapshot), 'tree') : sandboxDirs.empty();
    await mkdir(sandboxDirs.empty(), { recursive: true });
    await this.#createLayers(name, lower);
    return this.#endpoint(name);
  }

  /** Make the builder's merged tree the new snapshot (atomically replacing the old one). */
  async commitSnapshot(builder: string): Promise<void> {
    await commitSandboxSnapshot(this.#endpoint(builder), sandboxDirs.snapshot(this.#snapshot));
    await this.destroyVM(builder);
  }

  async #createLayers(name: string, lower: string): Promise<void> {
    const dir = sandboxDirs.machine(name);
    await rm(dir, { recursive: true, force: true });
    await Promise.all(['upper', 'work', 'merged'].map((d) => mkdir(path.join(dir, d), { recursive: true })));
    this.#lower.set(name, lower);
  }

  #endpoint(name: string): SandboxEndpoint {
    const dir = sandboxDirs.machine(name);
    return {
      kind: 'sandbox',
      lowerDir: this.#lower.get(name) ?? path.join(sandboxDirs.snapshot(this.#snapshot), 'tree'),
      upperDir: path.join(dir, 'upper'),
      workDir: path.join(dir, 'work'),
      mergedDir: path.join(dir, 'merged'),
      guestPath: this.#guestPath,
      hostname: name,
    };
  }

  async startVM(name: string): Promise<SandboxEndpoint> {
    if (!existsSync(path.join(sandboxDirs.machine(name), 'upper'))) {
      throw new MachineError(`machine ${name} does not exist (its folder ${sandboxDirs.machine(name)} is gone)`);
    }
    return this.#endpoint(name);
  }

  /** A kept-warm machine is its folder: usable while its layers are there. */
  async adoptVM(name: string): Promise<SandboxEndpoint | null> {
    return existsSync(path.join(sandboxDirs.machine(name), 'upper')) ? this.#endpoint(name) : null;
  }

  async stopVM(): Promise<void> {
    // Nothing runs in an idle sandbox machine.
  }

  /** Drop the writable layer: rename it into the trash (instant) and delete it in the background. */
  async revertToSnapshot(name: string): Promise<SandboxEndpoint> {
    const dir = sandboxDirs.machine(name);
    const trash = path.join(sandboxDirs.trash(), `${name}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`);
    await mkdir(trash, { recursive: true });
    await Promise.all(['upper', 'work'].map((d) => rename(path.join(dir, d), path.join(trash, d))));
    await Promise.all(['upper', 'work'].map((d) => mkdir(path.join(dir, d))));
    this.#emptyTrashLater(trash);
    return this.#endpoint(name);
  }

  #emptyTrashLater(trash: string): void {
    const job = rm(trash, { recursive: true, force: true })
      .catch((err: unknown) => log.warn({ err, trash }, 'could not delete a reverted layer'))
      .finally(() => this.#trashing.delete(job));
    this.#trashing.add(job);
  }

  async destroyVM(name: string): Promise<void> {
    await rm(sandboxDirs.machine(name), { recursive: true, force: true });
    this.#lower.delete(name);
  }

  async listVMs(prefix: string): Promise<string[]> {
    try {
      return (await readdir(sandboxDirs.machines())).filter((n) => n.startsWith(prefix)).sort();
    } catch {
      return [];
    }
  }

  /** Wait for background deletions (tests and shutdown). */
  async settle(): Promise<void> {
    await Promise.all([...this.#trashing]);
  }
}
