import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI } from '../helpers/demoProject.ts';
import { requireOrSkip } from '../helpers/requireOrSkip.ts';

/** Can this process mount in a private mount namespace (root + unshare)? */
function mountsUnavailable(): string | null {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return 'needs root on Linux to mount in a private mount namespace';
  const r = spawnSync('unshare', ['--mount', '--propagation', 'private', '--', 'true']);
  return r.status === 0 ? null : `unshare --mount fails here: ${r.stderr}`;
}
const noMounts = requireOrSkip('mount-based artifacts tests', mountsUnavailable());
if (noMounts !== null) console.warn(`[vmwatch tests] skipping mount-based artifacts tests: ${noMounts}`);

/**
 * `vmwatch run` with artifacts.into unwritable, set up by `setup` (sh, $1 = into) in a private
 * mount namespace (so a read-only bind or a full tmpfs exists for this run only); afterwards
 * lists what is left in into, from inside the same namespace.
 */
function runWith(dir: string, setup: string): { code: number; stderr: string; left: string[] } {
  const into = path.join(dir, 'runs');
  const script = `${setup}\n"$2" "$3" run --all --config "$4" 2>"$5"; code=$?; ls -A "$1" > "$6"; exit $code`;
  const errFile = path.join(dir, 'stderr');
  const leftFile = path.join(dir, 'left');
  const r = spawnSync(
    'unshare',
    [
      '--mount',
      '--propagation',
      'private',
      '--',
      '/bin/sh',
      '-c',
      script,
      'sh',
      into,
      process.execPath,
      CLI,
      path.join(dir, 'watch.config.json'),
      errFile,
      leftFile,
    ],
    {
      env: { ...process.env, VMWATCH_HOME: path.join(dir, 'home') },
      encoding: 'utf8',
    },
  );
  const read = (f: string): string => spawnSync('cat', [f], { encoding: 'utf8' }).stdout;
  return {
    code: r.status ?? -1,
    stderr: read(errFile),
    left: read(leftFile)
      .split('\n')
      .filter(Boolean)
      .filter((f) => f !== 'fill'),
  };
}

describe.skipIf(noMounts !== null)('an artifacts.into vmwatch cannot write: exit 2 before any test, a clear message', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'vmwatch-unwritable-'));
    mkdirSync(path.join(dir, 'app'));
    mkdirSync(path.join(dir, 'runs'));
    writeFileSync(
      path.join(dir, 'watch.config.json'),
      JSON.stringify({
        root: 'app',
        artifacts: { into: 'runs' },
        tests: [{ id: 't', command: 'true' }],
        pool: { provider: 'sandbox', size: 1 },
        notify: false,
      }),
    );
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const expectClearError = (r: { code: number; stderr: string; left: string[] }, reason: RegExp): void => {
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/artifacts\.into \(.*watch\.config\.json\): cannot .* .*runs/);
    expect(r.stderr).toMatch(reason);
    expect(r.stderr).not.toMatch(/unexpected error|\n\s+at /);
    expect(r.left).toEqual([]);
  };

  it('read-only (a read-only bind mount: root ignores chmod)', () => {
    expectClearError(runWith(dir, 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" || exit 99'), /read-only file system/);
  });

  it('full (a tiny tmpfs, filled up first): no temp file left behind', () => {
    expectClearError(
      runWith(dir, 'mount -t tmpfs -o size=16k tmpfs "$1" && (dd if=/dev/zero of="$1/fill" bs=4k count=64 2>/dev/null; true) || exit 99'),
      /disk is full/,
    );
  });

  it('a file where the folder should be', () => {
    rmSync(path.join(dir, 'runs'), { recursive: true });
    writeFileSync(path.join(dir, 'runs'), 'not a folder');
    const r = runWith(dir, 'true');
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/cannot create the results folder .*runs: a file is in the way/);
    expect(r.stderr).not.toMatch(/unexpected error|\n\s+at /);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
