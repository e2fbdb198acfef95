import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const RUN_TS = path.resolve(import.meta.dirname, '../bin/run-ts.mjs');
const LOG_TS = path.resolve(import.meta.dirname, '../src/log.ts');

/** A script that logs one line at each level with a field, the way vmwatch's modules do. */
const SCRIPT = `import { logger } from ${JSON.stringify(LOG_TS)};
const log = logger('demo');
log.debug({ detail: 1 }, 'debug line');
log.info({ machines: ['a', 'b'] }, 'pool of 2 ready');
log.warn({ machines: ['a'] }, 'snapshot is stale');
log.error('cannot start');
`;

describe('log: quiet terminal, full log file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'vmwatch-log-'));
    writeFileSync(path.join(dir, 'script.ts'), SCRIPT);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs the script on a real pseudo-terminal (util-linux `script`), returning what the terminal showed. */
  const onTerminal = (env: Record<string, string> = {}): string => {
    const command = `${process.execPath} ${RUN_TS} ${path.join(dir, 'script.ts')}`;
    return execFileSync('script', ['-qec', command, '/dev/null'], {
      env: { ...process.env, VMWATCH_HOME: dir, VMWATCH_LOG: '', NO_COLOR: '1', ...env },
      encoding: 'utf8',
    }).replace(/\x1b\[[0-9;]*m/g, '');
  };

  it('on a terminal shows warnings and errors only, one line each, and writes everything as JSON to ~/.vmwatch/logs', () => {
    const shown = onTerminal({ VMWATCH_LOG: 'warn' });
    const lines = shown.split(/\r?\n/).filter((l) => l.trim() !== '');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/WARN.*snapshot is stale$/);
    expect(lines[1]).toMatch(/ERROR.*cannot start$/);
    expect(shown).not.toContain('machines');
    const file = readFileSync(path.join(dir, 'logs', 'vmwatch.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(file.map((r) => r['msg'])).toEqual(['debug line', 'pool of 2 ready', 'snapshot is stale', 'cannot start']);
    expect(file[1]).toMatchObject({ module: 'demo', machines: ['a', 'b'], level: 30 });
  });

  it('VMWATCH_LOG=debug prints everything on the terminal, with the fields', () => {
    const shown = onTerminal({ VMWATCH_LOG: 'debug' });
    expect(shown).toContain('debug line');
    expect(shown).toContain('pool of 2 ready');
    expect(shown).toMatch(/machines/);
  });

  it('rotates a full log at start, keeping three older ones', () => {
    const logs = path.join(dir, 'logs');
    execFileSync('mkdir', ['-p', logs]);
    writeFileSync(path.join(logs, 'vmwatch.log'), 'x'.repeat(5 * 1024 * 1024 + 1));
    writeFileSync(path.join(logs, 'vmwatch.log.1'), 'older\n');
    onTerminal({ VMWATCH_LOG: 'warn' });
    expect(readFileSync(path.join(logs, 'vmwatch.log.2'), 'utf8')).toBe('older\n');
    expect(readFileSync(path.join(logs, 'vmwatch.log.1'), 'utf8')).toHaveLength(5 * 1024 * 1024 + 1);
    expect(readFileSync(path.join(logs, 'vmwatch.log'), 'utf8').trim().split('\n')).toHaveLength(4);
  });
});
