import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { findDaemon } from '../../api/daemonFile.ts';
import { loadConfig } from '../../config/load.ts';
import { DaemonClient } from '../../mcp/DaemonClient.ts';
import { mcpServer } from '../../mcp/mcpServer.ts';
import type { CommonFlags } from '../args.ts';

/**
 * `vmwatch mcp`: a Model Context Protocol server on stdio for the running watch of this config's
 * pool. It never starts a pool of its own: without a running watch it says so and exits 1.
 */
export async function mcpCommand(flags: CommonFlags): Promise<number> {
  const config = await loadConfig(flags.config === undefined ? {} : { file: flags.config });
  const daemon = await findDaemon(config.pool.name);
  if (daemon === null) {
    process.stderr.write(
      `vmwatch mcp: no 'vmwatch watch' is running for pool "${config.pool.name}": start one first (vmwatch mcp never starts a pool)\n`,
    );
    return 1;
  }
  const server = mcpServer(new DaemonClient(daemon), '0.1.0');
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
  });
  await server.connect(transport);
  await closed;
  await server.close();
  return 0;
}
