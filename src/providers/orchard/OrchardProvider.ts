import { errorMessage, MachineError } from '../../errors.ts';
import { logger } from '../../log.ts';
import { installKey } from '../../transport/ssh/installKey.ts';
import { ensurePoolKey, machineKnownHosts } from '../../transport/ssh/poolKey.ts';
import type { Provider } from '../types.ts';
import type { SshEndpoint } from '../../transport/types.ts';
import { bridgeCommand, writeBridgeConfig } from './bridgeCommand.ts';
import { describeCapacity, readFleetCapacity } from './capacity.ts';
import { checkOrchardAccess } from './checkAccess.ts';
import type { OrchardClient } from './OrchardClient.ts';
import { OrchardCapacityError, OrchardError } from './orchardErrors.ts';
import { waitForVM } from './watchVMs.ts';

const log = logger('orchard');

export interface OrchardProviderOptions {
  client: OrchardClient;
  /** The pool's name: its key, known_hosts and bridge config live under it. */
  pool: string;
  /** The OCI image every VM starts from (pool.snapshot). */
  image: string;
  cpu?: number;
  memoryMb?: number;
  /** The image's login (Cirrus: admin/admin), given to Orchard and used once per VM to install the pool key. */
  user: string;
  password: string;
  guestPath: string;
  pendingTimeoutMs: number;
  /** Worker labels the VMs require. */
  labels?: Record<string, string>;
  /** How long a running VM may take until its sshd answers (the port-forward's wait). */
  sshWaitS?: number;
}

/**
 * Machines on an Orchard fleet: a VM per slot, created from the image, followed with the watch
 * stream until it runs, reached over ssh through the controller's port-forward (ProxyCommand
 * bridge). Revert = delete + create. A VM still pending after pendingTimeoutMs is reported with
 * the fleet's free capacity; a failed one is deleted and reported with Orchard's status message.
 */
export class OrchardProvider implements Provider {
  readonly kind = 'orchard' as const;
  readonly #o: OrchardProviderOptions;
  #bridgeConfig: Promise<string> | undefined;
  /** Slots whose last VM found no room: their next create fails fast while the fleet is still full. */
  readonly #noRoom = new Map<string, string>();

  constructor(options: OrchardProviderOptions) {
    this.#o = options;
  }

  get client(): OrchardClient {
    return this.#o.client;
  }

