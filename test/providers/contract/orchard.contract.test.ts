import { connect } from '../../../src/transport/connect.ts';
import { orchardAvailable } from '../../helpers/orchardDouble.ts';
import { orchardTestBed } from '../orchard/orchardTestBed.ts';
import { describeProviderContract } from './providerContract.ts';

describeProviderContract(
  'Orchard double',
  async () => {
    // One worker (room for 2 VMs): enough for every case, and each VM costs a machine with sshd.
    const bed = await orchardTestBed({ workers: 1 });
    return {
      provider: bed.provider(),
      connect,
      pool: 'orchard-test',
      // One machine in the pool cases (resize still makes two): each boot costs seconds on the double.
      poolSize: 1,
      failBoots: async (boots) => {
        await bed.double.knob('fail-starts', { count: boots, message: 'failed to pull image: unauthorized' });
        return {
          reason: /boot failed: Orchard VM vmwatch-orchard-test-1 failed on worker worker-1: failed to pull image: unauthorized/,
          undo: async () => {},
        };
      },
      cleanup: () => bed.cleanup(),
    };
  },
  // An Orchard VM is not kept stopped: stopVM removes it and startVM makes it afresh, which the case accepts.
  { unavailable: orchardAvailable(), capabilities: { adopt: false, stopStart: true }, caseTimeoutMs: 120_000 },
);
