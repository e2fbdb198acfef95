import { describe, expect, it } from 'vitest';
import { builderName, isPoolMachine, machineName } from '../../src/pool/machineNames.ts';

describe('machine names', () => {
  it('carry the pool prefix, and a pool does not claim another pool sharing its prefix', () => {
    expect(machineName('demo', 2)).toBe('vmwatch-demo-2');
    expect(builderName('demo')).toBe('vmwatch-demo-build');
    expect(isPoolMachine('demo', 'vmwatch-demo-2')).toBe(true);
    expect(isPoolMachine('demo', 'vmwatch-demo-build')).toBe(true);
    expect(isPoolMachine('demo', 'vmwatch-demo-app-1')).toBe(false);
    expect(isPoolMachine('demo', 'chatstats-pool-1')).toBe(false);
  });
});
