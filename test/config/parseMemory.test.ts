import { describe, expect, it } from 'vitest';
import { parseMemoryMb } from '../../src/config/parseMemory.ts';

describe('parseMemoryMb', () => {
  it('reads the short form\'s "8GB" and plain megabytes', () => {
    expect(parseMemoryMb('8GB')).toBe(8192);
    expect(parseMemoryMb('8G')).toBe(8192);
    expect(parseMemoryMb('512MB')).toBe(512);
    expect(parseMemoryMb('1.5GiB')).toBe(1536);
    expect(parseMemoryMb(4096)).toBe(4096);
  });
});
