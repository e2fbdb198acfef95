import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { homePaths } from '../../paths.ts';
import type { BridgeConfig } from '../../transport/orchardBridge.mjs';
import type { OrchardConnection } from './orchardConfig.ts';

const BRIDGE_BIN = fileURLToPath(new URL('../../../bin/orchard-bridge.mjs', import.meta.url));

/**
 * Writes what the bridge needs (URL, credentials, certificate) to `<vmwatchHome>/orchard/<pool>.json`,
 * mode 0600, so no secret appears on a command line. Returns the file.
 */
export async function writeBridgeConfig(pool: string, connection: OrchardConnection): Promise<string> {
  const dir = homePaths.orchard();
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, `${pool}.json`);
  const config: BridgeConfig = {
    url: connection.url,
    serviceAccountName: connection.serviceAccountName,
    serviceAccountToken: connection.serviceAccountToken,
    ...(connection.certificate === undefined ? {} : { certificate: connection.certificate }),
  };
  await writeFile(file, JSON.stringify(config), { mode: 0o600 });
  await chmod(file, 0o600);
  return file;
}

/** ssh's ProxyCommand (argv) that reaches `vm`'s port through the controller, waiting up to `waitS` for it. */
export function bridgeCommand(configFile: string, vm: string, port = 22, waitS = 60): string[] {
  return [process.execPath, BRIDGE_BIN, '--config', configFile, '--vm', vm, '--port', String(port), '--wait', String(waitS)];
}
