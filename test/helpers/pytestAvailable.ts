import { spawnSync } from 'node:child_process';
import { requireOrSkip } from './requireOrSkip.ts';
import { sandboxUnavailable } from './sandboxAvailable.ts';

/** Debian's python3-pytest lives in the system interpreter (a pyenv python3 on PATH may lack it). */
export const SYSTEM_PYTHON = '/usr/bin/python3';

/**
 * Why real pytest cannot run in a sandbox machine here (null when it can): the sandbox's reason,
 * or no pytest in the system interpreter. Fails instead of skipping under VMWATCH_TEST_REQUIRE=1.
 */
export function pytestUnavailable(): string | null {
  const sandbox = sandboxUnavailable();
  if (sandbox !== null) return sandbox;
  const probe = spawnSync(SYSTEM_PYTHON, ['-c', 'import pytest'], { stdio: 'ignore' });
  return requireOrSkip('pytest tests', probe.status === 0 ? null : `no pytest in ${SYSTEM_PYTHON} (apt-get install python3-pytest)`);
}
