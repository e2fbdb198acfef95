/** Summary statistics for a list of samples (milliseconds unless named otherwise). */
export interface Stats {
  n: number;
  median: number;
  p90: number;
  min: number;
  max: number;
}

export function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => {
    if (sorted.length === 0) return Number.NaN;
    const i = (sorted.length - 1) * q;
    const lo = Math.floor(i);
    const hi = Math.ceil(i);
    return round(sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (i - lo));
  };
  return { n: sorted.length, median: at(0.5), p90: at(0.9), min: at(0), max: at(1) };
}

export function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
