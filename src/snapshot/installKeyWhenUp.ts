import type { ResolvedConfig } from '../config/types.ts';
import { LoginRefusedError, MachineError, errorMessage } from '../errors.ts';
import type { SshEndpoint } from '../transport/types.ts';
import { installKey } from '../transport/ssh/installKey.ts';
import { ensurePoolKey } from '../transport/ssh/poolKey.ts';

/**
 * A fresh image only knows its own login (Cirrus: admin/admin): once sshd answers, log in with
 * the password once and install the pool key. Retries each second until `pool.bootTimeoutMs` while
 * sshd does not answer; a refused login (it answered) is final and ends the boot at once.
 */
export async function installKeyWhenUp(endpoint: SshEndpoint, config: ResolvedConfig, signal?: AbortSignal): Promise<void> {
  const { publicKey } = await ensurePoolKey(config.pool.name);
  const deadline = Date.now() + config.pool.bootTimeoutMs;
  let last: unknown;
  let attempts = 0;
  for (;;) {
    signal?.throwIfAborted();
    attempts += 1;
    try {
      await installKey(
        {
          host: endpoint.host,
          port: endpoint.port,
          user: endpoint.user,
          knownHostsFile: endpoint.knownHostsFile,
          publicKey,
          ...(endpoint.hostKeyAlias ? { hostKeyAlias: endpoint.hostKeyAlias } : {}),
        },
        config.pool.password,
        { timeoutMs: 15_000, ...(signal ? { signal } : {}) },
      );
      return;
    } catch (err) {
      if (err instanceof LoginRefusedError)
        throw new LoginRefusedError(`could not log in to the snapshot builder: ${err.message}`, attempts, { cause: err });
      last = err;
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  throw new MachineError(
    `could not log in to the snapshot builder at ${endpoint.user}@${endpoint.host} with pool.password to install the pool key ` +
      `(${errorMessage(last)}). Check pool.user/pool.password match the base image's login (Cirrus images: admin/admin).`,
  );
}
