import { describe, expect, it } from 'vitest';
import { RunControl } from '../../src/schedule/RunControl.ts';

describe('RunControl', () => {
  it('cancel stops a running test and every test of its batch, and nothing else', () => {
    const control = new RunControl(['a', 'b', 'c']);
    const batch = control.begin(['a', 'b']);
    const alone = control.begin('c');
    expect(control.cancel('b', 'restart').sort()).toEqual(['a', 'b']);
    expect(batch.aborted).toBe(true);
    expect(alone.aborted).toBe(false);
    expect(control.cancel('nope', 'x')).toEqual([]);
  });

  it('cancelAll stops what runs now and every queued test as it starts', () => {
    const control = new RunControl(['a', 'b', 'c']);
    const running = control.begin('a');
    expect(control.cancelAll('cancelled from the dashboard')).toBe(3);
    expect(running.aborted).toBe(true);
    const later = control.begin(['b', 'c']);
    expect(later.aborted).toBe(true);
    expect((later.reason as Error).message).toBe('cancelled from the dashboard');
  });
});
