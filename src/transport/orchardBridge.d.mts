/** What the bridge needs to reach the controller; written 0600 by the Orchard provider. */
export interface BridgeConfig {
  url: string;
  serviceAccountName: string;
  serviceAccountToken: string;
  certificate?: string;
}

export interface BridgeIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** ssh's ProxyCommand for an Orchard VM: stdio ↔ the controller's port-forward WebSocket. */
export function runBridge(config: BridgeConfig, vm: string, port: number, waitS: number, io: BridgeIo): Promise<number>;

/** `orchard-bridge --config FILE --vm NAME [--port 22] [--wait 60]`. */
export function bridgeMain(argv: string[]): Promise<number>;
