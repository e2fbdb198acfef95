import { describe, expect, it } from 'vitest';
import { hostViewWithHole } from '../../src/transport/sandbox/bwrapArgs.ts';
import { syncExcludes, rsyncArgs } from '../../src/transport/rsyncArgs.ts';

describe('hostViewWithHole', () => {
  it('mirrors the host read-only, leaves a hole at the guest path, and gives fresh /proc, /dev, /tmp', () => {
    const args = hostViewWithHole('/mnt/vmwatch-no-such/app');
    expect(args).toContain('--proc');
    expect(args.join(' ')).toContain('--tmpfs /tmp');
    expect(args.join(' ')).toContain('--ro-bind /usr /usr');
    // /mnt exists on the host: it is rebuilt entry by entry rather than bound whole
    expect(args.join(' ')).toContain('--dir /mnt');
    expect(args.join(' ')).not.toContain('--ro-bind /mnt /mnt');
    expect(args.join(' ')).not.toContain('/mnt/vmwatch-no-such');
  });

  it('binds the parent of an unrelated guest path whole', () => {
    const args = hostViewWithHole('/vmwatch-top-level-guest/app').join(' ');
    expect(args).toContain('--ro-bind /mnt /mnt');
    expect(args).not.toContain('--dir /');
  });
});

describe('rsync arguments', () => {
  it('exclude our outputs, git, and what the snapshot provides, anchored at the app root', () => {
    expect(syncExcludes('test-runs', ['node_modules', '.venv'])).toEqual(['.git', '.vmwatch', '/.vmwatch-results', '/test-runs', '/node_modules', '/.venv']);
    expect(rsyncArgs({ exclude: ['.git'], delete: true }, true)).toEqual(['-a', '--no-owner', '--no-group', '--delete', '--exclude=.git', '--files-from=-', '--from0']);
  });
});
