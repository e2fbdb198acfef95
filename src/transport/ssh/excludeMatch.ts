import path from 'node:path';
import picomatch from 'picomatch';

type Matcher = (prefix: string, isLast: boolean, lastIsDir: boolean | 'unknown') => boolean;

/**
 * rsync's exclude rules, for the paths vmwatch names itself (a `--files-from` list and the
 * deletions that go with it), so that a listed file under an excluded folder is neither sent nor
 * deleted in the machine. Supported: `/anchored`, `name` (any level), `dir/sub` (the end of the
 * path), `**`, a trailing `/` (folders only) and a leading `- `. `+ ` (include) rules are ignored.
 */
export function excludeMatcher(patterns: readonly string[]): (relPath: string, lastIsDir: boolean | 'unknown') => boolean {
  const matchers = patterns.map(compile).filter((m): m is Matcher => m !== null);
  return (relPath, lastIsDir) => {
    const parts = relPath.split('/').filter((p) => p !== '' && p !== '.');
    for (let i = 1; i <= parts.length; i++) {
      const prefix = parts.slice(0, i).join('/');
      const isLast = i === parts.length;
      if (matchers.some((m) => m(prefix, isLast, lastIsDir))) return true;
    }
    return false;
  };
}

function compile(raw: string): Matcher | null {
  if (raw.startsWith('+ ')) return null;
  let pattern = raw.startsWith('- ') ? raw.slice(2) : raw;
  const dirOnly = pattern.endsWith('/');
  pattern = pattern.replace(/\/+$/, '');
  if (pattern === '') return null;
  const anchored = pattern.startsWith('/');
  if (anchored) pattern = pattern.slice(1);
  const whole = anchored || pattern.includes('/');
  const test = picomatch(anchored || !whole ? pattern : `**/${pattern}`, { dot: true });
  return (prefix, isLast, lastIsDir) => {
    // A folder-only rule skips a plain file; when we cannot tell (a deleted path), it matches, so
    // that nothing an exclude protects is ever deleted.
    if (dirOnly && isLast && lastIsDir === false) return false;
    return test(whole ? prefix : path.posix.basename(prefix));
  };
}
