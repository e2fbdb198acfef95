import { type Cents, sum, toCents } from './money.ts';

export interface Entry {
  account: string;
  amount: Cents;
  memo: string;
}

/** An append-only list of entries, with balances per account. */
export class Ledger {
  readonly #entries: Entry[] = [];

  /** Records `amount` ("12.34", negative for money going out) against `account`. */
  record(account: string, amount: string, memo = ''): Entry {
    if (!account) throw new Error('an entry needs an account');
    const entry: Entry = { account, amount: toCents(amount), memo };
    this.#entries.push(entry);
    return entry;
  }

  entries(): readonly Entry[] {
    return this.#entries;
  }

  accounts(): string[] {
    return [...new Set(this.#entries.map((e) => e.account))].sort();
  }

  balance(account: string): Cents {
    return sum(this.#entries.filter((e) => e.account === account).map((e) => e.amount));
  }

  total(): Cents {
    return sum(this.#entries.map((e) => e.amount));
  }
}
