import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import { portMap } from '../../src/transport/portMap.ts';

describe('portMap', () => {
  it('VM i gets i·10000 + port', () => {
    expect(portMap(1, [3030, 5173, 3031])).toEqual([
      { hostPort: 13030, guestPort: 3030 },
      { hostPort: 15173, guestPort: 5173 },
      { hostPort: 13031, guestPort: 3031 },
    ]);
    expect(portMap(3, [3030]).map((p) => p.hostPort)).toEqual([33030]);
  });

  it('refuses a map past port 65535 with a config error saying why', () => {
    expect(() => portMap(7, [5173])).toThrow(ConfigError);
    expect(() => portMap(7, [5173])).toThrow(/75173/);
    expect(() => portMap(1, [12000])).toThrow(/below 10000/);
  });
});
