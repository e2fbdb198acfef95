import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { VMPoolOptions } from '../../../src/pool/types.ts';
import { machineName, machinePrefix } from '../../../src/pool/machineNames.ts';
import type { Provider } from '../../../src/providers/types.ts';
import type { Endpoint, Transport } from '../../../src/transport/types.ts';

/** What a provider's test file gives the contract suite. */
export interface ContractHarness {
  provider: Provider;
  connect: (endpoint: Endpoint) => Transport;
  /** The pool's name: the suite's machines are vmwatch-<pool>-<n>. */
  pool: string;
  /** Machines in the pool cases (1–2; the Tart double runs at most 2 VMs). Default 2. */
  poolSize?: number;
  /**
   * Make the next `boots` boots fail the provider's own way (a double's fault knob); resolves to
   * what the pool's error must then say, and an undo. Without it the suite injects the failure
   * in front of the provider (FaultyProvider).
   */
  failBoots?(boots: number): Promise<{ reason: RegExp; undo(): Promise<void> }>;
  /** Make a running machine stop answering (the pool's health checks must replace it); undone for its replacement. */
  freeze?(name: string): Promise<{ undo(): Promise<void> }>;
  cleanup(): Promise<void>;
}

export interface ContractCapabilities {
  /** The provider can adopt a machine left running (pool.keepWarm). */
  adopt: boolean;
  /** stopVM then startVM gives a working machine; a string says why this provider is exempt. */
  stopStart: true | string;
}

/** Names of the suite's machines: the pool's own (so a crashed run's are reaped), and a pool's whose name merely starts the same. */
export function contractNames(pool: string): { machine(n: number): string; prefix: string; otherPrefix: string } {
  return { machine: (n) => machineName(pool, n), prefix: machinePrefix(pool), otherPrefix: machinePrefix(`${pool}x`) };
}

/** A host folder that plays the app: synced into each machine first, as vmwatch does before anything runs. */
export interface HostFolders {
  app: string;
  tmp: string;
  /** A fresh empty host folder. */
  fresh(label: string): string;
  cleanup(): void;
}

export function hostFolders(): HostFolders {
  const tmp = mkdtempSync(path.join(tmpdir(), 'vmwatch-contract-'));
  const app = path.join(tmp, 'app');
  mkdirSync(app);
  writeFileSync(path.join(app, 'app.txt'), 'the app\n');
  let n = 0;
  return {
    app,
    tmp,
    fresh: (label) => {
      const dir = path.join(tmp, `${label}-${++n}`);
      mkdirSync(dir);
      return dir;
    },
    cleanup: () => rmSync(tmp, { recursive: true, force: true }),
  };
}

/** Every file under `dir` with its text, by path relative to `dir` (sorted). */
export function filesUnder(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const files = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
  for (const f of files) out[f] = readFileSync(path.join(dir, f), 'utf8');
  return out;
}

/** Sync-ahead as openPool does it: the app is synced into each machine after each boot and revert. */
export function syncApp(app: string): NonNullable<VMPoolOptions['prepare']> {
  return (vm, signal) => vm.copyToVM(app, vm.endpoint.guestPath, { signal });
}
