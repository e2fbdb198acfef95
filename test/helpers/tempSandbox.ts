import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SandboxProvider } from '../../src/providers/sandbox/SandboxProvider.ts';
import { sandboxDirs } from '../../src/providers/sandbox/sandboxDirs.ts';

export interface TempSandbox {
  home: string;
  provider: SandboxProvider;
  snapshotTree: string;
  cleanup(): Promise<void>;
}

/**
 * A private VMWATCH_HOME with a small hand-made snapshot (no setup to run), for transport and
 * pool tests. Sets process.env.VMWATCH_HOME until cleanup.
 */
export function tempSandbox(options: { snapshot?: string; guestPath?: string; files?: Record<string, string> } = {}): TempSandbox {
  const home = mkdtempSync(path.join(tmpdir(), 'vmwatch-home-'));
  const previous = process.env.VMWATCH_HOME;
  process.env.VMWATCH_HOME = home;
  const snapshot = options.snapshot ?? 'unit-ready';
  const snapshotTree = path.join(sandboxDirs.snapshot(snapshot), 'tree');
  mkdirSync(snapshotTree, { recursive: true });
  for (const [file, text] of Object.entries(options.files ?? { 'from-snapshot.txt': 'snapshot\n' })) {
    mkdirSync(path.dirname(path.join(snapshotTree, file)), { recursive: true });
    writeFileSync(path.join(snapshotTree, file), text);
  }
  const provider = new SandboxProvider({ snapshot, guestPath: options.guestPath ?? '/mnt/vmwatch-test/app' });
  return {
    home,
    provider,
    snapshotTree,
    cleanup: async () => {
      await provider.settle();
      rmSync(home, { recursive: true, force: true });
      if (previous === undefined) delete process.env.VMWATCH_HOME;
      else process.env.VMWATCH_HOME = previous;
    },
  };
}
