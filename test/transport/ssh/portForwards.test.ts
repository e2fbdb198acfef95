import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PortInUseError } from '../../../src/transport/ssh/PortInUseError.ts';
import { freePort, sshdUnavailable } from '../../helpers/sshd.ts';
import { sshTestBed, type SshTestBed } from './sshTestBed.ts';

function listen(server: net.Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
}

function get(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

async function isFree(port: number): Promise<boolean> {
  const s = net.createServer();
  try {
    await listen(s, port);
    return true;
  } catch {
    return false;
  } finally {
    s.close();
  }
}

describe.skipIf(sshdUnavailable() !== null)('SshTransport port forwards', () => {
  let bed: SshTestBed;
  let app: http.Server;
  let guestPort: number;

  beforeAll(async () => {
    bed = await sshTestBed();
    guestPort = await freePort();
    app = http.createServer((_, res) => res.end('hello from the machine'));
    await listen(app, guestPort);
  });

  afterAll(async () => {
    app?.close();
    await bed?.cleanup();
  });

  it('reaches a server in the machine through the master, until the forwards are closed', async () => {
    const vm = bed.transport();
    const hostPort = await freePort();
    await vm.forwardPorts([{ hostPort, guestPort }]);
    expect(await get(hostPort)).toBe('hello from the machine');
    await vm.closeForwards();
    await expect(get(hostPort)).rejects.toThrow(/ECONNREFUSED/);
    expect(await isFree(hostPort)).toBe(true);
  });

  it('a taken host port gives a PortInUseError naming it, and no forward of the batch stays open', async () => {
    const vm = bed.transport();
    const taken = net.createServer();
    const takenPort = await freePort();
    await listen(taken, takenPort);
    const okPort = await freePort();
    try {
      const err = await vm
        .forwardPorts([
          { hostPort: okPort, guestPort },
          { hostPort: takenPort, guestPort: 5173 },
        ])
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PortInUseError);
      expect((err as PortInUseError).code).toBe('PORT_IN_USE');
      expect((err as Error).message).toContain(`host port ${takenPort}`);
      expect((err as Error).message).toContain('pool.ports');
      expect(await isFree(okPort)).toBe(true);
    } finally {
      taken.close();
    }
  });

  it('close() ends the forwards with the master', async () => {
    const vm = bed.transport();
    const hostPort = await freePort();
    await vm.forwardPorts([{ hostPort, guestPort }]);
    expect(await get(hostPort)).toBe('hello from the machine');
    await vm.close();
    expect(await isFree(hostPort)).toBe(true);
  });
});
