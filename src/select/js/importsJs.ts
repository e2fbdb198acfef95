interface Token {
  kind: 'name' | 'string' | 'punct' | 'other';
  value: string;
}

export const JS_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

/** Keywords after which `/` starts a regular expression, not a division. */
const BEFORE_REGEX = new Set([
  'return',
  'typeof',
  'instanceof',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'case',
  'do',
  'else',
  'yield',
  'await',
]);

/** What a JS/TS source imports: specifiers in order, without duplicates, and which of them only bring in types. */
export interface JsImports {
  specifiers: string[];
  /** Specifiers imported only by type-only forms (`import type`, `export type`, `{ type A }`); omitted when none. */
  typeOnly?: string[];
}

/**
 * Import specifiers of a JS/TS source, in order, without duplicates: `import … from`, `import 'x'`,
 * `import type`, `export … from`, `require('x')` and `import('x')` with a literal. A specifier is
 * type-only when every import of it is: `import type …`, `export type …`, or braces whose every
 * specifier is marked `type` (`import { type A, type B }`); side-effect imports, `require`,
 * `import x = require()` and dynamic imports are runtime.
 */
export function extractJsImports(source: string): JsImports {
  const tokens = tokenize(source);
  const found = new Map<string, boolean>();
  tokens.forEach((token, k) => {
    if (token.kind !== 'name' || isPunct(tokens[k - 1], '.')) return;
    const specifier =
      token.value === 'import'
        ? importAt(tokens, k)
        : token.value === 'require'
          ? callAt(tokens, k)
          : token.value === 'export'
            ? exportAt(tokens, k)
            : undefined;
    if (specifier === undefined) return;
    const typeOnly = token.value !== 'require' && typeOnlyClause(tokens, k + 1);
    found.set(specifier, (found.get(specifier) ?? true) && typeOnly);
  });
  const specifiers = [...found.keys()];
  const typeOnly = specifiers.filter((specifier) => found.get(specifier) === true);
  return typeOnly.length === 0 ? { specifiers } : { specifiers, typeOnly };
}

function isName(token: Token | undefined, value: string): boolean {
  return token?.kind === 'name' && token.value === value;
}

/**
 * Whether the clause after `import`/`export` (at `j`) brings in types only: `type X from`,
 * `type { … }`, `type * …`, or `{ … }` with every specifier marked `type`. `import type from 'x'`
 * and `import type, { … }` bind a default export named `type`.
 */
function typeOnlyClause(tokens: Token[], j: number): boolean {
  if (isName(tokens[j], 'type')) {
    const next = tokens[j + 1];
    if (isPunct(next, '{') || isPunct(next, '*')) return true;
    return next?.kind === 'name' && !(next.value === 'from' && tokens[j + 2]?.kind === 'string');
  }
  return isPunct(tokens[j], '{') && allSpecifiersTyped(tokens, j + 1);
}

/** From after `{` to `}`: at least one specifier, and each is `type A` or `type A as B`. */
function allSpecifiersTyped(tokens: Token[], start: number): boolean {
  let element: Token[] = [];
  let count = 0;
  const typed = () => element.length >= 2 && isName(element[0], 'type') && !(element.length === 3 && isName(element[1], 'as'));
  for (let j = start; j < tokens.length; j++) {
    const token = tokens[j] as Token;
    const end = isPunct(token, '}');
    if (end || isPunct(token, ',')) {
      if (element.length > 0) {
        if (!typed()) return false;
        count++;
      }
      if (end) return count > 0;
      element = [];
    } else if (token.kind === 'name' || token.kind === 'string') {
      element.push(token);
    } else {
      return false;
    }
  }
  return false;
}

function isPunct(token: Token | undefined, value: string): boolean {
  return token?.kind === 'punct' && token.value === value;
}

/** `(` 'x' `)` after a `require` or `import` keyword. */
function callAt(tokens: Token[], k: number): string | undefined {
  const arg = tokens[k + 2];
  const close = tokens[k + 3];
  if (!isPunct(tokens[k + 1], '(') || arg?.kind !== 'string') return undefined;
  return isPunct(close, ')') || isPunct(close, ',') ? arg.value : undefined;
}

function importAt(tokens: Token[], k: number): string | undefined {
  const next = tokens[k + 1];
  if (next?.kind === 'string') return next.value;
  if (isPunct(next, '(')) return callAt(tokens, k);
  return fromClause(tokens, k + 1);
}

/** `export * from`, `export * as ns from`, `export { a } from`, `export type { A } from`. */
function exportAt(tokens: Token[], k: number): string | undefined {
  let j = k + 1;
  if (tokens[j]?.kind === 'name' && tokens[j]?.value === 'type') j++;
  return isPunct(tokens[j], '*') || isPunct(tokens[j], '{') ? fromClause(tokens, j) : undefined;
}

/** Scans names, `{ } , *` up to `from 'x'`; anything else ends the clause without a match. */
function fromClause(tokens: Token[], start: number): string | undefined {
  for (let j = start; j < tokens.length && j < start + 500; j++) {
    const token = tokens[j];
    if (token === undefined) return undefined;
    const next = tokens[j + 1];
    if (token.kind === 'name' && token.value === 'from' && next?.kind === 'string') return next.value;
    const allowed = token.kind === 'name' || (token.kind === 'punct' && '{},*'.includes(token.value));
    if (!allowed) return undefined;
  }
  return undefined;
}

/** Tokens kept after an `import`, `export` or `require` keyword, at most. */
const WINDOW = 500;
const KEYWORDS = new Set(['import', 'export', 'require']);

