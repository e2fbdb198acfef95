import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FakeProvider } from '../../fixtures/fake/FakeProvider.ts';
import { describeProviderContract } from './providerContract.ts';

// The in-memory fake runs everywhere (no bwrap, no sshd): the pool's logic is tested on macOS too.
describeProviderContract(
  'in-memory fake',
  async () => {
    const home = mkdtempSync(path.join(tmpdir(), 'vmwatch-fake-home-'));
    const previous = process.env.VMWATCH_HOME;
    process.env.VMWATCH_HOME = home;
    const provider = new FakeProvider();
    return {
      provider,
      connect: provider.connect,
      pool: 'fakecontract',
      failBoots: async () => {
        provider.failEveryBoot = 'machine did not boot: the fake host is out of memory (fault injected)';
        return {
          reason: /boot failed: machine did not boot: the fake host is out of memory/,
          undo: async () => void (provider.failEveryBoot = null),
        };
      },
      freeze: async (name) => {
        provider.freeze(name);
        return { undo: async () => {} };
      },
      cleanup: async () => {
        rmSync(home, { recursive: true, force: true });
        if (previous === undefined) delete process.env.VMWATCH_HOME;
        else process.env.VMWATCH_HOME = previous;
      },
    };
  },
  { unavailable: null, capabilities: { adopt: true, stopStart: true } },
);
