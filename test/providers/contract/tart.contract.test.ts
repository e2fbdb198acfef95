import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../src/config/load.ts';
import { createProvider } from '../../../src/providers/createProvider.ts';
import { buildSnapshot } from '../../../src/snapshot/buildSnapshot.ts';
import { connect } from '../../../src/transport/connect.ts';
import { BASE_IMAGE, startTartDouble, tartAvailable } from '../../helpers/tartDouble.ts';
import { describeProviderContract } from './providerContract.ts';

describeProviderContract(
  'Tart double',
  async () => {
    const tart = startTartDouble({ bootDelayMs: 100 });
    tart.seedImage(BASE_IMAGE);
    const dir = mkdtempSync(path.join(tmpdir(), 'vmwatch-tart-contract-'));
    const saved = { PATH: process.env.PATH, TART_HOME: process.env.TART_HOME, VMWATCH_HOME: process.env.VMWATCH_HOME };
    process.env.PATH = tart.env.PATH;
    process.env.TART_HOME = tart.home;
    process.env.VMWATCH_HOME = path.join(dir, 'home');
    mkdirSync(path.join(dir, 'app'));
    writeFileSync(path.join(dir, 'app', 'app.txt'), 'the app\n');
    const pool = { provider: 'tart', name: 'tartcontract', size: 2, base: BASE_IMAGE };
    writeFileSync(path.join(dir, 'watch.config.json'), JSON.stringify({ root: './app', guestPath: '/mnt/contract/app', pool }));
    const config = await loadConfig({ file: path.join(dir, 'watch.config.json') });
    const provider = createProvider(config);
    // The snapshot: the base image with the pool key installed (as 'vmwatch snapshot build' makes it).
    await buildSnapshot({ config, provider, connect });
    return {
      provider,
      connect,
      pool: 'tartcontract',
      // One machine in the pool cases (resize still makes two): each boot costs seconds on the double.
      poolSize: 1,
      // The double's run-fail fault set by environment is not used up: every `tart run` fails.
      failBoots: async () => {
        process.env.TART_DOUBLE_FAULT_RUN_FAIL = '1';
        return {
          reason:
            /boot failed: 'tart run vmwatch-tartcontract-1' ended \(exit 1\) before the VM had an IP: .*Internal Virtualization error/,
          undo: async () => void delete process.env.TART_DOUBLE_FAULT_RUN_FAIL,
        };
      },
      cleanup: async () => {
        await tart.cleanup();
        for (const [k, v] of Object.entries(saved)) {
          if (v === undefined) delete process.env[k];
          else process.env[k] = v;
        }
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
  { unavailable: tartAvailable(), capabilities: { adopt: true, stopStart: true }, caseTimeoutMs: 120_000 },
);
