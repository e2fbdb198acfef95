import picomatch from 'picomatch';
import type { VM } from '../../pool/VM.ts';
import { adapterFor } from '../../runners/index.ts';
import { warmRunnerOf } from './WarmRunner.ts';

/**
 * Whether the machine's warm runner, still waiting for its batch, has loaded a file that changed
 * since it started (its runner config, setup files, tsconfig, lockfile: the adapter's inputs; the
 * files it said its config or conftest imported), or
 * cannot tell (`changesSince` does not know). Such a runner would only be stopped by its next
 * batch, which then runs cold: the watch recycles its machine at once instead.
 */
export function hasStaleWarmRunner(vm: VM, changesSince: (at: number) => readonly string[] | null): boolean {
  const runner = warmRunnerOf(vm);
  const support = runner === undefined ? undefined : adapterFor(runner.rule.runner).warm;
  if (runner === undefined || support === undefined || !runner.waiting) return false;
  const changed = changesSince(runner.loadedAt);
  if (changed === null) return true;
  const loaded = picomatch(support.inputs(runner.rule), { dot: true });
  return changed.some((file) => loaded(file) || runner.loadedFiles.has(file));
}
