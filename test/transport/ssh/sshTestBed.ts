import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SshEndpoint } from '../../../src/transport/types.ts';
import { SshTransport } from '../../../src/transport/ssh/SshTransport.ts';
import { startSshd, type TestSshd } from '../../helpers/sshd.ts';

export interface SshTestBed {
  sshd: TestSshd;
  endpoint: SshEndpoint;
  /** The "machine's" folder (same file system: the sshd is local). */
  guestPath: string;
  home: string;
  transport(): SshTransport;
  /** Close every transport made by transport(). */
  closeAll(): Promise<void>;
  cleanup(): Promise<void>;
}

/** A real sshd, a private VMWATCH_HOME (for control sockets), a guest folder, and transports to close. */
export async function sshTestBed(): Promise<SshTestBed> {
  const home = mkdtempSync(path.join(tmpdir(), 'vmwatch-sshhome-'));
  const previous = process.env.VMWATCH_HOME;
  process.env.VMWATCH_HOME = home;
  const sshd = await startSshd();
  const guestPath = mkdtempSync(path.join(tmpdir(), 'vmwatch-guest-'));
  const endpoint: SshEndpoint = {
    kind: 'ssh',
    host: sshd.host,
    port: sshd.port,
    user: sshd.user,
    identityFile: sshd.identityFile,
    knownHostsFile: sshd.knownHostsFile,
    guestPath,
    name: 'vmwatch-sshtest-1',
  };
  const opened: SshTransport[] = [];
  return {
    sshd,
    endpoint,
    guestPath,
    home,
    transport() {
      const t = new SshTransport(endpoint);
      opened.push(t);
      return t;
    },
    async closeAll() {
      for (const t of opened) await t.close();
    },
    async cleanup() {
      for (const t of opened) await t.close();
      await sshd.stop();
      rmSync(guestPath, { recursive: true, force: true });
      rmSync(home, { recursive: true, force: true });
      if (previous === undefined) delete process.env.VMWATCH_HOME;
      else process.env.VMWATCH_HOME = previous;
    },
  };
}
