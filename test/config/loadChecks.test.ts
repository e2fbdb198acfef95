import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { guestPathProblem } from '../../src/config/guestPath.ts';
import { parseJsoncOrProblem } from '../../src/config/jsonc.ts';
import { loadConfig } from '../../src/config/load.ts';
import { ConfigError } from '../../src/errors.ts';

describe('config checks: guestPath, JSONC, broken JSON', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'vmwatch-config-'));
    mkdirSync(path.join(dir, 'app'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, text: string): string => {
    writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };
  const failure = async (file: string): Promise<string> => {
    const err = await loadConfig({ file }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  };

  it('refuses guestPath "/" and system folders, naming guestPath', async () => {
    for (const bad of ['/', '/usr', '/usr/src/app', '/etc/app', '/tmp/app', '/var/tmp', '/proc', '/home', '/root', '/lib64/x', '/mnt/..']) {
      const file = write('watch.config.json', JSON.stringify({ root: './app', guestPath: bad }));
      expect(await failure(file)).toMatch(/guestPath: "[^"]+" is (the machine's root|a shared system folder|(inside )?the system folder)/);
    }
    expect(await failure(write('watch.config.json', JSON.stringify({ root: './app', guestPath: 'app' })))).toMatch(
      /guestPath: expected an absolute path/,
    );
  });

  it('accepts an app folder of its own, also below a home folder', async () => {
    for (const good of ['/mnt/app', '/home/me/app', '/Users/admin/app', '/srv/app/', '/opt/myapp']) {
      expect(guestPathProblem(good)).toBeNull();
      const config = await loadConfig({ file: write('watch.config.json', JSON.stringify({ root: './app', guestPath: good })) });
      expect(config.guestPath).toBe(good);
    }
  });

  it('accepts a JSON config with comments and trailing commas', async () => {
    const file = write('watch.config.json', '{\n  // the app\n  "root": "./app", /* a block\n comment */\n  "pool": { "size": 1, },\n}\n');
    const config = await loadConfig({ file });
    expect(config.root).toBe(path.join(dir, 'app'));
    expect(config.pool.size).toBe(1);
  });

  it('a broken JSON config names the file, line and column', async () => {
    const file = write('config.json', '{\n  // fine so far\n  "root": "./app",\n  "pool": { "size": }\n}\n');
    const message = await failure(file);
    expect(message).toContain(`${file}:4:21:`);
    expect(message).toMatch(/line 4, column 21/);
  });

  it('finds the line and column also where JSON.parse gives no position', () => {
    expect(parseJsoncOrProblem('{\n "a": tru }')).toEqual({ problem: expect.objectContaining({ line: 2, column: 10 }) });
    expect(parseJsoncOrProblem('{\n "a": 1 x\n}')).toEqual({ problem: expect.objectContaining({ line: 2, column: 9 }) });
    expect(parseJsoncOrProblem('{\n "a": [1,\n 2\n')).toEqual({ problem: expect.objectContaining({ line: 4, column: 1 }) });
    expect(parseJsoncOrProblem('// c\n{"a": /* x */ 1}')).toEqual({ value: { a: 1 } });
    expect(parseJsoncOrProblem('{"a": "// not a comment",}')).toEqual({ value: { a: '// not a comment' } });
  });
});
