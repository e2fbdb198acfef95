#!/usr/bin/env node
// ssh's ProxyCommand for Orchard VMs: stdio <-> the controller's port-forward WebSocket.
// Run by ssh, never by hand: `orchard-bridge --config FILE --vm NAME [--port 22] [--wait 60]`.
// Plain JavaScript, no TypeScript loader: ssh waits for this to start on every new connection.
import { bridgeMain } from '../src/transport/orchardBridge.mjs';

process.exit(await bridgeMain(process.argv.slice(2)));
