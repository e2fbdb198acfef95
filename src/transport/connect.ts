import type { Endpoint } from '../providers/types.ts';
import { SandboxTransport } from './sandbox/SandboxTransport.ts';
import type { Transport } from './types.ts';
import { TransportError } from '../errors.ts';

/** The transport that reaches a machine at `endpoint`. */
export function connect(endpoint: Endpoint): Transport {
  switch (endpoint.kind) {
    case 'sandbox':
      return new SandboxTransport(endpoint);
    case 'ssh':
      throw new TransportError('the ssh transport is not available yet in this version of vmwatch');
  }
}
