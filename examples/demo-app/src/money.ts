// Money as integer cents: no floating-point drift.

export type Cents = number;

/** Parses "12.34", "-0.5" or "7" into cents. Throws on anything else. */
export function toCents(amount: string): Cents {
  const match = /^(-)?(\d+)(?:\.(\d{1,2}))?$/.exec(amount.trim());
  if (!match) throw new Error(`not an amount: ${JSON.stringify(amount)}`);
  const [, sign, whole = '0', fraction = ''] = match;
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  return sign ? -cents : cents;
}

/** Formats cents as "€1,234.50" (or "-€0.05"). */
export function formatCents(cents: Cents, symbol = '€'): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const whole = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const fraction = (abs % 100).toString().padStart(2, '0');
  return `${sign}${symbol}${whole}.${fraction}`;
}

export function sum(amounts: readonly Cents[]): Cents {
  return amounts.reduce((total, c) => total + c, 0);
}

/** Splits cents into `parts` shares that differ by at most one cent and add up exactly. */
export function split(cents: Cents, parts: number): Cents[] {
  if (!Number.isInteger(parts) || parts < 1) throw new Error(`cannot split into ${parts} parts`);
  const base = Math.trunc(cents / parts);
  const remainder = cents - base * parts;
  const step = Math.sign(remainder);
  return Array.from({ length: parts }, (_, i) => base + (i < Math.abs(remainder) ? step : 0));
}
