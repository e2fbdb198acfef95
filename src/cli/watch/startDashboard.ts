import { ApiServer } from '../../api/ApiServer.ts';
import { homePaths } from '../../paths.ts';
import { openBrowser } from '../../api/openBrowser.ts';
import { removeDaemonFile, writeDaemonFile } from '../../api/daemonFile.ts';
import type { DaemonApi } from '../../api/types.ts';
import type { ResolvedConfig } from '../../config/types.ts';
import { errorMessage } from '../../errors.ts';
import { logger } from '../../log.ts';

const log = logger('api');

/** The running dashboard, to stop with the watch. */
export interface Dashboard {
  server: ApiServer;
  stop(): Promise<void>;
}

/**
 * Serve the local API (config `ui`), say its URL on `out` in one line, and leave its address and
 * token in `~/.vmwatch/daemons/<pool>.json` for `vmwatch ui` and `vmwatch mcp`. A port that is
 * taken costs the dashboard only, with a warning, never the watch.
 */
export async function startDashboard(config: ResolvedConfig, daemon: DaemonApi, out: NodeJS.WritableStream): Promise<Dashboard | null> {
  if (config.ui === false) return null;
  const server = new ApiServer(daemon);
  let url: string;
  try {
    url = await server.listen(config.ui.port);
  } catch (err) {
    log.warn(`no dashboard: cannot listen on 127.0.0.1:${config.ui.port} (ui.port in ${config.configFile}): ${errorMessage(err)}`);
    return null;
  }
  out.write(`vmwatch: dashboard ${url}\n`);
  if (config.ui.open) void openBrowser(url, homePaths.daemonLauncher(config.pool.name));
  await writeDaemonFile(config.pool.name, {
    url: `http://127.0.0.1:${server.port}`,
    token: server.token,
    pid: process.pid,
    root: config.root,
  }).catch((err: unknown) => log.warn(`could not write the daemon file for vmwatch ui/mcp: ${errorMessage(err)}`));
  return {
    server,
    stop: async () => {
      await server.close();
      await removeDaemonFile(config.pool.name).catch(() => {});
    },
  };
}
