/**
 * The `p` filter: a test id matches when the pattern, as a case-insensitive regular expression,
 * finds it (Jest's filename pattern); a pattern that is not a valid regex matches as plain text.
 */
export function testFilter(pattern: string | null): (id: string) => boolean {
  if (pattern === null || pattern === '') return () => true;
  try {
    const re = new RegExp(pattern, 'i');
    return (id) => re.test(id);
  } catch {
    const text = pattern.toLowerCase();
    return (id) => id.toLowerCase().includes(text);
  }
}
