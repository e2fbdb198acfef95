import type { Endpoint } from './types.ts';
import { SandboxTransport } from './sandbox/SandboxTransport.ts';
import { SshTransport } from './ssh/SshTransport.ts';
import type { Transport } from './types.ts';

/** The transport that reaches a machine at `endpoint`. */
export function connect(endpoint: Endpoint): Transport {
  switch (endpoint.kind) {
    case 'sandbox':
      return new SandboxTransport(endpoint);
    case 'ssh':
      return new SshTransport(endpoint);
  }
}
