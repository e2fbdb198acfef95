/**
 * Text from outside (a file name, a test id) as it may reach a terminal: control characters
 * (C0, DEL, C1 — ESC among them) become visible escapes such as `\x1b`, `\n`, so a name cannot
 * move the cursor, recolor, retitle or clear the screen. A backslash stays as it is.
 */
export function shownText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\x00-\x1f\x7f-\x9f]/g, (ch) => {
    if (ch === '\n') return '\\n';
    if (ch === '\r') return '\\r';
    if (ch === '\t') return '\\t';
    return `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}
