import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CLI, createDemoProject, DEMO_SNAPSHOT, type DemoProject } from '../../test/helpers/demoProject.ts';

export interface DemoBench {
  /** A private VMWATCH_HOME holding the demo snapshot. */
  home: string;
  project: DemoProject;
  snapshot: string;
  cleanup(): void;
}

/**
 * A temp git copy of the demo app and a private VMWATCH_HOME with its snapshot built by the real
 * CLI (npm ci runs once, in a sandbox), so every benchmark starts from the same warm state.
 */
export function demoBench(pool: string, overrides: Record<string, unknown> = {}): DemoBench {
  const home = mkdtempSync(path.join(tmpdir(), 'vmwatch-bench-home-'));
  const project = createDemoProject({ pool, overrides });
  execFileSync(process.execPath, [CLI, 'snapshot', 'build', '--config', project.configFile], {
    env: { ...process.env, VMWATCH_HOME: home, VMWATCH_LOG: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
    timeout: 300_000,
  });
  return {
    home,
    project,
    snapshot: DEMO_SNAPSHOT,
    cleanup: () => {
      project.cleanup();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
