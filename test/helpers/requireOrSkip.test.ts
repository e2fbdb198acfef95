import { afterEach, describe, expect, it } from 'vitest';
import { requireOrSkip } from './requireOrSkip.ts';

describe('requireOrSkip', () => {
  const saved = process.env.VMWATCH_TEST_REQUIRE;
  afterEach(() => {
    if (saved === undefined) delete process.env.VMWATCH_TEST_REQUIRE;
    else process.env.VMWATCH_TEST_REQUIRE = saved;
  });

  it('passes the reason through, so tests skip saying why', () => {
    delete process.env.VMWATCH_TEST_REQUIRE;
    expect(requireOrSkip('tmux tests', 'tmux is not installed')).toBe('tmux is not installed');
    expect(requireOrSkip('tmux tests', null)).toBeNull();
  });

  it('with VMWATCH_TEST_REQUIRE=1 a missing tool throws, naming what and why', () => {
    process.env.VMWATCH_TEST_REQUIRE = '1';
    expect(() => requireOrSkip('tmux tests', 'tmux is not installed')).toThrow(
      'VMWATCH_TEST_REQUIRE=1 and the tmux tests cannot run here: tmux is not installed',
    );
    expect(requireOrSkip('tmux tests', null)).toBeNull();
  });
});
