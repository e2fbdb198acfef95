import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { whichTool } from '../../src/process/tools.ts';
import { requireOrSkip } from './requireOrSkip.ts';

let cached: string | null | undefined;

/**
 * Why the sandbox provider cannot run here (null when it can): not Linux, a tool missing, or no
 * overlayfs in a private mount namespace. Tests that need it skip with this reason, printed.
 */
export function sandboxUnavailable(): string | null {
  if (cached !== undefined) return requireOrSkip('sandbox tests', cached);
  cached = probe();
  if (cached !== null) console.warn(`[vmwatch tests] skipping sandbox tests: ${cached}`);
  return requireOrSkip('sandbox tests', cached);
}

function probe(): string | null {
  if (process.platform !== 'linux') return `the sandbox provider needs Linux (this is ${process.platform})`;
  for (const [tool, pkg] of [
    ['bwrap', 'bubblewrap'],
    ['unshare', 'util-linux'],
    ['rsync', 'rsync'],
  ] as const) {
    if (whichTool(tool) === null) return `'${tool}' is missing (apt-get install ${pkg})`;
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'vmwatch-probe-'));
  try {
    for (const d of ['lower', 'upper', 'work', 'merged']) mkdirSync(path.join(dir, d));
    writeFileSync(path.join(dir, 'lower', 'f'), 'x');
    const isRoot = process.getuid?.() === 0;
    const ns = isRoot ? ['--mount', '--propagation', 'private'] : ['--user', '--map-root-user', '--mount'];
    const r = spawnSync(
      'unshare',
      [
        ...ns,
        '--',
        'sh',
        '-c',
        `mount -t overlay overlay -o lowerdir=${dir}/lower,upperdir=${dir}/upper,workdir=${dir}/work ${dir}/merged && cat ${dir}/merged/f`,
      ],
      { encoding: 'utf8' },
    );
    if (r.stdout !== 'x')
      return `cannot mount overlayfs in a private mount namespace (needs root, or unprivileged user namespaces): ${r.stderr.trim()}`;
    const b = spawnSync('bwrap', ['--ro-bind', '/', '/', '--unshare-net', '--unshare-pid', '--', 'true'], { encoding: 'utf8' });
    if (b.status !== 0) return `bubblewrap cannot create namespaces here: ${b.stderr.trim()}`;
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
