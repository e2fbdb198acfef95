import { shellQuote } from '../process/shellQuote.ts';

/** A root-relative file as a command-line word that can never be read as an option (`-x.test.js` → `./-x.test.js`). */
export function fileArg(file: string): string {
  return shellQuote(file.startsWith('/') || file.startsWith('./') ? file : `./${file}`);
}

/** The results folder without a trailing slash, for joining. */
export function resultsPath(resultsDir: string, name: string): string {
  return `${resultsDir.replace(/\/+$/, '')}/${name}`;
}

/** Escape a literal string for a regular expression. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
