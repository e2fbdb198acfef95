/**
 * JSON with comments and trailing commas, as tsconfig.json allows: used for config files and
 * tsconfig. Comments and dropped commas become blanks (newlines kept), so a position in the
 * stripped text is the same position in the file.
 */

/** Parses JSONC; undefined for anything that still is not JSON (a broken tsconfig resolves nothing rather than throwing). */
export function parseJsonc(text: string): unknown {
  try {
    return JSON.parse(stripJsonc(text));
  } catch {
    return undefined;
  }
}

/** Where JSONC text stops being JSON: 1-based line and column, and what JSON.parse said. */
export interface JsoncProblem {
  line: number;
  column: number;
  message: string;
}

/** Parses JSONC, or says where it breaks. */
export function parseJsoncOrProblem(text: string): { value: unknown } | { problem: JsoncProblem } {
  const json = stripJsonc(text);
  try {
    return { value: JSON.parse(json) as unknown };
  } catch (err) {
    const offset = errorOffset(json);
    const before = json.slice(0, offset).split('\n');
    const message = (err instanceof Error ? err.message : String(err))
      .split('\n')[0]!
      .replace(/, "[\s\S]*$/, '')
      .replace(/ in JSON at position \d+.*$/, '');
    return { problem: { line: before.length, column: before[before.length - 1]!.length + 1, message } };
  }
}

/** Drops `//` and block comments outside strings, then commas before `}` or `]`, keeping every position. */
function stripJsonc(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === '"') {
      const end = stringEnd(text, i);
      out += text.slice(i, end);
      i = end;
    } else if (ch === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? text.length : end;
      out += ' '.repeat(stop - i);
      i = stop;
    } else if (ch === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? text.length : end + 2;
      out += text.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else {
      out += ch;
      i++;
    }
  }
  return out.replace(/,(\s*[}\]])/g, ' $1');
}

function stringEnd(text: string, start: number): number {
  for (let j = start + 1; j < text.length; j++) {
    if (text[j] === '\\') j++;
    else if (text[j] === '"') return j + 1;
  }
  return text.length;
}

/**
 * The offset of the first character that makes `json` invalid (its length when it only ends too
 * soon). JSON.parse does not always say: the longest prefix that is still the start of a valid
 * document is found by bisection (being such a prefix holds for every shorter one too).
 */
function errorOffset(json: string): number {
  let good = 0;
  let bad = json.length;
  if (isValidStart(json)) return json.length;
  while (bad - good > 1) {
    const mid = (good + bad) >> 1;
    if (isValidStart(json.slice(0, mid))) good = mid;
    else bad = mid;
  }
  return good;
}

function isValidStart(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return true;
  } catch (err) {
    const message = err instanceof Error ? err.message : '';
    if (/Unexpected end of JSON input/.test(message)) return true;
    const at = /at position (\d+)/.exec(message);
    return at !== null && Number(at[1]) >= prefix.trimEnd().length;
  }
}
