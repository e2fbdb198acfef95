import { spawn } from 'node:child_process';
import { logger } from '../log.ts';

const log = logger('api');

/**
 * Open `url` in the desktop's browser (`open` on macOS, `xdg-open` elsewhere). The opener hands
 * the URL over and exits; it is detached so it never holds vmwatch up. False when there is none.
 */
export function openBrowser(url: string): Promise<boolean> {
  const opener = process.platform === 'darwin' ? 'open' : 'xdg-open';
  return new Promise((resolve) => {
    const child = spawn(opener, [url], { stdio: 'ignore', detached: true });
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
