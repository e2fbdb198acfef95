import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { sandboxUnavailable } from './helpers/sandboxAvailable.ts';
import { CLI, createDemoProject } from './helpers/demoProject.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A VMWATCH_HOME holding the demo app's snapshot, built once for all e2e tests ('' when the sandbox cannot run). */
    demoHome: string;
  }
}

/** Builds the demo app's snapshot once, with the real CLI, for every e2e test to share. */
export default function setup(project: TestProject): () => void {
  if (sandboxUnavailable() !== null) {
    project.provide('demoHome', '');
    return () => {};
  }
  const home = mkdtempSync(path.join(tmpdir(), 'vmwatch-e2e-home-'));
  const demo = createDemoProject({ pool: 'e2e-build' });
  try {
    execFileSync(process.execPath, [CLI, 'snapshot', 'build', '--config', demo.configFile], {
      env: { ...process.env, VMWATCH_HOME: home, VMWATCH_LOG: 'warn' },
      stdio: ['ignore', 'ignore', 'inherit'],
      timeout: 300_000,
    });
  } finally {
    demo.cleanup();
  }
  project.provide('demoHome', home);
  return () => rmSync(home, { recursive: true, force: true });
}
