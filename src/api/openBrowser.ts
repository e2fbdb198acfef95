import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { writeAtomic } from '../files/writeAtomic.ts';
import { logger } from '../log.ts';

const log = logger('api');

/**
 * Open `url` in the desktop's browser (`open` on macOS, `xdg-open` elsewhere). The URL holds the
 * token, and a command line is visible to every user (`ps`): the opener is given `launcher`, a
 * page only this user can read (0600) that goes on to `url`. The opener hands it over and exits;
 * it is detached so it never holds vmwatch up. False when there is none.
 */
export async function openBrowser(url: string, launcher: string): Promise<boolean> {
  const target = JSON.stringify(url).replace(/</g, '\\u003c');
  try {
    await mkdir(path.dirname(launcher), { recursive: true, mode: 0o700 });
    await writeAtomic(
      launcher,
      `<!doctype html><meta charset="utf-8"><title>vmwatch</title><script>location.replace(${target})</script>\n`,
      { mode: 0o600 },
    );
  } catch (err) {
    log.warn({ err, launcher }, 'could not write the page that opens the dashboard');
    return false;
  }
  const opener = process.platform === 'darwin' ? 'open' : 'xdg-open';
  return new Promise((resolve) => {
    const child = spawn(opener, [launcher], { stdio: 'ignore', detached: true });
    child.once('error', (err) => {
      log.debug({ err, opener }, 'no browser opener');
      resolve(false);
    });
    child.once('spawn', () => {
      child.unref();
      resolve(true);
    });
  });
}
