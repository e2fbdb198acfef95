/** `8192` (MB), `"8GB"`, `"512MB"`, `"8G"` → megabytes. The schema has already checked the shape. */
export function parseMemoryMb(value: number | string): number {
  if (typeof value === 'number') return value;
  const match = /^(\d+(?:\.\d+)?)\s*([A-Za-z]*)$/.exec(value.trim());
  if (!match) throw new Error(`not a size: ${value}`);
  const amount = Number(match[1]);
  const unit = (match[2] ?? '').toUpperCase();
  return Math.round(unit.startsWith('G') ? amount * 1024 : amount);
}
