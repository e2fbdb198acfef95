import { Ledger } from './ledger.ts';
import { type Cents, formatCents } from './money.ts';

export interface AccountLine {
  account: string;
  entries: number;
  balance: Cents;
  formatted: string;
}

export interface Report {
  accounts: AccountLine[];
  total: Cents;
  formattedTotal: string;
}

export function buildReport(ledger: Ledger): Report {
  const accounts = ledger.accounts().map((account) => {
    const balance = ledger.balance(account);
    return {
      account,
      entries: ledger.entries().filter((e) => e.account === account).length,
      balance,
      formatted: formatCents(balance),
    };
  });
  const total = ledger.total();
  return { accounts, total, formattedTotal: formatCents(total) };
}

export function renderText(report: Report): string {
  const width = Math.max(5, ...report.accounts.map((a) => a.account.length));
  const lines = report.accounts.map((a) => `${a.account.padEnd(width)}  ${a.formatted.padStart(12)}`);
  lines.push('-'.repeat(width + 14), `${'total'.padEnd(width)}  ${report.formattedTotal.padStart(12)}`);
  return `${lines.join('\n')}\n`;
}

/** The same small ledger every time: the server and the report script use it. */
export function demoLedger(): Ledger {
  const ledger = new Ledger();
  ledger.record('sales', '1200.00', 'invoice 1');
  ledger.record('sales', '349.99', 'invoice 2');
  ledger.record('rent', '-800.00', 'March');
  ledger.record('coffee', '-12.40', 'beans');
  ledger.record('coffee', '-3.10', 'milk');
  return ledger;
}
