import { describe, expect, it } from 'vitest';
import { excludeMatcher } from '../../../src/transport/ssh/excludeMatch.ts';

describe('excludeMatcher (rsync exclude rules for listed files)', () => {
  const excluded = excludeMatcher(['.git', '/node_modules', '/test-runs', '*.pyc', 'build/out', 'cache/', '- .DS_Store', '+ keep']);

  it('matches a name at any level, and everything under it', () => {
    expect(excluded('.git', false)).toBe(true);
    expect(excluded('.git/HEAD', false)).toBe(true);
    expect(excluded('sub/.git/config', false)).toBe(true);
    expect(excluded('a/b/x.pyc', false)).toBe(true);
    expect(excluded('x/.DS_Store', false)).toBe(true);
    expect(excluded('src/git.ts', false)).toBe(false);
  });

  it('anchors a leading slash at the folder being copied', () => {
    expect(excluded('node_modules/x/index.js', false)).toBe(true);
    expect(excluded('pkg/node_modules/x/index.js', false)).toBe(false);
    expect(excluded('test-runs', 'unknown')).toBe(true);
  });

  it('matches a pattern with a slash against the end of the path', () => {
    expect(excluded('build/out/a.js', false)).toBe(true);
    expect(excluded('pkg/build/out/a.js', false)).toBe(true);
    expect(excluded('build/outer.js', false)).toBe(false);
  });

  it('applies folder-only rules to folders, and to deleted paths it cannot tell', () => {
    expect(excluded('cache', false)).toBe(false);
    expect(excluded('cache', true)).toBe(true);
    expect(excluded('cache', 'unknown')).toBe(true);
    expect(excluded('cache/x', false)).toBe(true);
  });

  it('ignores include rules and matches nothing without patterns', () => {
    expect(excluded('keep', false)).toBe(false);
    expect(excludeMatcher([])('anything/at/all', false)).toBe(false);
  });
});
