import { describe, expect, it } from 'vitest';
import { testEnv } from '../../src/config/testEnv.ts';

describe('testEnv', () => {
  it('is pool.env plus the passEnv names vmwatch has, and nothing else of its environment', () => {
    const host = { AWS_SECRET_ACCESS_KEY: 'secret', CI: 'true', SHARED: 'host', PATH: '/usr/bin' };
    expect(testEnv({ env: { SHARED: 'config', A: '1' }, passEnv: ['CI', 'SHARED', 'MISSING'] }, host)).toEqual({
      CI: 'true',
      SHARED: 'config',
      A: '1',
    });
    expect(testEnv({ env: {}, passEnv: [] }, host)).toEqual({});
  });
});
