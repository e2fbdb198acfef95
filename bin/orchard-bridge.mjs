#!/usr/bin/env node
// ssh's ProxyCommand for Orchard VMs: stdio <-> the controller's port-forward WebSocket.
// Run by ssh, never by hand: `orchard-bridge --config FILE --vm NAME [--port 22] [--wait 60]`.
import { createJiti } from 'jiti';

const jiti = createJiti(import.meta.url, { fsCache: true, moduleCache: true });
const { bridgeMain } = await jiti.import(new URL('../src/transport/orchardBridge.ts', import.meta.url).pathname);
const code = await bridgeMain(process.argv.slice(2));
process.exit(code);
