import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { MachineError } from '../../errors.ts';
import { runOwned } from '../../process/runOwned.ts';
import { namespaceCommand } from '../../transport/sandbox/namespaceCommand.ts';
import type { SandboxEndpoint } from '../../transport/types.ts';

/**
 * Copy a builder machine's merged tree into `<snapshotDir>/tree` atomically: written beside it,
 * then swapped in by rename; the old tree is deleted after the swap.
 */
export async function commitSandboxSnapshot(ep: SandboxEndpoint, snapshotDir: string): Promise<void> {
  const staging = `${snapshotDir}.staging-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  const { file, args } = namespaceCommand(ep, ['cp', '-a', '--reflink=auto', `${ep.mergedDir}/.`, path.join(staging, 'tree')]);
  const result = await runOwned(file, args);
  if (result.exitCode !== 0) {
    await rm(staging, { recursive: true, force: true });
    throw new MachineError(`could not save the snapshot tree: ${result.stderr.trim()}`);
  }
  const old = `${snapshotDir}.old-${process.pid}`;
  if (existsSync(snapshotDir)) await rename(snapshotDir, old);
  await rename(staging, snapshotDir);
  await rm(old, { recursive: true, force: true });
}