  /** Credentials valid, with compute:read and compute:write (throws OrchardAuthError, exit 2). */
  async check(): Promise<void> {
    await checkOrchardAccess(this.#o.client);
    await this.#bridge();
  }

  async createVM(name: string, signal?: AbortSignal): Promise<void> {
    const full = this.#noRoom.get(name);
    if (full !== undefined) {
      const cap = await readFleetCapacity(this.#o.client);
      if (cap.free === 0) throw new OrchardCapacityError(`${full} Still no room: ${describeCapacity(cap)}.`);
      this.#noRoom.delete(name);
    }
    await this.#o.client.deleteVM(name);
    const spec = {
      name,
      image: this.#o.image,
      headless: true,
      username: this.#o.user,
      password: this.#o.password,
      ...(this.#o.cpu === undefined ? {} : { cpu: this.#o.cpu }),
      ...(this.#o.memoryMb === undefined ? {} : { memory: this.#o.memoryMb }),
      ...(this.#o.labels && Object.keys(this.#o.labels).length > 0 ? { labels: this.#o.labels } : {}),
    };
    await this.#o.client.createVM(spec, signal);
    log.debug({ vm: name, image: this.#o.image }, 'VM created');
  }

  /** Waits (watch stream) until the VM runs, installs the pool key through the bridge, returns the endpoint. */
  async startVM(name: string, signal?: AbortSignal): Promise<SshEndpoint> {
    if ((await this.#o.client.getVM(name)) === null) await this.createVM(name, signal);
    const outcome = await waitForVM(this.#o.client, name, { timeoutMs: this.#o.pendingTimeoutMs, ...(signal ? { signal } : {}) });
    if (outcome.state === 'deleted') throw new MachineError(`Orchard VM ${name} was deleted by someone else while it started`);
    if (outcome.state === 'failed') {
      await this.#o.client.deleteVM(name);
      throw new MachineError(
        `Orchard VM ${name} failed on worker ${outcome.vm.worker || '(none)'}: ${outcome.vm.status_message || 'no message'}. ` +
          'It was deleted; the pool retries.',
      );
    }
    if (outcome.state === 'pending') {
      const cap = await readFleetCapacity(this.#o.client).catch(() => null);
      await this.#o.client.deleteVM(name);
      const message =
        `Orchard VM ${name} was still pending after ${Math.round(this.#o.pendingTimeoutMs / 1000)} s: ` +
        'no worker had room for it (Orchard does not say so). ' +
        `Fleet: ${cap ? describeCapacity(cap) : 'unknown (the workers could not be listed)'}. The pool runs with the machines it has; ` +
        'free some (other VMs, a paused worker), add a Mac to the fleet, or lower the pool size.';
      this.#noRoom.set(name, message);
      log.warn({ vm: name, capacity: cap }, message);
      throw new OrchardCapacityError(message);
    }
    this.#noRoom.delete(name);
    return this.#endpoint(name, signal);
  }

  async stopVM(name: string): Promise<void> {
    // An Orchard VM is not kept stopped: it is removed, and started afresh from the image.
    await this.destroyVM(name);
  }

  async revertToSnapshot(name: string, signal?: AbortSignal): Promise<SshEndpoint> {
    await this.#o.client.deleteVM(name);
    await this.createVM(name, signal);
    return this.startVM(name, signal);
  }

  async destroyVM(name: string): Promise<void> {
    await this.#o.client.deleteVM(name);
  }

  async listVMs(prefix: string): Promise<string[]> {
    return (await this.#o.client.listVMs()).map((vm) => vm.name).filter((n) => n.startsWith(prefix));
  }

  async createBuilder(): Promise<SshEndpoint> {
    throw new OrchardError(
      `Orchard VMs start from an OCI image (pool.snapshot "${this.#o.image}"), and the controller cannot save one. ` +
        "Build the image on a Mac with Tart (run the app's setup in it, then 'tart push' it to your registry) and set pool.snapshot to it.",
    );
  }

  async commitSnapshot(): Promise<void> {
    await this.createBuilder();
  }

  #bridge(): Promise<string> {
    this.#bridgeConfig ??= writeBridgeConfig(this.#o.pool, this.#o.client.connection);
    return this.#bridgeConfig;
  }

  /** The VM's ssh endpoint; the pool key goes in with the image's password first (one login through the bridge). */
  async #endpoint(name: string, signal?: AbortSignal): Promise<SshEndpoint> {
    const proxyCommand = bridgeCommand(await this.#bridge(), name, 22, this.#o.sshWaitS ?? 60);
    const knownHostsFile = await machineKnownHosts(this.#o.pool, name, { reset: true });
    const key = await ensurePoolKey(this.#o.pool);
    try {
      await installKey(
        { host: name, port: 22, user: this.#o.user, knownHostsFile, publicKey: key.publicKey, hostKeyAlias: name, proxyCommand },
        this.#o.password,
        {
          timeoutMs: ((this.#o.sshWaitS ?? 60) + 30) * 1000,
          ...(signal ? { signal } : {}),
        },
      );
    } catch (err) {
      throw new MachineError(`Orchard VM ${name} runs, but logging in through the controller's port-forward failed: ${errorMessage(err)}`, {
        cause: err,
      });
    }
    return {
      kind: 'ssh',
      host: name,
      port: 22,
      user: this.#o.user,
      identityFile: key.identityFile,
      knownHostsFile,
      hostKeyAlias: name,
      name,
      guestPath: this.#o.guestPath,
      proxyCommand,
    };
  }
}
