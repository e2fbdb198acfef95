import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellQuote } from '../../src/process/shellQuote.ts';

const echoed = (shell: string, word: string): string => execFileSync(shell, ['-c', `printf %s ${word}`], { encoding: 'utf8' });

describe('shellQuote', () => {
  it('leaves words bare that no shell reads specially', () => {
    for (const word of ['src/a-b_c.1.ts', './-x.test.js', 'a=b', 'user@host:/p', '--flag=1', '50%', 'a+b,c']) {
      expect(shellQuote(word)).toBe(word);
    }
  });

  it('quotes the rest, so the shell gives back exactly the value', () => {
    const values = ["it's", '$HOME `id` "x"', 'a\nb', '', 'a b', '*', '~', '=ls', 'ü ö', '-x;rm -rf y', "''"];
    for (const value of values) {
      expect(shellQuote(value)).not.toBe(value);
      expect(echoed('/bin/sh', shellQuote(value))).toBe(value);
    }
    expect(shellQuote('')).toBe("''");
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });

  it('is read the same by bash', () => {
    for (const value of ["it's", '$(id)', 'a b', '!x']) expect(echoed('/bin/bash', shellQuote(value))).toBe(value);
  });
});