/**
 * A small JS lexer: names, string literals (and templates without substitutions), single
 * punctuation characters. Comments, regex literals and template text are skipped; code inside
 * `${…}` is lexed. Unterminated strings end at the line's end, so a stray quote (JSX text) costs
 * one line at most.
 *
 * The whole source is lexed, but only windows are kept: from the token before an `import`,
 * `export` or `require` keyword up to the end of its clause (a `;`, a `)`, the string after
 * `from` or `import`, or WINDOW tokens), each window after an `other` token that separates it.
 * Most of a file is code between imports, and not allocating tokens for it halves the time.
 */
function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  const templateDepths: number[] = [];
  let depth = 0;
  let i = 0;
  let recording = 0;
  let prevKind: Token['kind'] | undefined;
  let prevValue = '';
  const push = (kind: Token['kind'], value: string) => {
    if (recording === 0 && kind === 'name' && KEYWORDS.has(value)) {
      tokens.push({ kind: 'other', value: '' });
      if (prevKind !== undefined) tokens.push({ kind: prevKind, value: prevValue });
      recording = WINDOW;
    }
    if (recording > 0) {
      tokens.push({ kind, value });
      recording--;
      const endsClause =
        kind === 'punct'
          ? value === ';' || value === ')'
          : kind === 'string' && prevKind === 'name' && (prevValue === 'from' || prevValue === 'import');
      if (endsClause) recording = 0;
    }
    prevKind = kind;
    prevValue = value;
  };
  /** Template text from `from`; a template with substitutions is one opaque token. */
  const readTemplate = (from: number, substituted: boolean): number => {
    const text = matchAt(TEMPLATE_TEXT, src, from) ?? '';
    const end = from + text.length;
    if (!substituted) push(src.startsWith('${', end) ? 'other' : 'string', unescapeString(text));
    if (src.startsWith('${', end)) templateDepths.push(depth);
    return src.startsWith('${', end) ? end + 2 : end + 1;
  };
  while (i < src.length) {
    const code = src.charCodeAt(i);
    if (code === 32 || (code >= 9 && code <= 13)) {
      i++;
      continue;
    }
    const ch = src[i] as string;
    const next = src[i + 1];
    const space = code < 128 ? undefined : matchAt(SPACE, src, i);
    const word = space === undefined ? (matchAt(NAME, src, i) ?? matchAt(NUMBER, src, i)) : undefined;
    if (space !== undefined) {
      i += space.length;
    } else if (word !== undefined) {
      push(/\d/.test(ch) ? 'other' : 'name', word);
      i += word.length;
    } else if (ch === '/' && next === '/') {
      i = indexOrEnd(src, '\n', i);
    } else if (ch === '/' && next === '*') {
      i = indexOrEnd(src, '*/', i + 2) + 2;
    } else if (ch === "'" || ch === '"') {
      const pattern = ch === "'" ? SINGLE : DOUBLE;
      pattern.lastIndex = i;
      const [literal = ch, body = ''] = pattern.exec(src) ?? [];
      push('string', unescapeString(body));
      i += literal.length;
    } else if (ch === '`') {
      i = readTemplate(i + 1, false);
    } else if (ch === '}' && templateDepths.length > 0 && templateDepths[templateDepths.length - 1] === depth) {
      templateDepths.pop();
      i = readTemplate(i + 1, true);
    } else if (ch === '/' && regexAllowed(prevKind, prevValue) && regexEnd(src, i) > 0) {
      i = regexEnd(src, i);
      push('other', '/');
    } else {
      if (ch === '{') depth++;
      if (ch === '}') depth--;
      push('punct', ch);
      i++;
    }
  }
  return tokens;
}

const SPACE = /\s+/y;
const NAME = /[A-Za-z_$\u0080-\uffff][\w$\u0080-\uffff]*/y;
const NUMBER = /\d[\w.]*/y;
/** Quoted strings; an unterminated one ends at the line's end. */
const SINGLE = /'((?:[^'\\\n]|\\[\s\S])*)'?/y;
const DOUBLE = /"((?:[^"\\\n]|\\[\s\S])*)"?/y;
const TEMPLATE_TEXT = /(?:[^`\\$]|\\[\s\S]|\$(?!\{))*/y;

function matchAt(pattern: RegExp, src: string, at: number): string | undefined {
  pattern.lastIndex = at;
  return pattern.exec(src)?.[0];
}

function unescapeString(text: string): string {
  return text.includes('\\') ? text.replace(/\\\r?\n/g, '').replace(/\\([\s\S])/g, '$1') : text;
}

function indexOrEnd(src: string, needle: string, from: number): number {
  const at = src.indexOf(needle, from);
  return at === -1 ? src.length : at;
}

function regexAllowed(kind: Token['kind'] | undefined, value: string): boolean {
  if (kind === undefined) return true;
  if (kind === 'name') return BEFORE_REGEX.has(value);
  return kind === 'punct' && !')]}'.includes(value);
}

/** The index after a regex literal starting at `start` (flags included), or -1 if none ends on this line. */
function regexEnd(src: string, start: number): number {
  let inClass = false;
  for (let j = start + 1; j < src.length; j++) {
    const ch = src[j];
    if (ch === '\n') return -1;
    if (ch === '\\') j++;
    else if (ch === '[') inClass = true;
    else if (ch === ']') inClass = false;
    else if (ch === '/' && !inClass) return j + 1 + (/^[a-z]*/.exec(src.slice(j + 1, j + 20))?.[0].length ?? 0);
  }
  return -1;
}
