import { connect } from '../../../src/transport/connect.ts';
import { sandboxUnavailable } from '../../helpers/sandboxAvailable.ts';
import { tempSandbox } from '../../helpers/tempSandbox.ts';
import { describeProviderContract } from './providerContract.ts';

describeProviderContract(
  'sandbox',
  async () => {
    const sb = tempSandbox();
    return { provider: sb.provider, connect, pool: 'sbcontract', cleanup: () => sb.cleanup() };
  },
  { unavailable: sandboxUnavailable(), capabilities: { adopt: true, stopStart: true } },
);
