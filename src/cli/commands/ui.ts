import { findDaemon } from '../../api/daemonFile.ts';
import { homePaths } from '../../paths.ts';
import { openBrowser } from '../../api/openBrowser.ts';
import { loadConfig } from '../../config/load.ts';
import type { CommonFlags } from '../args.ts';

/** `vmwatch ui`: the running watch's dashboard URL, opened in the browser on a terminal. Exit 1 when no watch runs. */
export async function uiCommand(flags: CommonFlags): Promise<number> {
  const config = await loadConfig(flags.config === undefined ? {} : { file: flags.config });
  const daemon = await findDaemon(config.pool.name);
  if (daemon === null) {
    process.stderr.write(`vmwatch: no 'vmwatch watch' is running for pool "${config.pool.name}": start one, it serves the dashboard\n`);
    return 1;
  }
  const url = `${daemon.url}/?token=${daemon.token}`;
  process.stdout.write(`${url}\n`);
  if (process.stdout.isTTY === true && !(await openBrowser(url, homePaths.daemonLauncher(config.pool.name))))
    process.stderr.write('vmwatch: no browser opener found: open the URL above\n');
  return 0;
}
