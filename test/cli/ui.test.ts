import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cliProcess.ts';

describe('vmwatch ui', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vmwatch-ui-'));
  const home = path.join(dir, 'home');
  const config = path.join(dir, 'watch.config.json');
  writeFileSync(
    config,
    JSON.stringify({ root: '.', pool: { name: 'ui-test' }, discover: [{ pattern: 't/*.js', command: 'node {file}' }] }),
  );
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const ui = () => runCli(['ui', '--config', config], { env: { VMWATCH_HOME: home }, cwd: dir });

  it("says when no watch runs for the config's pool, and ignores a file left by a dead one", async () => {
    const none = await ui();
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(`no 'vmwatch watch' is running for pool "ui-test"`);
    mkdirSync(path.join(home, 'daemons'), { recursive: true });
    const dead = { url: 'http://127.0.0.1:1', token: 't', pid: 2 ** 22 + 17, root: dir };
    writeFileSync(path.join(home, 'daemons', 'ui-test.json'), JSON.stringify(dead));
    expect((await ui()).code).toBe(1);
  });

  it("prints the running watch's dashboard URL with its token", async () => {
    const alive = { url: 'http://127.0.0.1:45678', token: 'abc_-1', pid: process.pid, root: dir };
    writeFileSync(path.join(home, 'daemons', 'ui-test.json'), JSON.stringify(alive));
    const found = await ui();
    expect(found).toMatchObject({ code: 0, stdout: 'http://127.0.0.1:45678/?token=abc_-1\n' });
  });
});
